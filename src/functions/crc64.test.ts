/** @module functions/crc64.test — CRC-64/XZ against its check value and a bit-by-bit reference. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { createCrc64, crc64ecma } from './crc64.js';

/** The textbook bitwise CRC-64/XZ, slow but obviously right. */
function referenceCrc64(data: Uint8Array): string {
  const poly = 0xc96c5795d7870f42n;
  const mask = 0xffffffffffffffffn;
  let crc = mask;
  for (const byte of data) {
    crc ^= BigInt(byte);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  return ((crc ^ mask) & mask).toString();
}

test('computes the CRC-64/XZ check value of "123456789"', () => {
  assert.equal(crc64ecma(Buffer.from('123456789')), '11051210869376104954');
  assert.equal(crc64ecma(Buffer.from('123456789')), BigInt('0x995DC9BBDF1939FA').toString());
});

test('gives checksum 0 for empty input', () => {
  assert.equal(crc64ecma(Buffer.alloc(0)), '0');
});

test('agrees with a bitwise reference for every length up to 40 and at unaligned offsets', () => {
  const data = randomBytes(64);
  for (let len = 0; len <= 40; len++) {
    for (const offset of [0, 1, 3, 7]) {
      const slice = data.subarray(offset, offset + len);
      assert.equal(crc64ecma(slice), referenceCrc64(slice), `length ${len} at offset ${offset}`);
    }
  }
});

test('returns the same checksum when fed in pieces of any size', () => {
  const data = randomBytes(10_000);
  const whole = crc64ecma(data);
  assert.equal(whole, referenceCrc64(data));
  for (const piece of [1, 3, 7, 8, 13, 4096]) {
    const crc = createCrc64();
    for (let i = 0; i < data.length; i += piece) crc.update(data.subarray(i, i + piece));
    assert.equal(crc.digest(), whole, `pieces of ${piece}`);
  }
});

test('prints checksums with the top bit set as unsigned decimals', () => {
  // 0x995DC9BBDF1939FA above already has the top bit set; check many random ones stay unsigned.
  for (let i = 0; i < 50; i++) {
    const value = crc64ecma(randomBytes(16));
    assert.match(value, /^\d+$/);
    assert.ok(BigInt(value) < 2n ** 64n);
  }
});
