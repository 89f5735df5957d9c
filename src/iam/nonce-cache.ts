/**
 * @module iam/nonce-cache
 * Remembers `x-acs-signature-nonce` values for as long as a signed request can still be accepted,
 * so a captured request cannot be replayed. Nonces live in one-minute buckets that are dropped
 * once they are older than the replay window, keeping memory bounded by the request rate.
 */

const BUCKET_MS = 60_000;

export class NonceCache {
  readonly #windowMs: number;
  #buckets = new Map<number, Set<string>>();

  /** `windowMs` must cover the full accepted skew on both sides (2 × max skew). */
  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /** Records the nonce and returns true, or returns false when it was already seen. */
  checkAndAdd(nonce: string, nowMs: number): boolean {
    const bucket = Math.floor(nowMs / BUCKET_MS);
    this.#evict(bucket);
    for (const set of this.#buckets.values()) if (set.has(nonce)) return false;
    let set = this.#buckets.get(bucket);
    if (!set) this.#buckets.set(bucket, (set = new Set()));
    set.add(nonce);
    return true;
  }

  get size(): number {
    let n = 0;
    for (const set of this.#buckets.values()) n += set.size;
    return n;
  }

  #evict(currentBucket: number): void {
    const oldest = currentBucket - Math.ceil(this.#windowMs / BUCKET_MS);
    for (const b of this.#buckets.keys()) if (b < oldest) this.#buckets.delete(b);
  }
}
