/**
 * @module functions/crc64
 * CRC-64/XZ (ECMA-182 polynomial, reflected, init and xorout all ones), the checksum Alibaba OSS
 * and FC report as `codeChecksum`, as an unsigned decimal string. Table-driven on two 32-bit
 * halves, so it needs no BigInt per byte.
 */

const POLY_HI = 0xc96c5795;
const POLY_LO = 0xd7870f42;
const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);

for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let k = 0; k < 8; k++) {
    const isSet = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (isSet) {
      hi = (hi ^ POLY_HI) >>> 0;
      lo = (lo ^ POLY_LO) >>> 0;
    }
  }
  TABLE_HI[i] = hi;
  TABLE_LO[i] = lo;
}

export interface Crc64 {
  update(data: Uint8Array): Crc64;
  /** The checksum of everything so far, as an unsigned decimal string. */
  digest(): string;
}

export function createCrc64(): Crc64 {
  let hi = 0xffffffff;
  let lo = 0xffffffff;
  return {
    update(data) {
      for (let i = 0; i < data.length; i++) {
        const idx = (lo ^ data[i]!) & 0xff;
        lo = (((lo >>> 8) | ((hi & 0xff) << 24)) ^ TABLE_LO[idx]!) >>> 0;
        hi = ((hi >>> 8) ^ TABLE_HI[idx]!) >>> 0;
      }
      return this;
    },
    digest() {
      return ((BigInt((hi ^ 0xffffffff) >>> 0) << 32n) | BigInt((lo ^ 0xffffffff) >>> 0)).toString();
    },
  };
}

export function crc64ecma(data: Uint8Array): string {
  return createCrc64().update(data).digest();
}
