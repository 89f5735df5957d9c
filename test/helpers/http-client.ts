/** Plain HTTP(S) requests with bounded waits, for URLs that are not API operations (HTTP triggers). */
import http from 'node:http';
import https from 'node:https';

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Sends one request and reads the whole answer; fails after `timeoutMs`. Header values given as arrays are sent as repeated headers. */
export function request(url: string, options: { method?: string; headers?: Record<string, string | string[]>; body?: Buffer | string; ca?: Buffer; timeoutMs?: number } = {}): Promise<HttpAnswer> {
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      u,
      { method: options.method ?? 'GET', headers: options.headers, ...(options.ca && { ca: options.ca }), agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.setTimeout(options.timeoutMs ?? 60_000, () => req.destroy(new Error(`no answer from ${url} within ${options.timeoutMs ?? 60_000} ms`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Resolves like `p`, or rejects once `ms` have passed (so no wait in a test is unbounded). */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
