/** Admission: account quotas, reservations, the scale-out bucket and node capacity, under a fake clock. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../time/clock.js';
import { createAdmission, type AdmissionLimits } from './admission.js';

const LIMITS: AdmissionLimits = { maxInstancesPerAccount: 3, scaleOutPerMinute: 100, maxVcpuPerAccount: 100, maxMemoryMbPerAccount: 100_000, nodeMemoryMb: 100_000, nodeMemoryCommitRatio: 0.9 };
const shape = (functionName = 'f', accountId = 'a', memoryMb = 128, cpu = 0.1) => ({ accountId, functionName, memoryMb, cpu });

function setup(limits: Partial<AdmissionLimits> = {}, reserved: Record<string, number> = {}) {
  const clock = new FakeClock(0);
  const admission = createAdmission({ clock, limits: { ...LIMITS, ...limits }, reservations: () => new Map(Object.entries(reserved)) });
  return { clock, admission };
}

test('an account runs at most maxInstancesPerAccount instances; a released one makes room; accounts are separate', () => {
  const { admission } = setup();
  for (let i = 0; i < 3; i++) assert.equal(admission.tryAdmit(shape()), undefined);
  assert.equal(admission.tryAdmit(shape('g'))?.code, 'ResourceThrottled');
  assert.equal(admission.tryAdmit(shape('f', 'b')), undefined, 'another account has its own quota');
  admission.release(shape());
  assert.equal(admission.tryAdmit(shape('g')), undefined);
  assert.deepEqual(admission.usage('a'), { instances: 3, memoryMb: 384, vcpu: 0.30000000000000004 });
});

test('a reservation caps its function and is set aside from the others; 0 blocks the function', () => {
  const { admission } = setup({ maxInstancesPerAccount: 4 }, { reserved: 2, blocked: 0 });
  assert.equal(admission.tryAdmit(shape('reserved')), undefined);
  assert.equal(admission.tryAdmit(shape('reserved')), undefined);
  assert.match(admission.tryAdmit(shape('reserved'))!.message, /reservedConcurrency of 2/);
  assert.match(admission.tryAdmit(shape('blocked'))!.message, /reservedConcurrency 0/);
  assert.equal(admission.tryAdmit(shape('other')), undefined);
  assert.equal(admission.tryAdmit(shape('other')), undefined);
  assert.match(admission.tryAdmit(shape('other'))!.message, /less 2 reserved/);
});

test('memory and vCPU quotas refuse with ResourceThrottled; a full node refuses with ResourceExhausted', () => {
  assert.match(setup({ maxMemoryMbPerAccount: 200 }).admission.tryAdmit(shape('f', 'a', 256))!.message, /memory quota/);
  assert.match(setup({ maxVcpuPerAccount: 0.5 }).admission.tryAdmit(shape('f', 'a', 128, 1))!.message, /vCPU/);
  const { admission } = setup({ nodeMemoryMb: 1000 });
  assert.equal(admission.tryAdmit(shape('f', 'a', 512)), undefined);
  const full = admission.tryAdmit(shape('f', 'b', 512));
  assert.equal(full?.code, 'ResourceExhausted', '512 + 512 MB is over 90 % of 1000 MB');
  admission.release(shape('f', 'a', 512));
  assert.equal(admission.tryAdmit(shape('f', 'b', 512)), undefined, 'the node memory was given back');
});

test('the scale-out bucket refuses a burst beyond its rate and says when a token is back', () => {
  const { admission, clock } = setup({ maxInstancesPerAccount: 1000, scaleOutPerMinute: 2 });
  assert.equal(admission.tryAdmit(shape()), undefined);
  assert.equal(admission.tryAdmit(shape()), undefined);
  const denied = admission.tryAdmit(shape());
  assert.equal(denied?.code, 'ResourceThrottled');
  assert.match(denied!.message, /faster than 2 a minute/);
  assert.equal(denied!.retryAtMs, 30_000);
  clock.advance(30_000);
  assert.equal(admission.tryAdmit(shape()), undefined);
});
