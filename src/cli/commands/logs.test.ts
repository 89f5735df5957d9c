/** `openfc logs --since/--until`: durations back from now, ISO times and epoch ms. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logsPath } from '../logs-client.js';
import { parseTimeArg } from './logs.js';

const NOW = Date.UTC(2026, 0, 2, 12, 0, 0);

test('a duration counts back from now; an ISO time or epoch ms is taken as it is', () => {
  assert.equal(parseTimeArg('10m', NOW), '2026-01-02T11:50:00.000Z');
  assert.equal(parseTimeArg('90s', NOW), '2026-01-02T11:58:30.000Z');
  assert.equal(parseTimeArg('2h', NOW), '2026-01-02T10:00:00.000Z');
  assert.equal(parseTimeArg('1d', NOW), '2026-01-01T12:00:00.000Z');
  assert.equal(parseTimeArg('2026-01-01T08:00:00+08:00', NOW), '2026-01-01T00:00:00.000Z');
  assert.equal(parseTimeArg('1767225600000', NOW), '1767225600000');
  for (const bad of ['yesterday', '10 minutes', '-5m', '']) assert.throws(() => parseTimeArg(bad, NOW), /duration/);
});

test('the request path carries only the filters given, percent-encoded', () => {
  assert.equal(logsPath({ functionName: 'my fn' }), '/2023-03-30/functions/my%20fn/logs');
  assert.equal(
    logsPath({ functionName: 'f', requestId: 'r-1', since: '2026-01-01T00:00:00.000Z', nextToken: '42', follow: true, waitMs: 20000 }),
    '/2023-03-30/functions/f/logs?requestId=r-1&since=2026-01-01T00%3A00%3A00.000Z&nextToken=42&follow=true&waitMs=20000',
  );
});
