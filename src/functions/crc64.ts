/**
 * @module functions/crc64
 * CRC-64/XZ (ECMA-182 polynomial, reflected, init and xorout all ones), the checksum Alibaba OSS
 * (`x-oss-hash-crc64ecma`) and FC report as `codeChecksum`, as an unsigned decimal string.
 * Slicing-by-8 over two 32-bit halves: eight bytes per step and no BigInt until the digest.
 */

/** The reflected polynomial 0x C96C5795 D7870F42, as its high and low 32-bit halves. */
const POLY_HI = 0xc96c5795;
const POLY_LO = 0xd7870f42;
const SLICES = 8;

/** `HI[k * 256 + b]` / `LO[k * 256 + b]`: the CRC of byte `b` followed by `k` zero bytes. */
const HI = new Uint32Array(SLICES * 256);
const LO = new Uint32Array(SLICES * 256);

for (let b = 0; b < 256; b++) {
  let hi = 0;
  let lo = b;
  for (let bit = 0; bit < 8; bit++) {
    const isSet = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (isSet) {
      hi = (hi ^ POLY_HI) >>> 0;
      lo = (lo ^ POLY_LO) >>> 0;
    }
  }
  HI[b] = hi;
  LO[b] = lo;
}
for (let k = 1; k < SLICES; k++) {
  for (let b = 0; b < 256; b++) {
    const prevHi = HI[(k - 1) * 256 + b]!;
    const prevLo = LO[(k - 1) * 256 + b]!;
    const idx = prevLo & 0xff;
    LO[k * 256 + b] = (((prevLo >>> 8) | ((prevHi & 0xff) << 24)) ^ LO[idx]!) >>> 0;
    HI[k * 256 + b] = ((prevHi >>> 8) ^ HI[idx]!) >>> 0;
  }
}

export interface Crc64 {
  /** Feeds more bytes; returns the same object for chaining. */
  update(data: Uint8Array): Crc64;
  /** The checksum of everything so far, as an unsigned decimal string. Does not end the stream. */
  digest(): string;
}

/** An incremental CRC-64/XZ: `createCrc64().update(a).update(b).digest()`. */
export function createCrc64(): Crc64 {
  // The running CRC, inverted (init all ones), as two unsigned 32-bit halves.
  let hi = 0xffffffff;
  let lo = 0xffffffff;
  const crc: Crc64 = {
    update(d) {
      const n = d.length;
      const end8 = n - (n % 8);
      let h = hi;
      let l = lo;
      let i = 0;
      for (; i < end8; i += 8) {
        const b0 = (l ^ d[i]!) & 0xff;
        const b1 = ((l >>> 8) ^ d[i + 1]!) & 0xff;
        const b2 = ((l >>> 16) ^ d[i + 2]!) & 0xff;
        const b3 = ((l >>> 24) ^ d[i + 3]!) & 0xff;
        const b4 = (h ^ d[i + 4]!) & 0xff;
        const b5 = ((h >>> 8) ^ d[i + 5]!) & 0xff;
        const b6 = ((h >>> 16) ^ d[i + 6]!) & 0xff;
        const b7 = ((h >>> 24) ^ d[i + 7]!) & 0xff;
        l = LO[1792 + b0]! ^ LO[1536 + b1]! ^ LO[1280 + b2]! ^ LO[1024 + b3]! ^ LO[768 + b4]! ^ LO[512 + b5]! ^ LO[256 + b6]! ^ LO[b7]!;
        h = HI[1792 + b0]! ^ HI[1536 + b1]! ^ HI[1280 + b2]! ^ HI[1024 + b3]! ^ HI[768 + b4]! ^ HI[512 + b5]! ^ HI[256 + b6]! ^ HI[b7]!;
      }
      for (; i < n; i++) {
        const idx = (l ^ d[i]!) & 0xff;
        l = ((l >>> 8) | ((h & 0xff) << 24)) ^ LO[idx]!;
        h = (h >>> 8) ^ HI[idx]!;
      }
      hi = h >>> 0;
      lo = l >>> 0;
      return crc;
    },
    digest() {
      return ((BigInt((hi ^ 0xffffffff) >>> 0) << 32n) | BigInt((lo ^ 0xffffffff) >>> 0)).toString();
    },
  };
  return crc;
}

/** CRC-64/XZ of `data` as an unsigned decimal string ("123456789" gives "11051210869376104954"). */
export function crc64ecma(data: Uint8Array): string {
  return createCrc64().update(data).digest();
}
