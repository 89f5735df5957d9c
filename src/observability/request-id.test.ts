/** Request ids: FC's format, unique, and carrying the current second. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRequestIdFactory } from './request-id.js';

test('ids look like FC 3.0 ids, carry the second they were made in, and never repeat', () => {
  const next = createRequestIdFactory();
  const t = Date.UTC(2026, 10, 22, 12, 0, 0);
  const a = next(t);
  const b = next(t + 999);
  const c = next(t + 1000);
  for (const id of [a, b, c]) assert.match(id, /^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  assert.equal(a.split('-')[1], (t / 1000).toString(16));
  assert.equal(b.split('-')[1], (t / 1000).toString(16));
  assert.equal(c.split('-')[1], (t / 1000 + 1).toString(16));
  assert.equal(new Set([a, b, c, ...Array.from({ length: 1000 }, () => next(t))]).size, 1003);
});
