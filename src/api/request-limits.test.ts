/** Per-source and per-account request limits and the URL limits, without a server. */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../config/index.js';
import { isPlatformError } from '../errors/index.js';
import { FakeClock } from '../time/clock.js';
import { createRequestLimits, isLoopbackAddress, sourceKeyOf, type RequestLimitsConfig } from './request-limits.js';

const fakeSocket = (remoteAddress: string) => Object.assign(new EventEmitter(), { remoteAddress }) as unknown as net.Socket;
const limitsWith = (over: Partial<RequestLimitsConfig>, clock = new FakeClock()) => createRequestLimits({ config: { ...DEFAULT_CONFIG, ...over }, clock });

test('IPv6 clients are keyed by their /64, IPv4-mapped ones by their IPv4 address', () => {
  assert.equal(sourceKeyOf('203.0.113.7'), '203.0.113.7');
  assert.equal(sourceKeyOf('::ffff:203.0.113.7'), '203.0.113.7');
  assert.equal(sourceKeyOf('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  assert.equal(sourceKeyOf('2001:db8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
  assert.equal(sourceKeyOf('2001:DB8::1'), '2001:db8:0:0::/64');
  assert.equal(sourceKeyOf('2001:db8:0:0::1.2.3.4'), '2001:db8:0:0::/64');
  assert.equal(sourceKeyOf('fe80::1%eth0'), 'fe80:0:0:0::/64');
  assert.equal(sourceKeyOf(undefined), 'unknown');
});

test('loopback is 127.0.0.0/8 and ::1, mapped or not', () => {
  for (const a of ['127.0.0.1', '127.3.4.5', '::ffff:127.0.0.1', '::1']) assert.equal(isLoopbackAddress(a), true, a);
  for (const a of ['10.0.0.1', '::2', '128.0.0.1', undefined]) assert.equal(isLoopbackAddress(a), false, String(a));
});

test('a source at its connection cap is refused until one of its connections closes', () => {
  const limits = limitsWith({ maxConnectionsPerIp: 2 });
  const [a, b, c] = [fakeSocket('203.0.113.7'), fakeSocket('203.0.113.7'), fakeSocket('203.0.113.7')];
  assert.equal(limits.admitConnection(a), true);
  assert.equal(limits.admitConnection(b), true);
  assert.equal(limits.admitConnection(c), false);
  assert.equal(limits.admitConnection(fakeSocket('203.0.113.8')), true, 'another source is not affected');
  a.emit('close');
  assert.equal(limits.admitConnection(c), true);
});

test('loopback is exempt from the per-source limits unless shouldLimitLoopback', () => {
  const exempt = limitsWith({ maxConnectionsPerIp: 1, ipRequestsPerSecond: 1, ipRequestBurst: 1 });
  const sockets = [fakeSocket('127.0.0.1'), fakeSocket('127.0.0.1')];
  assert.deepEqual(sockets.map((s) => exempt.admitConnection(s)), [true, true]);
  const source = exempt.sourceOf(sockets[0]!, 0);
  assert.equal(source.isLimited, false);
  assert.equal(source.bucket, undefined);

  const limited = limitsWith({ maxConnectionsPerIp: 1, shouldLimitLoopback: true });
  assert.deepEqual([fakeSocket('127.0.0.1'), fakeSocket('127.0.0.1')].map((s) => limited.admitConnection(s)), [true, false]);
});

test('every connection of one source shares its request bucket, and a reconnect does not refill it', () => {
  const clock = new FakeClock(0);
  const limits = limitsWith({ ipRequestsPerSecond: 1, ipRequestBurst: 2 }, clock);
  const first = fakeSocket('198.51.100.1');
  limits.admitConnection(first);
  const bucket = limits.sourceOf(first, 0).bucket!;
  assert.equal(bucket.tryTake(0), 0);
  assert.equal(bucket.tryTake(0), 0);
  first.emit('close');
  const second = fakeSocket('198.51.100.1');
  limits.admitConnection(second);
  assert.equal(limits.sourceOf(second, 0).bucket!.tryTake(0), 1000);
});

test('a source with no connection and a full bucket is forgotten on a later sweep', () => {
  const clock = new FakeClock(0);
  const limits = limitsWith({ ipRequestsPerSecond: 1, ipRequestBurst: 1 }, clock);
  const s = fakeSocket('198.51.100.2');
  limits.admitConnection(s);
  const before = limits.sourceOf(s, 0);
  s.emit('close');
  clock.advance(60_000);
  limits.admitConnection(fakeSocket('198.51.100.3')); // a new source triggers the sweep
  const again = fakeSocket('198.51.100.2');
  limits.admitConnection(again);
  assert.notEqual(limits.sourceOf(again, clock.now()), before);
});

test('account buckets are per account, and absent when the limit is off', () => {
  const limits = limitsWith({ accountRequestsPerSecond: 1, accountRequestBurst: 1 });
  const a = limits.accountBucketOf('a', 0)!;
  a.take();
  assert.equal(limits.accountBucketOf('a', 0)!.waitMs(0), 1000);
  assert.equal(limits.accountBucketOf('b', 0)!.waitMs(0), 0);
  assert.equal(limitsWith({ accountRequestsPerSecond: 0 }).accountBucketOf('a', 0), undefined);
});

test('TooManyRequests says which limit and when to retry', () => {
  const e = limitsWith({ accountRequestsPerSecond: 5, accountRequestBurst: 10 }).tooManyRequests('account', 1500);
  assert.equal(e.code, 'TooManyRequests');
  assert.equal(e.status, 429);
  assert.equal(e.fields.retryAfterSeconds, 2);
  assert.match(e.message, /per-account limit \(5 a second, bursts of 10\)/);
});

test('URLs over maxUrlBytes and queries over maxQueryParams are refused', () => {
  const limits = limitsWith({ maxUrlBytes: 300, maxQueryParams: 3 });
  const check = (url: string) => limits.checkRequestLine(url, url.indexOf('?'));
  check('/2023-03-30/functions?a=1&b=2&c=3');
  check(`/${'x'.repeat(299)}`);
  assert.throws(() => check(`/${'x'.repeat(300)}`), (e: unknown) => isPlatformError(e, 'RequestUrlTooLong'));
  assert.throws(() => check('/f?a=1&b=2&c=3&d=4'), (e: unknown) => isPlatformError(e, 'InvalidArgument'));
  assert.throws(() => check('/f?a&b&c&d'), (e: unknown) => isPlatformError(e, 'InvalidArgument'));
});
