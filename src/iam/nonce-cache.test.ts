/** Unit tests of the replay cache: one acceptance per nonce inside the window, bounded memory after it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NonceCache } from './nonce-cache.js';

const MINUTE = 60_000;

test('a nonce is accepted once and refused again anywhere inside the window', () => {
  const cache = new NonceCache(30 * MINUTE);
  const t0 = 1_700_000_000_000;
  assert.equal(cache.checkAndAdd('nonce-aaaa', t0), true);
  assert.equal(cache.checkAndAdd('nonce-aaaa', t0), false);
  assert.equal(cache.checkAndAdd('nonce-aaaa', t0 + 29 * MINUTE), false);
  assert.equal(cache.checkAndAdd('nonce-bbbb', t0 + 29 * MINUTE), true);
});

test('nonces older than the window are forgotten, so memory stays bounded', () => {
  const cache = new NonceCache(2 * MINUTE);
  const t0 = 1_700_000_000_000;
  for (let i = 0; i < 100; i++) cache.checkAndAdd(`old-${i}`, t0);
  assert.equal(cache.size, 100);
  cache.checkAndAdd('new-1', t0 + 4 * MINUTE);
  assert.equal(cache.size, 1);
  assert.equal(cache.checkAndAdd('old-1', t0 + 4 * MINUTE), true, 'an expired nonce no longer counts (its request is refused as stale anyway)');
});
