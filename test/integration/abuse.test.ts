/**
 * The access service under abuse, against a real platform with small limits: request-rate limits
 * per source IP and per account (429 TooManyRequests, recovering as buckets refill on a fake
 * clock), oversize header blocks, URLs and queries, slow headers, bodies and TLS handshakes, and
 * connection caps per source IP and per listener. Raw sockets to 127.0.0.1 only (extra loopback
 * addresses, 127.0.0.2 and up, stand in for other clients).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { signHeaders } from '../../src/iam/acs3-client.js';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { FakeClock } from '../../src/time/clock.js';
import { $FC, createFcClient, invoke } from '../helpers/sdk.js';
import { createFunctionInput, uniqueName } from '../helpers/functions.js';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  json: { Code?: string; Message?: string; RequestId?: string };
}

/** One request on its own connection (no agent). */
function request(port: number, path: string, headers: Record<string, string> = {}, localAddress?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers, agent: false, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text ? (JSON.parse(text) as Answer['json']) : {} });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

interface Exchange {
  /** Everything the server sent before the connection closed. */
  readonly data: string;
  readonly elapsedMs: number;
}

/** Connects, writes `bytes` (if any) and collects what comes back until the server closes the connection. */
function exchange(port: number, bytes: string | undefined, localAddress?: string): Promise<Exchange> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect({ port, host: '127.0.0.1', localAddress }, () => {
      if (bytes !== undefined) socket.write(bytes);
    });
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (data += c));
    socket.on('error', () => undefined); // a reset is a close too
    socket.on('close', () => resolve({ data, elapsedMs: performance.now() - started }));
  });
}

function parseAnswer(raw: string): { status: number; head: string; json: Answer['json'] } {
  const end = raw.indexOf('\r\n\r\n');
  assert.ok(end > 0, `expected an HTTP answer, got ${JSON.stringify(raw.slice(0, 200))}`);
  return { status: Number(raw.slice(9, 12)), head: raw.slice(0, end), json: JSON.parse(raw.slice(end + 4)) as Answer['json'] };
}

function signed(platform: Platform, key: { accessKeyId: string; accessKeySecret: string }, path = '/2023-03-30/functions'): Record<string, string> {
  return signHeaders({ ...key, host: `127.0.0.1:${platform.httpPort}` }, 'GET', path, 'ListFunctions', Buffer.alloc(0), 'application/json');
}

describe('per-source-IP request rate', () => {
  let platform: Platform;
  let clock: FakeClock;
  before(async () => {
    clock = new FakeClock(Date.now());
    platform = await createTestPlatform({ clock, stemCellPoolSize: 0, shouldLimitLoopback: true, ipRequestsPerSecond: 1, ipRequestBurst: 3 });
  });
  after(() => platform.close());

  test('a source over its rate gets 429 TooManyRequests as JSON with Retry-After, before authentication, and recovers as its bucket refills', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await request(platform.httpPort, '/2023-03-30/functions')).json.Code, 'AccessDenied');
    const refused = await request(platform.httpPort, '/2023-03-30/functions');
    assert.equal(refused.status, 429);
    assert.equal(refused.json.Code, 'TooManyRequests');
    assert.match(refused.json.Message!, /per-source IP limit/);
    assert.equal(refused.headers['retry-after'], '1');
    assert.equal(refused.headers['x-fc-request-id'], refused.json.RequestId);
    // A new connection does not refill the bucket; time does.
    assert.equal((await request(platform.httpPort, '/2023-03-30/functions')).status, 429);
    clock.advance(1000);
    assert.equal((await request(platform.httpPort, '/2023-03-30/functions')).json.Code, 'AccessDenied');
    assert.equal((await request(platform.httpPort, '/2023-03-30/functions')).status, 429);
  });

  test('another source IP has its own bucket', async () => {
    assert.equal((await request(platform.httpPort, '/2023-03-30/functions', {}, '127.0.0.2')).json.Code, 'AccessDenied');
  });
});

