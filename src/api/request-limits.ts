/**
 * @module api/request-limits
 * The access service's limits on what one client may ask of it, checked before any work is done
 * for a request:
 * - per **source** (the client's IP address; IPv6 clients by their /64, since one host commonly
 *   holds a whole /64): concurrent connections (over the cap the connection is closed at once),
 *   and a request-rate token bucket checked before authentication, so floods are cut at the cost
 *   of one bucket check;
 * - per **account**: a request-rate token bucket, checked as soon as the AccessKey is known (before
 *   the body is read) and charged only once the signature is verified, so a stranger who knows an
 *   AccessKeyId but not its secret cannot spend that account's rate;
 * - the request URL's length and its number of query parameters.
 * Loopback sources (127.0.0.0/8, ::1) are exempt from the per-source and per-account limits unless
 * `shouldLimitLoopback` is set: they are this machine (local SDK use, the operator's tools,
 * benchmarks). The per-listener connection cap ({@link ResolvedConfig.maxConnectionsPerListener})
 * applies to every source.
 */
import net from 'node:net';
import type { ResolvedConfig } from '../config/index.js';
import { PlatformError, invalidArgument } from '../errors/index.js';
import type { Clock } from '../time/clock.js';
import { TokenBucket, type BucketRate } from './token-bucket.js';

/** Sources with no connection and a full bucket are forgotten, looking at most this often. */
const SOURCE_SWEEP_INTERVAL_MS = 10_000;

/** One client address (an IPv4 address, or an IPv6 /64): its open connections and its request bucket. */
export class Source {
  connections = 0;
  constructor(
    readonly key: string,
    /** False for exempt (loopback) sources: no per-source or per-account limit applies. */
    readonly isLimited: boolean,
    /** Undefined when the per-source rate limit is off. */
    readonly bucket: TokenBucket | undefined,
  ) {}
}

const EXEMPT_SOURCE = new Source('loopback', false, undefined);

export type LimitedScope = 'source IP' | 'account';

export interface RequestLimits {
  /**
   * Counts a new TCP connection against its source; false when the source is at its connection
   * cap (the caller closes the connection without reading from it).
   */
  admitConnection(socket: net.Socket): boolean;
  /** The source of the connection a request came on (looked up once per connection). */
  sourceOf(socket: object & { readonly remoteAddress?: string | undefined }, nowMs: number): Source;
  /** The account's request bucket; undefined when the per-account limit is off. */
  accountBucketOf(accountId: string, nowMs: number): TokenBucket | undefined;
  /** Throws RequestUrlTooLong or InvalidArgument when the URL is over its limits. */
  checkRequestLine(url: string, queryStart: number): void;
  /** The TooManyRequests error for a bucket that said to wait `waitMs`. */
  tooManyRequests(scope: LimitedScope, waitMs: number): PlatformError;
}

export type RequestLimitsConfig = Pick<ResolvedConfig,
  'ipRequestsPerSecond' | 'ipRequestBurst' | 'accountRequestsPerSecond' | 'accountRequestBurst' | 'shouldLimitLoopback' | 'maxConnectionsPerIp' | 'maxUrlBytes' | 'maxQueryParams'>;

/** `::ffff:a.b.c.d` as the IPv4 address it is; other IPv6 addresses as their /64 prefix. */
export function sourceKeyOf(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  if (net.isIPv4(address)) return address;
  const lower = address.toLowerCase();
  if (lower.startsWith('::ffff:') && net.isIPv4(lower.slice(7))) return lower.slice(7);
  if (!net.isIPv6(lower)) return lower;
  const zone = lower.indexOf('%');
  const bare = zone >= 0 ? lower.slice(0, zone) : lower;
  const gap = bare.indexOf('::');
  const head = (gap >= 0 ? bare.slice(0, gap) : bare).split(':').filter(Boolean);
  let groups = head;
  if (gap >= 0 && head.length < 4) {
    const tail = bare.slice(gap + 2).split(':').filter(Boolean);
    const tailGroups = tail.length + (tail.at(-1)?.includes('.') ? 1 : 0); // an embedded IPv4 address is two groups
    groups = [...head, ...new Array<string>(8 - head.length - tailGroups).fill('0'), ...tail];
  }
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') ? net.isIPv4(v4) : address === '::1';
}

