/**
 * @module api/token-bucket
 * The token bucket the access service's request-rate limits are made of: `burst` tokens, refilled
 * at `perSecond`, read against the injected clock's time. A check is a few arithmetic operations:
 * O(1), no timer, and no allocation (the two numbers live in a Float64Array, so writing a
 * fractional token count or a millisecond timestamp never boxes a heap number).
 */

/** A bucket's shape: how fast it refills and how many tokens it holds at most. */
export interface BucketRate {
  readonly perSecond: number;
  readonly burst: number;
}

const TOKENS = 0;
const REFILLED_AT_MS = 1;

export class TokenBucket {
  readonly #state = new Float64Array(2);
  readonly #perMs: number;
  readonly #burst: number;

  constructor(rate: BucketRate, nowMs: number) {
    this.#perMs = rate.perSecond / 1000;
    this.#burst = rate.burst;
    this.#state[TOKENS] = rate.burst;
    this.#state[REFILLED_AT_MS] = nowMs;
  }

  #refill(nowMs: number): void {
    const state = this.#state;
    const elapsed = nowMs - state[REFILLED_AT_MS]!;
    if (elapsed <= 0) return; // a clock that steps back refills nothing and loses nothing
    state[REFILLED_AT_MS] = nowMs;
    const tokens = state[TOKENS]! + elapsed * this.#perMs;
    state[TOKENS] = tokens < this.#burst ? tokens : this.#burst;
  }

  /** 0 when a token is there now (it is not taken), otherwise how long until one is, in ms (at least 1). */
  waitMs(nowMs: number): number {
    this.#refill(nowMs);
    const tokens = this.#state[TOKENS]!;
    return tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - tokens) / this.#perMs));
  }

  /**
   * Takes a token without checking: after {@link waitMs} said yes, once the request turned out to
   * count (requests admitted together can so leave the bucket briefly in debt, which later
   * refills pay back).
   */
  take(): void {
    this.#state[TOKENS]! -= 1;
  }

  /** {@link waitMs}, taking the token when there is one. */
  tryTake(nowMs: number): number {
    const wait = this.waitMs(nowMs);
    if (wait === 0) this.#state[TOKENS]! -= 1;
    return wait;
  }

  /** True when the bucket has refilled completely: forgetting it then loses nothing. */
  isFull(nowMs: number): boolean {
    this.#refill(nowMs);
    return this.#state[TOKENS]! >= this.#burst;
  }
}
