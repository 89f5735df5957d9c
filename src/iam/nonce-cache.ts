/**
 * @module iam/nonce-cache
 * Remembers `x-acs-signature-nonce` values for as long as a signed request can still be accepted,
 * so a captured request cannot be replayed. One set answers "seen?" in a single lookup; nonces are
 * also filed in one-minute buckets, and a bucket older than the replay window is dropped with its
 * nonces, keeping memory bounded by the request rate.
 */

const BUCKET_MS = 60_000;

export class NonceCache {
  readonly #windowBuckets: number;
  readonly #seen = new Set<string>();
  readonly #buckets = new Map<number, string[]>();
  #current = -1;
  #currentList: string[] = [];

  /** `windowMs` must cover the full accepted skew on both sides (2 × max skew). */
  constructor(windowMs: number) {
    this.#windowBuckets = Math.ceil(windowMs / BUCKET_MS);
  }

  /** Records the nonce and returns true, or returns false when it was already seen. */
  checkAndAdd(nonce: string, nowMs: number): boolean {
    const bucket = Math.floor(nowMs / BUCKET_MS);
    if (bucket !== this.#current) this.#rotate(bucket);
    if (this.#seen.has(nonce)) return false;
    this.#seen.add(nonce);
    this.#currentList.push(nonce);
    return true;
  }

  get size(): number {
    return this.#seen.size;
  }

  #rotate(bucket: number): void {
    const oldest = bucket - this.#windowBuckets;
    for (const [b, nonces] of this.#buckets) {
      if (b >= oldest) continue;
      for (const n of nonces) this.#seen.delete(n);
      this.#buckets.delete(b);
    }
    let list = this.#buckets.get(bucket);
    if (!list) this.#buckets.set(bucket, (list = []));
    this.#current = bucket;
    this.#currentList = list;
  }
}
