/** FC 2.0 signature verification against requests captured from `@alicloud/fc2@2.6.6` (reference appendix A). */
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { test } from 'node:test';
import { isPlatformError } from '../errors/index.js';
import { checkFc2Date, computeFc2Signature, fc2StringToSign, isFc2Authorization, parseFc2Authorization, verifyFc2Signature } from './fc2-signature.js';

const SECRET = 'FakeSecretForLocalTesting0000001';
/** Captured request #13 (FC2 createFunction). */
const CREATE_FUNCTION: IncomingHttpHeaders = {
  accept: 'application/json',
  date: 'Sun, 22 Nov 2026 07:19:15 GMT',
  host: '127.0.0.1',
  'x-fc-account-id': '123456789',
  'content-type': 'application/json',
  'content-length': '136',
  'content-md5': 'ZThjODgyYzQwZWJlZTVlMzg4MTVjNTQxODg0MTVlMDY=',
  authorization: 'FC LTAI5tFAKEAKID0000000001:/3ZeoSqR2vQOP9LgUnCxreAAZjuVU1Y0h1hyodc4Jcc=',
};
/** Captured request #14 (FC2 invokeFunction with qualifier LATEST and Tail). */
const INVOKE: IncomingHttpHeaders = {
  accept: 'application/json',
  date: 'Sun, 22 Nov 2026 07:19:15 GMT',
  host: '127.0.0.1',
  'x-fc-account-id': '123456789',
  'x-fc-log-type': 'Tail',
  'content-type': 'application/octet-stream',
  'content-length': '15',
  'content-md5': 'YTczNTNmN2NkZGNlODA4ZGUwMDMyNzQ3YTBiN2JlNTA=',
  authorization: 'FC LTAI5tFAKEAKID0000000001:51vVsKxw6L9ubqDV713yFEnz6jJNRIP9d0nVdrRx+Rs=',
};
/** Captured request #18 (FC2 getService with STS credentials; the token is a signed x-fc-* header). */
const GET_SERVICE_STS: IncomingHttpHeaders = {
  accept: 'application/json',
  date: 'Sun, 22 Nov 2026 07:19:15 GMT',
  host: '127.0.0.1',
  'x-fc-account-id': '123456789',
  'x-fc-security-token': 'CAIS-fake-security-token==',
  authorization: 'FC STS.FAKETEMPAK0001:wBvfsuWmG+CbeRjevki/uv/Y1SN8sRq1xJWsH5imgMw=',
};
const mismatch = (e: unknown) => isPlatformError(e, 'SignatureNotMatch');

test('verifies the captured FC 2.0 requests of @alicloud/fc2', () => {
  for (const [method, rawUrl, headers] of [['POST', '/2016-08-15/services/svc/functions', CREATE_FUNCTION], ['POST', '/2016-08-15/services/svc.LATEST/functions/fn/invocations', INVOKE]] as const) {
    assert.ok(isFc2Authorization(headers));
    const auth = parseFc2Authorization(headers);
    assert.equal(auth.accessKeyId, 'LTAI5tFAKEAKID0000000001');
    verifyFc2Signature({ method, rawUrl, headers, auth, secret: SECRET });
  }
  const sts = parseFc2Authorization(GET_SERVICE_STS);
  assert.equal(sts.accessKeyId, 'STS.FAKETEMPAK0001');
  verifyFc2Signature({ method: 'GET', rawUrl: '/2016-08-15/services/svc', headers: GET_SERVICE_STS, auth: sts, secret: 'FakeStsSecret0001' });
  const forged = { ...GET_SERVICE_STS, 'x-fc-security-token': 'CAIS-another-token==' };
  assert.throws(() => verifyFc2Signature({ method: 'GET', rawUrl: '/2016-08-15/services/svc', headers: forged, auth: sts, secret: 'FakeStsSecret0001' }), mismatch);
});

