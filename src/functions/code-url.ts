/**
 * @module functions/code-url
 * Signed, expiring download URLs for code packages (GetFunctionCode). A token names exactly one
 * package (its blob key) for one account and carries its expiry; an HMAC with a server secret
 * that never leaves the data dir makes it unforgeable. Expired or altered tokens are useless.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { PlatformError } from '../errors/index.js';

export const CODE_DOWNLOAD_PATH = '/openfc/code/';

export interface CodeUrlClaims {
  readonly accountId: string;
  readonly blobKey: string;
  readonly expiresAtMs: number;
}

export interface CodeUrlSigner {
  /** Returns the path+query part of the URL; the caller prefixes the endpoint. */
  sign(claims: CodeUrlClaims): string;
  /** Checks a token from a download request and returns its claims. Throws AccessDenied. */
  verify(token: string, nowMs: number): CodeUrlClaims;
}

export function createCodeUrlSigner(secret: Buffer): CodeUrlSigner {
  const mac = (payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');
  return {
    sign(claims) {
      const payload = Buffer.from(JSON.stringify([claims.accountId, claims.blobKey, claims.expiresAtMs])).toString('base64url');
      return `${CODE_DOWNLOAD_PATH}${payload}.${mac(payload)}/code.zip`;
    },
    verify(token, nowMs) {
      const denied = (why: string) => new PlatformError('AccessDenied', `the code download URL ${why}`);
      const [payload, signature] = token.split('.');
      if (!payload || !signature) throw denied('is malformed');
      const expected = Buffer.from(mac(payload));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw denied('has an invalid signature');
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch (e: unknown) {
        throw new PlatformError('AccessDenied', 'the code download URL is malformed', { cause: e });
      }
      const [accountId, blobKey, expiresAtMs] = parsed as [string, string, number];
      if (nowMs > expiresAtMs) throw denied(`expired at ${new Date(expiresAtMs).toISOString()}`);
      return { accountId, blobKey, expiresAtMs };
    },
  };
}
