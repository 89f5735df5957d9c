import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelayMs, decideRetry } from './async-retry-policy.js';

const policy = { baseMs: 500, capMs: 300_000 };
const event = { enqueuedAt: 0, maxEventAgeMs: 86_400_000, maxRetryAttempts: 3, functionErrors: 0, systemErrors: 0 };

test('the backoff doubles from 0.5 s and is capped', () => {
  assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, policy)), [500, 1000, 2000, 4000, 8000]);
  assert.equal(backoffDelayMs(30, policy), 300_000);
  assert.equal(backoffDelayMs(10_000, policy), 300_000);
});

test('function errors are retried maxRetryAttempts times, then the event fails', () => {
  assert.deepEqual(decideRetry(event, 'function-error', 1000, policy), { action: 'retry', visibleAt: 1500 });
  assert.deepEqual(decideRetry({ ...event, functionErrors: 2 }, 'function-error', 1000, policy), { action: 'retry', visibleAt: 3000 });
  assert.deepEqual(decideRetry({ ...event, functionErrors: 3 }, 'function-error', 1000, policy), { action: 'give-up', status: 'Failed', condition: 'RetriesExhausted' });
  assert.deepEqual(decideRetry({ ...event, maxRetryAttempts: 0 }, 'function-error', 1000, policy), { action: 'give-up', status: 'Failed', condition: 'RetriesExhausted' });
});

test('system errors back off without a count limit, until the event is too old', () => {
  assert.deepEqual(decideRetry({ ...event, systemErrors: 50, functionErrors: 3 }, 'system-error', 1000, policy), { action: 'retry', visibleAt: 301_000 });
  assert.deepEqual(decideRetry({ ...event, maxEventAgeMs: 1400 }, 'system-error', 1000, policy), { action: 'give-up', status: 'Expired', condition: 'EventAgeExceeded' });
  assert.deepEqual(decideRetry({ ...event, maxEventAgeMs: 1500 }, 'system-error', 1000, policy), { action: 'retry', visibleAt: 1500 });
});
