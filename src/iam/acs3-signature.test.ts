/** Unit tests of ACS3-HMAC-SHA256 verification against the SDK traffic captured in the reference. */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { isPlatformError } from '../errors/index.js';
import { canonicalRequest, checkFreshness, computeSignature, EMPTY_BODY_SHA256, parseAuthorization, prepareSignatureTask, runSignatureTask, verifySignature } from './acs3-signature.js';
import { NonceCache } from './nonce-cache.js';

// Reference §3.1 worked example (fake keys).
const headers = {
  host: '127.0.0.1:9000',
  'x-acs-action': 'ListFunctions',
  'x-acs-content-sha256': EMPTY_BODY_SHA256,
  'x-acs-credentials-provider': 'static_ak',
  'x-acs-date': '2026-11-22T07:19:46Z',
  'x-acs-signature-nonce': '826552bf17fe53531140ce76af700f077c47a95ede6f2cb1eccec86e97814655',
  'x-acs-version': '2023-03-30',
};
const signedHeaders = 'host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version';
const rawUrl = '/2023-03-30/functions?limit=10&prefix=he%20llo*(x)&tags=%5B%7B%22Key%22%3A%22k%22%2C%22Value%22%3A%22v%22%7D%5D';
const secret = 'FakeSecretForLocalTesting0000001';

function signed(sig: string) {
  return { ...headers, authorization: `ACS3-HMAC-SHA256 Credential=LTAI5tFAKEAKID0000000001,SignedHeaders=${signedHeaders},Signature=${sig}` };
}

