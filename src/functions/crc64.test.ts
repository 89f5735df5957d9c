/** CRC-64/XZ against its published check value. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCrc64, crc64ecma } from './crc64.js';

test('computes the CRC-64/XZ check value of "123456789"', () => {
  assert.equal(crc64ecma(Buffer.from('123456789')), BigInt('0x995DC9BBDF1939FA').toString());
});

test('the empty input has checksum 0, and incremental updates equal one pass', () => {
  assert.equal(crc64ecma(Buffer.alloc(0)), '0');
  const data = Buffer.from('the quick brown fox jumps over the lazy dog'.repeat(100));
  assert.equal(createCrc64().update(data.subarray(0, 17)).update(data.subarray(17)).digest(), crc64ecma(data));
});
