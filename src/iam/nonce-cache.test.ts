/** Unit tests of the replay cache: one acceptance per nonce while its request could pass, bounded memory after it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NonceCache } from './nonce-cache.js';

const MINUTE = 60_000;
const SKEW = 15 * MINUTE;
const t0 = 1_700_000_040_000;

test('a nonce is accepted once, and its replay (same signed date) is refused for as long as that date passes the skew check', () => {
  const cache = new NonceCache(SKEW);
  assert.equal(cache.checkAndAdd('nonce-aaaa', t0, t0), true);
  assert.equal(cache.checkAndAdd('nonce-aaaa', t0, t0), false);
  assert.equal(cache.checkAndAdd('nonce-aaaa', t0, t0 + SKEW), false, 'the last moment the request itself is fresh');
  assert.equal(cache.checkAndAdd('nonce-bbbb', t0, t0 + SKEW), true);
  // A request dated ahead of the server (within the skew) is remembered until its own date has aged out.
  assert.equal(cache.checkAndAdd('nonce-future', t0 + SKEW, t0), true);
  assert.equal(cache.checkAndAdd('nonce-future', t0 + SKEW, t0 + 2 * SKEW), false);
});

test('buckets whose requests are all stale are forgotten, so memory holds about one skew of traffic', () => {
  const cache = new NonceCache(2 * MINUTE);
  for (let i = 0; i < 100; i++) cache.checkAndAdd(`old-${i}`, t0, t0);
  assert.equal(cache.size, 100);
  cache.checkAndAdd('new-1', t0 + 4 * MINUTE, t0 + 4 * MINUTE);
  assert.equal(cache.size, 1);
  assert.equal(cache.checkAndAdd('old-1', t0, t0 + 4 * MINUTE), true, 'an expired nonce no longer counts (its request is refused as stale anyway)');
});

test('a minute of heavy traffic stays in one bucket of its own: 700,000 nonces', () => {
  const cache = new NonceCache(SKEW);
  for (let i = 0; i < 700_000; i++) assert.equal(cache.checkAndAdd(`n-${i}`, t0 + (i % 60_000), t0), true);
  assert.equal(cache.checkAndAdd('n-699999', t0 + (699_999 % 60_000), t0), false);
  assert.equal(cache.size, 700_000);
});

test('a request whose date turns stale while its body is still arriving is not fresh when its nonce would be spent', () => {
  const cache = new NonceCache(SKEW);
  assert.equal(cache.isFresh(t0, t0 + SKEW), true);
  assert.equal(cache.isFresh(t0, t0 + SKEW + 1), false);
  assert.equal(cache.isFresh(t0 + SKEW + 1, t0), false, 'too far in the future too');
});

test('a clock that steps back drops no bucket early; a request dated in another minute gets a bucket of its own', () => {
  const cache = new NonceCache(2 * MINUTE);
  assert.equal(cache.checkAndAdd('n-1', t0, t0), true);
  cache.checkAndAdd('later', t0 + 4 * MINUTE, t0 + 4 * MINUTE); // drops t0's minute
  assert.equal(cache.checkAndAdd('late-date', t0 + 2 * MINUTE, t0 + MINUTE), true, 'the step back is treated as the latest time seen');
  assert.equal(cache.size, 2);
});
