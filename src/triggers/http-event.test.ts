import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, test } from 'node:test';
import { buildHttpEvent, canonicalHeaderName, toHttpResponse } from './http-event.js';
import { normalizeTriggerConfig } from './trigger-config.js';

function fakeRequest(rawHeaders: string[], method = 'POST'): IncomingMessage {
  const headers: Record<string, string> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) headers[rawHeaders[i]!.toLowerCase()] = rawHeaders[i + 1]!;
  return { method, httpVersion: '1.1', rawHeaders, headers, socket: { remoteAddress: '::ffff:127.0.0.1' } } as unknown as IncomingMessage;
}

describe('HTTP trigger event', () => {
  test('joins repeated headers and query parameters with commas, keeps the raw path encoded', () => {
    const e = buildHttpEvent({
      req: fakeRequest(['Host', 'h', 'x-multi', 'a', 'X-Multi', 'b', 'content-type', 'text/plain', 'user-agent', 'ua']),
      rawPath: '/a%20b', rawQuery: 'p=1&p=2&q=x', body: Buffer.from('hi'), accountId: '1', triggerId: 't', requestId: 'r', nowMs: 1_700_000_000_123,
    });
    assert.equal(e.headers['X-Multi'], 'a,b');
    assert.deepEqual(e.queryParameters, { p: '1,2', q: 'x' });
    assert.equal(e.rawPath, '/a%20b');
    assert.equal(e.requestContext.http.path, '/a b');
    assert.equal(e.requestContext.http.sourceIp, '127.0.0.1');
    assert.equal(e.requestContext.timeEpoch, '1700000000123');
    assert.deepEqual([e.body, e.isBase64Encoded], ['hi', false]);
  });

  test("a signed caller's credentials never reach the function; with anonymous triggers the app's own Authorization does", () => {
    const raw = ['Authorization', 'ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host,Signature=s', 'x-acs-security-token', 'tok', 'x-fc-security-token', 'tok2', 'x-acs-signature-nonce', 'n', 'x-app', 'kept'];
    const input = { req: fakeRequest(raw), rawPath: '/', rawQuery: '', body: Buffer.alloc(0), accountId: '1', triggerId: 't', requestId: 'r', nowMs: 0 };
    const signed = buildHttpEvent({ ...input, dropSignatureHeaders: true });
    assert.deepEqual(Object.keys(signed.headers), ['X-App']);
    const anonymous = buildHttpEvent(input);
    assert.equal(anonymous.headers.Authorization, raw[1]);
  });

  test('a binary body is base64', () => {
    const body = Buffer.from([0, 255, 1, 128]);
    const e = buildHttpEvent({ req: fakeRequest(['Content-Type', 'application/octet-stream']), rawPath: '/', rawQuery: '', body, accountId: '1', triggerId: 't', requestId: 'r', nowMs: 0 });
    assert.equal(e.isBase64Encoded, true);
    assert.deepEqual(Buffer.from(e.body, 'base64'), body);
  });

  test('canonical header names', () => {
    assert.equal(canonicalHeaderName('x-forwarded-for'), 'X-Forwarded-For');
  });
});

describe('HTTP trigger response', () => {
  test('maps a response object field by field, arrays as repeated headers, base64 bodies decoded', () => {
    const r = toHttpResponse(Buffer.from(JSON.stringify({ statusCode: 201, headers: { 'Set-Cookie': ['a=1', 'b=2'], 'Content-Length': '999' }, body: Buffer.from([1, 2]).toString('base64'), isBase64Encoded: true })), 'application/json');
    assert.equal(r.status, 201);
    assert.deepEqual(r.headers['set-cookie'], ['a=1', 'b=2']);
    assert.equal(r.headers['content-length'], undefined);
    assert.deepEqual(r.body, Buffer.from([1, 2]));
  });

  test('any other result is a 200 with the result as the body', () => {
    const r = toHttpResponse(Buffer.from('plain'), 'text/plain');
    assert.deepEqual([r.status, r.headers['content-type'], r.body.toString()], [200, 'text/plain', 'plain']);
  });

  test('a malformed status code or a header with a line break is refused', () => {
    assert.throws(() => toHttpResponse(Buffer.from('{"statusCode":42}'), undefined), /statusCode/);
    assert.throws(() => toHttpResponse(Buffer.from('{"statusCode":200,"headers":{"x":"a\\r\\nb: c"}}'), undefined), /line break/);
    assert.throws(() => toHttpResponse(Buffer.from(JSON.stringify({ statusCode: 200, headers: { x: 'caf\u20ac' } })), undefined), /cannot carry/);
  });
});

describe('triggerConfig validation', () => {
  test('fills HTTP defaults and upper-cases methods', () => {
    assert.deepEqual(JSON.parse(normalizeTriggerConfig('http', '{"authType":"anonymous","methods":["get","POST"]}')), { authType: 'anonymous', methods: ['GET', 'POST'], disableURLInternet: false });
    assert.equal(JSON.parse(normalizeTriggerConfig('http', '')).authType, 'function');
  });

  test('refuses bad configs with clear messages', () => {
    const cases: [Parameters<typeof normalizeTriggerConfig>[0], unknown, RegExp][] = [
      ['http', '{"authType":"jwt"}', /jwt is not supported/],
      ['http', '{"methods":["FETCH"]}', /allowed: GET/],
      ['http', '{"methods":[]}', /non-empty/],
      ['http', 'not json', /not valid JSON/],
      ['http', { authType: 'anonymous' }, /JSON-encoded string/],
      ['timer', '{"payload":"x"}', /cronExpression is required/],
      ['timer', '{"cronExpression":"@every 1m","enable":"yes"}', /enable must be true or false/],
      ['timer', '{"cronExpression":"@every 1m","payload":{}}', /payload must be a string/],
      ['timer', '{"cronExpression":"@every 1m","bogus":1}', /unknown field 'bogus'/],
      ['oss', '', /required for oss/],
      ['oss', '[1]', /must be a JSON object/],
    ];
    for (const [type, text, why] of cases) {
      assert.throws(() => normalizeTriggerConfig(type, text), (e: Error & { code?: string }) => e.code === 'InvalidArgument' && why.test(e.message), `${type} ${String(text)}`);
    }
    assert.equal(normalizeTriggerConfig('tablestore', ''), '{}');
  });
});
