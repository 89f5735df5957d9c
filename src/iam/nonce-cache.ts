/**
 * @module iam/nonce-cache
 * Remembers `x-acs-signature-nonce` values so a captured request cannot be replayed. Nonces are
 * filed by the minute of the request's own signed `x-acs-date`: a replay carries the same date, so
 * it is looked up in the one bucket it can be in. A bucket is dropped once every request dated in
 * its minute is refused as stale anyway (the minute ended more than the allowed skew ago). So the
 * cache holds about one skew's worth of traffic (15 minutes by default), and no bucket holds more
 * than one minute of it: at 10,000 requests a second that is 600,000 nonces per bucket. Buckets
 * hold keyed 64-bit fingerprints of the nonces, not the strings ({@link FingerprintSet}): 16 to 32
 * bytes per nonce, and nothing for the garbage collector to trace.
 */
import { FingerprintSet } from './fingerprint-set.js';

const BUCKET_MS = 60_000;
/** How often expired buckets are looked for. */
const SWEEP_EVERY_MS = 10_000;

export class NonceCache {
  readonly #maxSkewMs: number;
  readonly #buckets = new Map<number, FingerprintSet>();
  #nextSweepMs = -Infinity;

  /** `maxSkewMs`: how far a request's x-acs-date may be from the server's time (both ways). */
  constructor(maxSkewMs: number) {
    this.#maxSkewMs = maxSkewMs;
  }

  /**
   * Whether a request signed at `signedDateMs` may still be accepted at `nowMs`. Checked again when
   * the nonce is spent (not only when the headers arrived): a client can make its body take long,
   * and a nonce is only remembered while its request could pass this check.
   */
  isFresh(signedDateMs: number, nowMs: number): boolean {
    return Math.abs(nowMs - signedDateMs) <= this.#maxSkewMs;
  }

  /** Records the nonce of a request signed at `signedDateMs` and returns true, or returns false when it was already seen. Call {@link isFresh} first. */
  checkAndAdd(nonce: string, signedDateMs: number, nowMs: number): boolean {
    if (nowMs >= this.#nextSweepMs) this.#sweep(nowMs);
    const minute = Math.floor(signedDateMs / BUCKET_MS);
    let bucket = this.#buckets.get(minute);
    if (!bucket) this.#buckets.set(minute, (bucket = new FingerprintSet()));
    return bucket.add(nonce);
  }

  get size(): number {
    let n = 0;
    for (const b of this.#buckets.values()) n += b.size;
    return n;
  }

  #sweep(nowMs: number): void {
    this.#nextSweepMs = nowMs + SWEEP_EVERY_MS;
    for (const minute of this.#buckets.keys()) {
      if ((minute + 1) * BUCKET_MS + this.#maxSkewMs < nowMs) this.#buckets.delete(minute);
    }
  }
}
