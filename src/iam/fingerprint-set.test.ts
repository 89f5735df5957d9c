/** Unit tests of the fingerprint set behind the nonce cache. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { FingerprintSet } from './fingerprint-set.js';

test('every string is accepted once and refused after, through many growths', () => {
  const set = new FingerprintSet();
  const nonces = Array.from({ length: 200_000 }, () => randomBytes(32).toString('hex'));
  for (const n of nonces) assert.equal(set.add(n), true);
  assert.equal(set.size, nonces.length);
  for (const n of nonces) assert.equal(set.add(n), false);
  assert.equal(set.size, nonces.length);
});

test('strings that differ in one character, in length or only in case are all different', () => {
  const set = new FingerprintSet({ a: 1, b: 2 });
  const base = 'a'.repeat(40);
  const variants = [base, base + 'a', base.slice(1), 'A' + base.slice(1), '', 'a', 'b', 'ключ', '🔑'];
  for (let i = 0; i < base.length; i++) variants.push(base.slice(0, i) + 'b' + base.slice(i + 1));
  for (const v of variants) assert.equal(set.add(v), true, JSON.stringify(v));
  for (const v of variants) assert.equal(set.add(v), false, JSON.stringify(v));
});

test('the table stays between a quarter and half full: 16 to 32 bytes per string', () => {
  const set = new FingerprintSet();
  for (let i = 0; i < 300_000; i++) {
    set.add(`nonce-${i}`);
    if (i % 9_973 === 0 && set.size > 1024) {
      const perEntry = set.byteLength / set.size;
      assert.ok(perEntry >= 16 && perEntry <= 32, `${perEntry} bytes per entry at ${set.size}`);
    }
  }
});
