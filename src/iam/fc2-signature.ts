/**
 * @module iam/fc2-signature
 * Server-side verification of FC 2.0's `Authorization: FC <accessKeyId>:<signature>` (reference
 * §3.3), the signature `@alicloud/fc2` sends: HMAC-SHA256 over method, content-md5, content-type,
 * date, the sorted `x-fc-*` headers and the decoded path (plus the sorted query for `/proxy/`
 * paths), keyed with the AccessKey secret; the `date` header within the allowed skew.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { PlatformError } from '../errors/index.js';

/** The scheme word that starts an FC 2.0 Authorization header. */
export const FC2_AUTHORIZATION_PREFIX = 'FC ';
const AUTHORIZATION_PATTERN = /^FC ([^:\s]+):([A-Za-z0-9+/=]{1,128})$/;
const SIGNATURE_MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your access key and signing method';

export interface ParsedFc2Authorization {
  readonly accessKeyId: string;
  readonly signature: string;
}

/** True when the request is signed the FC 2.0 way (cheap; the ACS3 path pays one string compare). */
export function isFc2Authorization(headers: IncomingHttpHeaders): boolean {
  const value = headers.authorization;
  return typeof value === 'string' && value.startsWith(FC2_AUTHORIZATION_PREFIX);
}

/** Parses `FC <accessKeyId>:<base64 signature>`; SignatureNotMatch when it is malformed. */
export function parseFc2Authorization(headers: IncomingHttpHeaders): ParsedFc2Authorization {
  const m = AUTHORIZATION_PATTERN.exec(headers.authorization ?? '');
  if (!m) throw new PlatformError('SignatureNotMatch', 'the Authorization header is not a valid FC 2.0 authorization (FC <accessKeyId>:<signature>)');
  return { accessKeyId: m[1]!, signature: m[2]! };
}

/** The `date` header (RFC 1123) must be present and within `maxSkewMs` of the server time. */
export function checkFc2Date(headers: IncomingHttpHeaders, nowMs: number, maxSkewMs: number): void {
  const date = headers.date;
  if (typeof date !== 'string' || date === '') throw new PlatformError('MissingRequiredHeader', 'required HTTP header date was not specified');
  const t = Date.parse(date);
  if (Number.isNaN(t)) throw new PlatformError('InvalidTimeStamp', `date '${date}' is not an RFC 1123 date`);
  if (Math.abs(nowMs - t) > maxSkewMs) {
    throw new PlatformError('InvalidTimeStamp', `date '${date}' is more than ${Math.round(maxSkewMs / 60000)} minutes away from the server time ${new Date(nowMs).toUTCString()}`);
  }
}

const headerValue = (v: string | string[] | undefined): string => (Array.isArray(v) ? v.join(',') : (v ?? ''));

/** The string FC 2.0 signs, for one candidate resource path (reference §3.3). */
export function fc2StringToSign(method: string, path: string, headers: IncomingHttpHeaders, rawQuery: string): string {
  const fcHeaders = Object.keys(headers).filter((h) => h.startsWith('x-fc-')).sort();
  let canonicalHeaders = '';
  for (const h of fcHeaders) canonicalHeaders += `${h}:${headerValue(headers[h])}\n`;
  let s = `${method}\n${headerValue(headers['content-md5'])}\n${headerValue(headers['content-type'])}\n${headerValue(headers.date)}\n${canonicalHeaders}${path}`;
  // The SDK signs the query of /proxy/ paths only (`path.startsWith('/proxy/')` before it adds `/2016-08-15`).
  if (/^\/\d{4}-\d{2}-\d{2}\/proxy\//.test(path)) {
    const params: string[] = [];
    for (const [k, v] of new URLSearchParams(rawQuery)) params.push(`${k}=${v}`);
    s += '\n' + params.sort().join('\n');
  }
  return s;
}

/** The signature `@alicloud/fc2` computes for a string to sign. */
export function computeFc2Signature(secret: string, stringToSign: string): string {
  return createHmac('sha256', secret).update(stringToSign, 'utf8').digest('base64');
}

function decodePath(rawPath: string): string | undefined {
  try {
    return decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
}

/**
 * Checks the signature against the decoded path, then the raw one (the SDK signs some paths, such
 * as layer ARNs, encoded). Throws SignatureNotMatch when neither matches.
 */
export function verifyFc2Signature(input: { method: string; rawUrl: string; headers: IncomingHttpHeaders; auth: ParsedFc2Authorization; secret: string }): void {
  const qi = input.rawUrl.indexOf('?');
  const rawPath = qi >= 0 ? input.rawUrl.slice(0, qi) : input.rawUrl;
  const rawQuery = qi >= 0 ? input.rawUrl.slice(qi + 1) : '';
  const given = Buffer.from(input.auth.signature, 'latin1');
  const decoded = decodePath(rawPath);
  const candidates = decoded !== undefined && decoded !== rawPath ? [decoded, rawPath] : [rawPath];
  for (const path of candidates) {
    const expected = Buffer.from(computeFc2Signature(input.secret, fc2StringToSign(input.method, path, input.headers, rawQuery)), 'latin1');
    if (expected.length === given.length && timingSafeEqual(expected, given)) return;
  }
  throw new PlatformError('SignatureNotMatch', SIGNATURE_MISMATCH);
}
