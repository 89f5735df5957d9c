/**
 * @module iam/acs3-signature
 * Server-side verification of ACS3-HMAC-SHA256, the signature of FC 3.0 requests (reference §3.1):
 * raw path, canonical query, signed headers and the body hash, plus freshness (x-acs-date within
 * the allowed skew) and replay protection (x-acs-signature-nonce seen once).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { PlatformError } from '../errors/index.js';
import type { NonceCache } from './nonce-cache.js';

export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const AUTHORIZATION_PATTERN = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]*),Signature=([0-9a-f]{64})$/;
const REQUIRED_SIGNED_HEADERS = ['host', 'x-acs-date', 'x-acs-content-sha256', 'x-acs-signature-nonce'] as const;
const ACS_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

export interface ParsedAuthorization {
  readonly accessKeyId: string;
  readonly signedHeaders: string[];
  readonly signedHeadersText: string;
  readonly signature: string;
}

const SIGNATURE_MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your access key and signing method';

/** RFC 3986 encoding as the SDK applies it to query values. */
export function acsPercentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** Step 1: parse the Authorization header (cheap; done before reading the body). */
export function parseAuthorization(headers: IncomingHttpHeaders): ParsedAuthorization {
  const value = headers.authorization;
  if (!value) throw new PlatformError('AccessDenied', 'the request is not signed: required HTTP header Authorization was not specified');
  const m = AUTHORIZATION_PATTERN.exec(value);
  if (!m) throw new PlatformError('SignatureNotMatch', `the Authorization header is not a valid ${ACS3_ALGORITHM} authorization`);
  const signedHeadersText = m[2]!;
  return { accessKeyId: m[1]!, signedHeadersText, signedHeaders: signedHeadersText.split(';'), signature: m[3]! };
}

/** Step 2: x-acs-date must be present and close to the server's time. */
export function checkFreshness(headers: IncomingHttpHeaders, nowMs: number, maxSkewMs: number): void {
  const date = headers['x-acs-date'];
  if (typeof date !== 'string') throw new PlatformError('MissingRequiredHeader', 'required HTTP header x-acs-date was not specified');
  const t = ACS_DATE_PATTERN.test(date) ? Date.parse(date) : NaN;
  if (Number.isNaN(t)) throw new PlatformError('InvalidTimeStamp', `x-acs-date '${date}' is not in the format YYYY-MM-DDTHH:mm:ssZ`);
  if (Math.abs(nowMs - t) > maxSkewMs) {
    throw new PlatformError('InvalidTimeStamp', `x-acs-date '${date}' is more than ${Math.round(maxSkewMs / 60000)} minutes away from the server time ${new Date(nowMs).toISOString()}`);
  }
}

function canonicalQuery(rawQuery: string): string {
  if (!rawQuery) return '';
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawQuery)) params[k] = v;
  return Object.keys(params)
    .sort()
    .map((k) => `${k}=${acsPercentEncode(params[k]!)}`)
    .join('&');
}

/** Builds the canonical request exactly as the SDK does (reference §3.1 steps 4-7). */
export function canonicalRequest(method: string, rawUrl: string, headers: IncomingHttpHeaders, auth: ParsedAuthorization, bodySha256: string): string {
  const qi = rawUrl.indexOf('?');
  const rawPath = qi >= 0 ? rawUrl.slice(0, qi) : rawUrl;
  const uri = rawPath.replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~');
  let canonicalHeaders = '';
  for (const h of auth.signedHeaders) {
    const v = headers[h];
    canonicalHeaders += `${h}:${(Array.isArray(v) ? v.join(',') : (v ?? '')).trim()}\n`;
  }
  return `${method}\n${uri}\n${canonicalQuery(qi >= 0 ? rawUrl.slice(qi + 1) : '')}\n${canonicalHeaders}\n${auth.signedHeadersText}\n${bodySha256}`;
}

export function computeSignature(secret: string, canonical: string): string {
  const hashed = createHash('sha256').update(canonical).digest('hex');
  return createHmac('sha256', secret).update(`${ACS3_ALGORITHM}\n${hashed}`).digest('hex');
}

/**
 * Step 3 (after the body was read and hashed): checks the signed-header set, the body hash,
 * the HMAC, and finally the nonce (only for a valid signature, so nobody can burn nonces).
 */
export function verifySignature(input: {
  method: string;
  rawUrl: string;
  headers: IncomingHttpHeaders;
  auth: ParsedAuthorization;
  secret: string;
  bodySha256: string;
  nonces: NonceCache;
  nowMs: number;
}): void {
  const { headers, auth } = input;
  for (const h of REQUIRED_SIGNED_HEADERS) {
    if (!auth.signedHeaders.includes(h)) throw new PlatformError('SignatureNotMatch', `header ${h} must be signed`);
  }
  for (const h of Object.keys(headers)) {
    if ((h.startsWith('x-acs-') || h === 'content-type') && !auth.signedHeaders.includes(h)) {
      throw new PlatformError('SignatureNotMatch', `header ${h} is present but not signed`);
    }
  }
  if (headers['x-acs-content-sha256'] !== input.bodySha256) {
    throw new PlatformError('SignatureNotMatch', 'x-acs-content-sha256 does not match the SHA-256 of the request body');
  }
  const expected = computeSignature(input.secret, canonicalRequest(input.method, input.rawUrl, headers, auth, input.bodySha256));
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(auth.signature))) throw new PlatformError('SignatureNotMatch', SIGNATURE_MISMATCH);
  const nonce = headers['x-acs-signature-nonce'];
  if (typeof nonce !== 'string' || nonce.length < 8 || nonce.length > 128) {
    throw new PlatformError('MissingRequiredHeader', 'required HTTP header x-acs-signature-nonce was not specified or is not 8-128 characters');
  }
  if (!input.nonces.checkAndAdd(nonce, input.nowMs)) {
    throw new PlatformError('SignatureNonceUsed', `the signature nonce '${nonce}' has already been used`);
  }
}