export function createRequestLimits(deps: { config: RequestLimitsConfig; clock: Clock }): RequestLimits {
  const { config, clock } = deps;
  const ipRate: BucketRate = { perSecond: config.ipRequestsPerSecond, burst: config.ipRequestBurst };
  const accountRate: BucketRate = { perSecond: config.accountRequestsPerSecond, burst: config.accountRequestBurst };
  const isIpRateLimited = ipRate.perSecond > 0;
  const isAccountRateLimited = accountRate.perSecond > 0;
  const sources = new Map<string, Source>();
  const bySocket = new WeakMap<object, Source>();
  const accounts = new Map<string, TokenBucket>();
  let sweptAtMs = clock.now();

  function sweep(nowMs: number): void {
    sweptAtMs = nowMs;
    for (const [key, s] of sources) if (s.connections === 0 && (!s.bucket || s.bucket.isFull(nowMs))) sources.delete(key);
  }

  function sourceFor(address: string | undefined, nowMs: number): Source {
    if (!config.shouldLimitLoopback && isLoopbackAddress(address)) return EXEMPT_SOURCE;
    const key = sourceKeyOf(address);
    let s = sources.get(key);
    if (!s) {
      if (nowMs - sweptAtMs >= SOURCE_SWEEP_INTERVAL_MS) sweep(nowMs);
      sources.set(key, (s = new Source(key, true, isIpRateLimited ? new TokenBucket(ipRate, nowMs) : undefined)));
    }
    return s;
  }

  return {
    admitConnection(socket) {
      const source = sourceFor(socket.remoteAddress, clock.now());
      bySocket.set(socket, source);
      if (!source.isLimited) return true;
      if (config.maxConnectionsPerIp > 0 && source.connections >= config.maxConnectionsPerIp) return false;
      source.connections++;
      socket.once('close', () => {
        source.connections--;
      });
      return true;
    },
    sourceOf(socket, nowMs) {
      let s = bySocket.get(socket);
      // A TLS socket, on its first request: the TCP socket under it was admitted (and counted) by address.
      if (!s) bySocket.set(socket, (s = sourceFor(socket.remoteAddress, nowMs)));
      return s;
    },
    accountBucketOf(accountId, nowMs) {
      if (!isAccountRateLimited) return undefined;
      let b = accounts.get(accountId);
      if (!b) accounts.set(accountId, (b = new TokenBucket(accountRate, nowMs)));
      return b;
    },
    checkRequestLine(url, queryStart) {
      if (url.length > config.maxUrlBytes) {
        throw new PlatformError('RequestUrlTooLong', `the request URL is ${url.length} bytes, over the limit of ${config.maxUrlBytes}`, { fields: { limit: config.maxUrlBytes } });
      }
      // n parameters take at least 2n - 1 characters, so only a long query string can have too many.
      if (queryStart < 0 || url.length - queryStart - 1 < 2 * config.maxQueryParams + 1) return;
      let params = 1;
      for (let i = url.indexOf('&', queryStart); i >= 0; i = url.indexOf('&', i + 1)) params++;
      if (params > config.maxQueryParams) throw invalidArgument(`the query string has ${params} parameters, over the limit of ${config.maxQueryParams}`, { limit: config.maxQueryParams });
    },
    tooManyRequests(scope, waitMs) {
      const rate = scope === 'account' ? accountRate : ipRate;
      const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
      return new PlatformError('TooManyRequests', `request rate over the per-${scope} limit (${rate.perSecond} a second, bursts of ${rate.burst}); retry after ${retryAfterSeconds} s`, {
        fields: { scope, retryAfterSeconds },
      });
    },
  };
}
