/**
 * @module iam/acs3-client
 * Client-side ACS3-HMAC-SHA256 signing: the canonical request the official SDK builds, for the
 * requests openfc's own tools send without the SDK (InstanceExec's WebSocket, benchmarks).
 */
import { createHash, randomBytes } from 'node:crypto';
import { canonicalRequest, computeSignature, parseAuthorization } from './acs3-signature.js';

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** host:port the requests go to (signed as the host header). */
  readonly host: string;
}

/** x-acs-date as the SDK writes it: UTC `YYYY-MM-DDTHH:mm:ssZ`. */
export const acsDate = (d = new Date()): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Signs one request (`rawUrl` is the path plus any query string). Every x-acs-* header plus host
 * and content-type are signed; `extra` headers (x-fc-*) are sent unsigned, as the SDK does.
 * `date`/`bodySha256` may be passed in so a batch signed for one phase computes them once.
 */
export function signHeaders(
  creds: SigningCredentials, method: string, rawUrl: string, action: string, body: Buffer, contentType: string,
  extra: Record<string, string> = {}, pre: { date?: string; bodySha256?: string } = {},
): Record<string, string> {
  const bodySha256 = pre.bodySha256 ?? createHash('sha256').update(body).digest('hex');
  const headers: Record<string, string> = {
    host: creds.host, 'x-acs-action': action, 'x-acs-version': '2023-03-30', 'x-acs-date': pre.date ?? acsDate(),
    'x-acs-signature-nonce': randomBytes(16).toString('hex'), 'x-acs-content-sha256': bodySha256, 'content-type': contentType,
  };
  const signed = Object.keys(headers).sort().join(';');
  const stub = `ACS3-HMAC-SHA256 Credential=${creds.accessKeyId},SignedHeaders=${signed},Signature=${'0'.repeat(64)}`;
  const signature = computeSignature(creds.accessKeySecret, canonicalRequest(method, rawUrl, headers, parseAuthorization({ authorization: stub }), bodySha256));
  return { ...headers, ...extra, authorization: `ACS3-HMAC-SHA256 Credential=${creds.accessKeyId},SignedHeaders=${signed},Signature=${signature}` };
}
