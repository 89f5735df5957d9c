/**
 * @module iam/fingerprint-set
 * A set of strings kept as keyed 64-bit fingerprints in one typed array (open addressing, linear
 * probing): 16 to 32 bytes per entry (the table is kept between a quarter and half full), and no
 * JavaScript object per entry, so the garbage collector never copies or marks them. Used by the
 * nonce cache, which holds every signed request of the last skew window (15 minutes; at 10,000
 * requests a second, 9 million nonces: ~1 GB of heap as strings in Sets, at most ~290 MB as
 * fingerprints).
 *
 * Two different random strings share a fingerprint with probability 2^-64 per pair, so a set of
 * n of them holds a false "already seen" with probability about n²/2^65 (1e-8 for 600,000). The
 * seeds are random per process. MurmurHash3 is not a cryptographic hash, and strings can be
 * crafted to collide, but for the nonce cache a collision can only refuse a fresh request as a
 * replay (its client retries with a new nonce); it can never let a replay through, since a
 * replay carries the very same nonce and so the very same fingerprint.
 */
import { randomBytes } from 'node:crypto';

const INITIAL_SLOTS = 1024;
const MAX_LOAD = 0.5;

export class FingerprintSet {
  readonly #seedA: number;
  readonly #seedB: number;
  /** Two u32 per slot (high, low); 0,0 is an empty slot (a fingerprint of 0,0 is stored as 0,1). */
  #slots = new Uint32Array(INITIAL_SLOTS * 2);
  #mask = INITIAL_SLOTS - 1;
  #size = 0;

  constructor(seeds: { a: number; b: number } = randomSeeds()) {
    this.#seedA = seeds.a >>> 0;
    this.#seedB = seeds.b >>> 0;
  }

  get size(): number {
    return this.#size;
  }

  /** Bytes of the table. */
  get byteLength(): number {
    return this.#slots.byteLength;
  }

  /** Adds the string and returns true, or returns false when it (or a string with its fingerprint) is already in. */
  add(s: string): boolean {
    const hi = hash32(s, this.#seedA);
    let lo = hash32(s, this.#seedB);
    if (hi === 0 && lo === 0) lo = 1;
    const slots = this.#slots;
    const i = slotOf(slots, this.#mask, hi, lo);
    if (slots[2 * i] !== 0 || slots[2 * i + 1] !== 0) return false;
    slots[2 * i] = hi;
    slots[2 * i + 1] = lo;
    if (++this.#size > (this.#mask + 1) * MAX_LOAD) this.#grow();
    return true;
  }

  #grow(): void {
    const old = this.#slots;
    const slotCount = (this.#mask + 1) * 2;
    const slots = new Uint32Array(slotCount * 2);
    const mask = slotCount - 1;
    for (let j = 0; j < old.length; j += 2) {
      const hi = old[j]!;
      const lo = old[j + 1]!;
      if (hi === 0 && lo === 0) continue;
      const i = slotOf(slots, mask, hi, lo);
      slots[2 * i] = hi;
      slots[2 * i + 1] = lo;
    }
    this.#slots = slots;
    this.#mask = mask;
  }
}

/** The slot holding fingerprint (hi, lo), or else the empty slot where it goes (linear probing from its home slot). */
function slotOf(slots: Uint32Array, mask: number, hi: number, lo: number): number {
  let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
  for (;;) {
    const h = slots[2 * i]!;
    const l = slots[2 * i + 1]!;
    if ((h === 0 && l === 0) || (h === hi && l === lo)) return i;
    i = (i + 1) & mask;
  }
}

/** Two different seeds: equal ones would make the fingerprint 32 bits wide. */
function randomSeeds(): { a: number; b: number } {
  for (;;) {
    const b = randomBytes(8);
    const seeds = { a: b.readUInt32LE(0), b: b.readUInt32LE(4) };
    if (seeds.a !== seeds.b) return seeds;
  }
}

/** MurmurHash3 (x86, 32-bit) over the string's UTF-16 code units, with the given seed. */
function hash32(s: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) {
    let k = Math.imul(s.charCodeAt(i), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= s.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
