/**
 * @module invoke/async-retry-policy
 * What happens after an async attempt fails (reference §8):
 * - a function error (the handler threw, timed out, crashed, or its initializer failed) is retried
 *   at most `maxRetryAttempts` times;
 * - a throttle or system error (429, 503, 500, a lost attempt) is retried with binary exponential
 *   backoff from `baseMs` (0.5 s, 1 s, 2 s, … capped at `capMs`), with no count limit;
 * - either way, an event is never run past `enqueuedAt + maxEventAgeMs`: it settles as Expired.
 * Function errors wait the same backoff, counted by their own number.
 */
import type { AsyncEventRecord } from '../store/queue.js';

export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

export type FailureCause = 'function-error' | 'system-error';

export type RetryVerdict =
  | { readonly action: 'retry'; readonly visibleAt: number }
  | { readonly action: 'give-up'; readonly status: 'Failed' | 'Expired'; readonly condition: 'RetriesExhausted' | 'EventAgeExceeded' };

/** The delay before retry number `n` (1-based): base · 2^(n−1), capped. */
export function backoffDelayMs(n: number, policy: BackoffPolicy): number {
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, Math.min(n - 1, 40)));
}

/** Whether the event may still run at `now`. */
export const isExpired = (event: Pick<AsyncEventRecord, 'enqueuedAt' | 'maxEventAgeMs'>, now: number): boolean => now > event.enqueuedAt + event.maxEventAgeMs;

export function decideRetry(
  event: Pick<AsyncEventRecord, 'enqueuedAt' | 'maxEventAgeMs' | 'maxRetryAttempts' | 'functionErrors' | 'systemErrors'>,
  cause: FailureCause,
  now: number,
  policy: BackoffPolicy,
): RetryVerdict {
  const failures = cause === 'function-error' ? event.functionErrors + 1 : event.systemErrors + 1;
  if (cause === 'function-error' && failures > event.maxRetryAttempts) return { action: 'give-up', status: 'Failed', condition: 'RetriesExhausted' };
  const visibleAt = now + backoffDelayMs(failures, policy);
  if (isExpired(event, visibleAt)) return { action: 'give-up', status: 'Expired', condition: 'EventAgeExceeded' };
  return { action: 'retry', visibleAt };
}