test('the string to sign has sorted x-fc-* headers, the decoded path and no query (reference §3.3)', () => {
  const s = fc2StringToSign('POST', '/2016-08-15/services/svc.LATEST/functions/fn/invocations', INVOKE, 'ignored=1');
  assert.equal(s, [
    'POST', 'YTczNTNmN2NkZGNlODA4ZGUwMDMyNzQ3YTBiN2JlNTA=', 'application/octet-stream', 'Sun, 22 Nov 2026 07:19:15 GMT',
    'x-fc-account-id:123456789', 'x-fc-log-type:Tail', '/2016-08-15/services/svc.LATEST/functions/fn/invocations',
  ].join('\n'));
  assert.match(fc2StringToSign('GET', '/2016-08-15/proxy/s/f/x', { date: 'd' }, 'b=2&a=1'), /\/proxy\/s\/f\/x\na=1\nb=2$/);
});

test('a changed method, path, header, secret or signature does not verify', () => {
  const auth = parseFc2Authorization(INVOKE);
  const url = '/2016-08-15/services/svc.LATEST/functions/fn/invocations';
  assert.throws(() => verifyFc2Signature({ method: 'PUT', rawUrl: url, headers: INVOKE, auth, secret: SECRET }), mismatch);
  assert.throws(() => verifyFc2Signature({ method: 'POST', rawUrl: url.replace('fn', 'other'), headers: INVOKE, auth, secret: SECRET }), mismatch);
  assert.throws(() => verifyFc2Signature({ method: 'POST', rawUrl: url, headers: { ...INVOKE, 'x-fc-invocation-type': 'Async' }, auth, secret: SECRET }), mismatch);
  assert.throws(() => verifyFc2Signature({ method: 'POST', rawUrl: url, headers: INVOKE, auth, secret: SECRET + 'x' }), mismatch);
  assert.throws(() => verifyFc2Signature({ method: 'POST', rawUrl: url, headers: INVOKE, auth: { ...auth, signature: 'AAAA' }, secret: SECRET }), mismatch);
});

test('an encoded path verifies decoded, and signed-as-encoded (the layer ARN quirk)', () => {
  const headers: IncomingHttpHeaders = { date: 'Sun, 22 Nov 2026 07:19:15 GMT' };
  const decoded = computeFc2Signature(SECRET, fc2StringToSign('GET', '/2016-08-15/services/my svc', headers, ''));
  verifyFc2Signature({ method: 'GET', rawUrl: '/2016-08-15/services/my%20svc', headers, auth: { accessKeyId: 'k', signature: decoded }, secret: SECRET });
  const raw = computeFc2Signature(SECRET, fc2StringToSign('GET', '/2016-08-15/layerarn/acs%3Afc', headers, ''));
  verifyFc2Signature({ method: 'GET', rawUrl: '/2016-08-15/layerarn/acs%3Afc', headers, auth: { accessKeyId: 'k', signature: raw }, secret: SECRET });
});

test('malformed authorizations and stale or missing dates are refused', () => {
  assert.equal(isFc2Authorization({ authorization: 'ACS3-HMAC-SHA256 Credential=x' }), false);
  assert.throws(() => parseFc2Authorization({ authorization: 'FC no-colon' }), mismatch);
  const now = Date.parse('Sun, 22 Nov 2026 07:19:15 GMT');
  const skew = 15 * 60 * 1000;
  checkFc2Date(INVOKE, now + skew, skew);
  assert.throws(() => checkFc2Date(INVOKE, now + skew + 1000, skew), (e: unknown) => isPlatformError(e, 'InvalidTimeStamp'));
  assert.throws(() => checkFc2Date({ date: 'yesterday' }, now, skew), (e: unknown) => isPlatformError(e, 'InvalidTimeStamp'));
  assert.throws(() => checkFc2Date({}, now, skew), (e: unknown) => isPlatformError(e, 'MissingRequiredHeader'));
});