describe('per-account request rate', () => {
  let platform: Platform;
  let clock: FakeClock;
  before(async () => {
    clock = new FakeClock(Date.now());
    platform = await createTestPlatform({ clock, stemCellPoolSize: 0, shouldLimitLoopback: true, accountRequestsPerSecond: 1, accountRequestBurst: 2 });
  });
  after(() => platform.close());

  test('an account over its rate is throttled, another account is not, and requests that fail their signature spend nothing', async () => {
    const a = platform.defaultAccount;
    const b = platform.accounts.createAccount();
    // Someone who knows A's AccessKeyId but not its secret cannot use up A's rate.
    for (let i = 0; i < 3; i++) {
      const forged = await request(platform.httpPort, '/2023-03-30/functions', signed(platform, { accessKeyId: a.accessKeyId, accessKeySecret: 'not-the-secret-of-account-a' }));
      assert.equal(forged.json.Code, 'SignatureNotMatch');
    }
    assert.equal((await request(platform.httpPort, '/2023-03-30/functions', signed(platform, a))).status, 200);
    assert.equal((await request(platform.httpPort, '/2023-03-30/functions', signed(platform, a))).status, 200);
    const throttled = await request(platform.httpPort, '/2023-03-30/functions', signed(platform, a));
    assert.equal(throttled.status, 429);
    assert.equal(throttled.json.Code, 'TooManyRequests');
    assert.match(throttled.json.Message!, /per-account limit/);
    assert.equal(throttled.headers['retry-after'], '1');

    assert.equal((await request(platform.httpPort, '/2023-03-30/functions', signed(platform, b))).status, 200);
    assert.equal((await request(platform.httpPort, '/2023-03-30/functions', signed(platform, b))).status, 200);

    clock.advance(1000);
    assert.equal((await request(platform.httpPort, '/2023-03-30/functions', signed(platform, a))).status, 200);
    assert.equal((await request(platform.httpPort, '/2023-03-30/functions', signed(platform, a))).status, 429);
  });
});

