/** The request-rate token bucket, on explicit times. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenBucket } from './token-bucket.js';

test('a full bucket lets a burst through, then says how long until the next token', () => {
  const b = new TokenBucket({ perSecond: 10, burst: 3 }, 0);
  assert.deepEqual([b.tryTake(0), b.tryTake(0), b.tryTake(0)], [0, 0, 0]);
  assert.equal(b.tryTake(0), 100);
  assert.equal(b.tryTake(40), 60);
  assert.equal(b.tryTake(100), 0);
  assert.equal(b.tryTake(100), 100);
});

test('refills up to the burst and no further', () => {
  const b = new TokenBucket({ perSecond: 1000, burst: 2 }, 0);
  b.tryTake(0);
  b.tryTake(0);
  assert.equal(b.isFull(1), false);
  assert.equal(b.isFull(60_000), true);
  assert.deepEqual([b.tryTake(60_000), b.tryTake(60_000), b.tryTake(60_000)], [0, 0, 1]);
});

test('waitMs only looks; take charges afterwards and may leave the bucket in debt', () => {
  const b = new TokenBucket({ perSecond: 1, burst: 1 }, 0);
  assert.equal(b.waitMs(0), 0);
  assert.equal(b.waitMs(0), 0);
  b.take();
  b.take(); // two requests admitted on one token: one second of debt
  assert.equal(b.waitMs(0), 2000);
  assert.equal(b.waitMs(2000), 0);
});

test('a clock stepping back neither refills nor drains the bucket', () => {
  const b = new TokenBucket({ perSecond: 1, burst: 1 }, 10_000);
  assert.equal(b.tryTake(10_000), 0);
  assert.equal(b.tryTake(5_000), 1000);
  assert.equal(b.tryTake(11_000), 0);
});
