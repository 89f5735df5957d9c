import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../time/clock.js';
import { createRoleCredentials } from './role-credentials.js';
import type { StsService } from './sts-service.js';

test('role credentials are reused while fresh and renewed when less than 5 minutes of their life is left', () => {
  const clock = new FakeClock();
  let n = 0;
  const sts = {
    assumeRole: (_caller: unknown, input: { durationSeconds?: number }) => ({
      credentials: { accessKeyId: `STS.${++n}`, accessKeySecret: 's', securityToken: 't', expiresAtMs: clock.now() + (input.durationSeconds ?? 3600) * 1000 },
      role: {}, assumedRoleId: '', arn: '',
    }),
  } as unknown as StsService;
  const creds = createRoleCredentials({ sts, clock });
  const first = creds.get('a', 'f', 'acs:ram::a:role/r');
  assert.equal(creds.get('a', 'f', 'acs:ram::a:role/r').accessKeyId, first.accessKeyId);
  assert.notEqual(creds.get('a', 'other', 'acs:ram::a:role/r').accessKeyId, first.accessKeyId, 'each function has its own session');
  clock.advance(55 * 60 * 1000 - 1);
  assert.equal(creds.get('a', 'f', 'acs:ram::a:role/r').accessKeyId, first.accessKeyId);
  clock.advance(2);
  const renewed = creds.get('a', 'f', 'acs:ram::a:role/r');
  assert.notEqual(renewed.accessKeyId, first.accessKeyId);
  assert.ok(renewed.expiresAtMs > first.expiresAtMs);
});