describe('request size and time limits', () => {
  const HEADERS_TIMEOUT_MS = 200;
  const REQUEST_TIMEOUT_MS = 400;
  let platform: Platform;
  before(async () => {
    platform = await createTestPlatform({
      headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS,
      // Tiny rate limits, to show loopback is exempt from them by default.
      ipRequestsPerSecond: 1, ipRequestBurst: 1, accountRequestsPerSecond: 1, accountRequestBurst: 1,
    });
  });
  after(() => platform.close());

  test('a header block over 8 KB is 431 RequestHeaderTooLarge as JSON, and the connection is closed', async () => {
    const r = await exchange(platform.httpPort, `GET /2023-03-30/functions HTTP/1.1\r\nhost: 127.0.0.1\r\nx-big: ${'b'.repeat(9000)}\r\n\r\n`);
    const answer = parseAnswer(r.data);
    assert.equal(answer.status, 431);
    assert.equal(answer.json.Code, 'RequestHeaderTooLarge');
    assert.match(answer.head, /\r\nx-fc-request-id: /);
    assert.match(answer.head, /\r\ncontent-type: application\/json/);
    assert.equal(typeof answer.json.RequestId, 'string');
  });

  test('a URL over 4 KB is 414 RequestUrlTooLong, a query of over 100 parameters is 400 InvalidArgument, both as JSON', async () => {
    const long = await request(platform.httpPort, `/2023-03-30/functions?prefix=${'a'.repeat(5000)}`);
    assert.equal(long.status, 414);
    assert.equal(long.json.Code, 'RequestUrlTooLong');
    const query = Array.from({ length: 101 }, (_, i) => `p${i}=1`).join('&');
    const many = await request(platform.httpPort, `/2023-03-30/functions?${query}`);
    assert.equal(many.status, 400);
    assert.equal(many.json.Code, 'InvalidArgument');
    assert.match(many.json.Message!, /101 parameters/);
  });

  test('headers not received in time get 408 RequestTimeout as JSON and the connection closed', async () => {
    const r = await exchange(platform.httpPort, 'GET /2023-03-30/functions HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: ');
    assert.ok(r.elapsedMs >= HEADERS_TIMEOUT_MS - 20, `closed after ${r.elapsedMs} ms`);
    assert.ok(r.elapsedMs < 10_000, `closed after ${r.elapsedMs} ms`);
    const answer = parseAnswer(r.data);
    assert.equal(answer.status, 408);
    assert.equal(answer.json.Code, 'RequestTimeout');
  });

  test('a connection that sends nothing is closed after the headers timeout', async () => {
    const r = await exchange(platform.httpPort, undefined);
    assert.ok(r.elapsedMs >= HEADERS_TIMEOUT_MS - 20 && r.elapsedMs < 10_000, `closed after ${r.elapsedMs} ms`);
  });

  test('a body not received in time gets 408 RequestTimeout and the connection closed', async () => {
    const path = '/2023-03-30/functions/nothing-here/invocations';
    const body = Buffer.alloc(100, 'x');
    const headers = signHeaders({ ...platform.defaultAccount, host: `127.0.0.1:${platform.httpPort}` }, 'POST', path, 'InvokeFunction', body, 'application/octet-stream');
    let head = `POST ${path} HTTP/1.1\r\ncontent-length: ${body.length}\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    const r = await exchange(platform.httpPort, `${head}\r\n${body.subarray(0, 10).toString()}`);
    assert.ok(r.elapsedMs >= REQUEST_TIMEOUT_MS - 20 && r.elapsedMs < 10_000, `closed after ${r.elapsedMs} ms`);
    const answer = parseAnswer(r.data);
    assert.equal(answer.status, 408);
    assert.equal(answer.json.Code, 'RequestTimeout');
  });

  test('an HTTPS connection that never completes its TLS handshake is closed after the headers timeout', async () => {
    const r = await exchange(platform.httpsPort, undefined);
    assert.ok(r.elapsedMs >= HEADERS_TIMEOUT_MS - 20 && r.elapsedMs < 10_000, `closed after ${r.elapsedMs} ms`);
    assert.equal(r.data, '');
  });

  test('a sync invocation that runs far longer than the request timeout is answered in full (the timeout covers receiving the request only)', async () => {
    const client = createFcClient({ endpoint: `127.0.0.1:${platform.httpPort}`, accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
    const name = uniqueName('slow');
    const sleepMs = 4 * REQUEST_TIMEOUT_MS;
    await client.createFunction(new $FC.CreateFunctionRequest({
      body: await createFunctionInput(name, { 'index.js': `exports.handler = async () => { await new Promise((r) => setTimeout(r, ${sleepMs})); return 'slept'; };\n` }, { timeout: 30 }),
    }));
    const started = performance.now();
    const r = await invoke(client, name, 'x');
    assert.ok(performance.now() - started >= sleepMs);
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['x-fc-error-type'], undefined);
    assert.equal(r.body.toString(), 'slept');
  });

  test('loopback clients are exempt from the rate limits by default', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await request(platform.httpPort, '/2023-03-30/functions', signed(platform, platform.defaultAccount));
      assert.equal(r.status, 200);
    }
  });
});

describe('connection caps', () => {
  let platform: Platform;
  const open: net.Socket[] = [];
  before(async () => {
    platform = await createTestPlatform({ stemCellPoolSize: 0, shouldLimitLoopback: true, maxConnectionsPerIp: 2, maxConnectionsPerListener: 3 });
  });
  after(async () => {
    for (const s of open) s.destroy();
    await platform.close();
  });

  function connect(localAddress: string): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port: platform.httpPort, host: '127.0.0.1', localAddress }, () => resolve(s));
      s.on('error', () => undefined);
      s.once('error', reject);
      open.push(s);
    });
  }

  /** A request on a held connection is answered: the server accepted it. */
  function answeredOn(socket: net.Socket): Promise<number> {
    return new Promise((resolve) => {
      let data = '';
      socket.setEncoding('latin1');
      socket.on('data', (c: string) => {
        data += c;
        if (data.includes('\r\n\r\n')) resolve(Number(data.slice(9, 12)));
      });
      socket.on('close', () => resolve(0));
      socket.write('GET /2023-03-30/functions HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    });
  }

  test('connections over the per-IP cap, then over the per-listener cap, are closed unread; a freed slot is usable again', async () => {
    const first = await connect('127.0.0.1');
    const second = await connect('127.0.0.1');
    const overIp = await exchange(platform.httpPort, 'GET /2023-03-30/functions HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n', '127.0.0.1');
    assert.equal(overIp.data, '', 'the third connection from one IP is closed without an answer');
    const third = await connect('127.0.0.2'); // another source: the listener's third connection
    const overListener = await exchange(platform.httpPort, 'GET /2023-03-30/functions HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n', '127.0.0.3');
    assert.equal(overListener.data, '', 'the listener\'s fourth connection is closed without an answer');
    // The held connections were accepted and are served.
    assert.equal(await answeredOn(first), 403);
    assert.equal(await answeredOn(third), 403);
    // Both answers closed their connections (errors answer with connection: close); give back the last one too.
    second.destroy();
    // The server notices the closes on its next turns: retry until a new connection from 127.0.0.1 is served (bounded).
    let status = 0;
    for (let attempt = 0; attempt < 50 && status === 0; attempt++) {
      const r = await exchange(platform.httpPort, 'GET /2023-03-30/functions HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n', '127.0.0.1');
      status = r.data ? parseAnswer(r.data).status : 0;
    }
    assert.equal(status, 403);
  });
});