describe('ACS3-HMAC-SHA256 verification', () => {
  const auth = parseAuthorization(signed('0'.repeat(64)));
  const canonical = canonicalRequest('GET', rawUrl, headers, auth, EMPTY_BODY_SHA256);

  test('builds the canonical request of the captured SDK call byte for byte', () => {
    assert.equal(canonical.split('\n')[2], 'limit=10&prefix=he%20llo%2A%28x%29&tags=%5B%7B%22Key%22%3A%22k%22%2C%22Value%22%3A%22v%22%7D%5D');
    assert.equal(createHash('sha256').update(canonical).digest('hex'), 'f4e37fa9bc200b98886bf37e41b06fdffd60ae08dd4ee0bd5af4e009bd9a68b3');
  });

  test('accepts a correct signature once and refuses its replay', () => {
    const sig = computeSignature(secret, canonical);
    assert.ok(sig.startsWith('5383a171'), 'matches the signature the SDK sent');
    const h = signed(sig);
    const nonces = new NonceCache(30 * 60_000);
    const input = { method: 'GET', rawUrl, headers: h, auth: parseAuthorization(h), secret, body: Buffer.alloc(0), nonces, nowMs: Date.parse(headers['x-acs-date']) };
    verifySignature(input);
    assert.throws(() => verifySignature(input), (e) => isPlatformError(e, 'SignatureNonceUsed'));
  });

  test('a replay is refused at the nonce even when its body arrives after the signed date turned stale (no bucket expiry race)', () => {
    const h = signed(computeSignature(secret, canonical));
    const signedAt = Date.parse(headers['x-acs-date']);
    const nonces = new NonceCache(15 * 60_000);
    const input = { method: 'GET', rawUrl, headers: h, auth: parseAuthorization(h), secret, body: Buffer.alloc(0), nonces, nowMs: signedAt };
    verifySignature(input);
    // The replay's headers passed the skew check at the last moment; its body took another minute.
    assert.throws(() => verifySignature({ ...input, nowMs: signedAt + 16 * 60_000 }), (e) => isPlatformError(e, 'InvalidTimeStamp'));
    assert.throws(() => verifySignature({ ...input, nowMs: signedAt + 15 * 60_000 }), (e) => isPlatformError(e, 'SignatureNonceUsed'));
  });

  test('refuses a wrong secret, a changed query and an unsigned x-acs header', () => {
    const sig = computeSignature(secret, canonical);
    const base = { method: 'GET', rawUrl, secret, body: Buffer.alloc(0), nowMs: 0 };
    const h = signed(sig);
    assert.throws(() => verifySignature({ ...base, headers: h, auth: parseAuthorization(h), secret: 'other-secret-000000', nonces: new NonceCache(1) }), (e) => isPlatformError(e, 'SignatureNotMatch'));
    assert.throws(() => verifySignature({ ...base, rawUrl: rawUrl.replace('limit=10', 'limit=11'), headers: h, auth: parseAuthorization(h), nonces: new NonceCache(1) }), (e) => isPlatformError(e, 'SignatureNotMatch'));
    const extra = { ...h, 'x-acs-security-token': 'smuggled' };
    assert.throws(() => verifySignature({ ...base, headers: extra, auth: parseAuthorization(extra), nonces: new NonceCache(1) }), (e) => isPlatformError(e, 'SignatureNotMatch'));
  });

  test('refuses a body whose hash differs from x-acs-content-sha256', () => {
    const h = signed(computeSignature(secret, canonical));
    const input = { method: 'GET', rawUrl, headers: h, auth: parseAuthorization(h), secret, nonces: new NonceCache(1), nowMs: 0 };
    assert.throws(() => verifySignature({ ...input, body: Buffer.from('x') }), (e) => isPlatformError(e, 'SignatureNotMatch') && /x-acs-content-sha256/.test(e.message));
    const streamed = prepareSignatureTask({ ...input, body: Buffer.alloc(0), bodySha256: createHash('sha256').update('x').digest('hex') });
    assert.equal(runSignatureTask(streamed), 'body-mismatch', 'a hash computed while streaming is compared too');
    assert.equal(runSignatureTask(prepareSignatureTask({ ...input, body: Buffer.alloc(0) })), 'ok');
  });

  test('refuses dates more than 15 minutes away and malformed dates', () => {
    const t = Date.parse(headers['x-acs-date']);
    checkFreshness(headers, t + 14 * 60_000, 15 * 60_000);
    assert.throws(() => checkFreshness(headers, t + 16 * 60_000, 15 * 60_000), (e) => isPlatformError(e, 'InvalidTimeStamp'));
    assert.throws(() => checkFreshness(headers, t - 16 * 60_000, 15 * 60_000), (e) => isPlatformError(e, 'InvalidTimeStamp'));
    assert.throws(() => checkFreshness({ ...headers, 'x-acs-date': 'yesterday' }, t, 15 * 60_000), (e) => isPlatformError(e, 'InvalidTimeStamp'));
  });

  test('refuses a request without an ACS3 Authorization header', () => {
    assert.throws(() => parseAuthorization({}), (e) => isPlatformError(e, 'AccessDenied'));
    assert.throws(() => parseAuthorization({ authorization: 'Basic abc' }), (e) => isPlatformError(e, 'SignatureNotMatch'));
  });

  test('signs exactly as HMAC-SHA256 does, for secrets shorter than, as long as and longer than a block, interleaved', () => {
    const reference = (key: string, text: string) => createHmac('sha256', key).update(`ACS3-HMAC-SHA256\n${createHash('sha256').update(text).digest('hex')}`).digest('hex');
    const secrets = ['', 'k', secret, 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(65), 'w'.repeat(200), 'ключ-秘密-🔑'.repeat(5)];
    for (let round = 0; round < 3; round++) {
      for (const key of secrets) {
        const text = `${canonical}\n${round}:${key.length}`;
        assert.equal(computeSignature(key, text), reference(key, text), `secret of ${key.length} chars, round ${round}`);
      }
    }
    // More secrets than the pad cache holds: it is cleared and rebuilt, never wrong.
    for (let i = 0; i < 1100; i++) assert.equal(computeSignature(`secret-${i}`, canonical), reference(`secret-${i}`, canonical));
  });

  test('refuses a signature that differs from the right one only in its last hex digit', () => {
    const good = computeSignature(secret, canonical);
    const last = good.at(-1) === '0' ? '1' : '0';
    const h = signed(good.slice(0, -1) + last);
    const task = prepareSignatureTask({ method: 'GET', rawUrl, headers: h, auth: parseAuthorization(h), secret, body: Buffer.alloc(0) });
    assert.equal(runSignatureTask(task), 'signature-mismatch');
  });

  test('a SignedHeaders list is checked the same way on its first and every later use', () => {
    const missing = 'host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-signature-nonce;x-acs-version';
    const unsigned = { ...headers, 'x-acs-extra': '1' };
    for (let i = 0; i < 3; i++) {
      const h = { ...headers, authorization: `ACS3-HMAC-SHA256 Credential=LTAI5tFAKEAKID0000000001,SignedHeaders=${missing},Signature=${'0'.repeat(64)}` };
      assert.throws(() => prepareSignatureTask({ method: 'GET', rawUrl, headers: h, auth: parseAuthorization(h), secret, body: Buffer.alloc(0) }), (e) => isPlatformError(e, 'SignatureNotMatch') && /x-acs-date must be signed/.test(e.message));
      const u = signed('0'.repeat(64));
      assert.throws(() => prepareSignatureTask({ method: 'GET', rawUrl, headers: { ...unsigned, authorization: u.authorization }, auth: parseAuthorization(u), secret, body: Buffer.alloc(0) }), (e) => isPlatformError(e, 'SignatureNotMatch') && /x-acs-extra is present but not signed/.test(e.message));
    }
  });

  test('paths with +, * or %7E are rewritten as the SDK does; others are used as they are', () => {
    const c = (path: string) => canonicalRequest('GET', path, headers, auth, EMPTY_BODY_SHA256).split('\n')[1];
    assert.equal(c('/2023-03-30/functions/a+b*c%7Ed'), '/2023-03-30/functions/a%20b%2Ac~d');
    assert.equal(c('/2023-03-30/functions/plain'), '/2023-03-30/functions/plain');
  });
});
