/**
 * @module api/authenticate
 * Who sent a request, in the two steps every signed request goes through: the key and the date
 * before the body is read (so a stranger's body is never read), then the ACS3 signature over
 * method, path, query, signed headers and body, and the one-time nonce. Shared by ordinary
 * requests and WebSocket upgrades.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ResolvedConfig } from '../config/index.js';
import { PlatformError } from '../errors/index.js';
import { acceptSignature, checkFreshness, parseAuthorization, prepareSignatureTask, type AccountService, type NonceCache, type ParsedAuthorization, type Principal, type SignatureVerifier } from '../iam/index.js';
import type { StsService } from '../iam/sts-service.js';
import type { AccessKeyRecord } from '../store/types.js';
import type { Clock } from '../time/clock.js';

/** Access keys of RAM users are stored with this principal prefix. */
export const USER_PRINCIPAL_PREFIX = 'user:';
/** Temporary AccessKeyIds (AssumeRole) start with this. */
export const STS_KEY_PREFIX = 'STS.';

/** A request whose key and date were accepted; its signature is not checked yet. */
export interface Claimant {
  readonly principal: Principal;
  readonly auth: ParsedAuthorization;
  readonly secret: string;
}

export interface Authenticator {
  /** Step one, before the body: the key exists and is active, the date is fresh. */
  claim(headers: IncomingHttpHeaders): Claimant;
  /** Step two: the signature over the whole request, then the nonce. */
  verify(claimant: Claimant, request: { method: string; rawUrl: string; headers: IncomingHttpHeaders; body: Buffer; bodySha256?: string }): void | Promise<void>;
}

export function createAuthenticator(deps: { accounts: AccountService; sts: StsService; nonces: NonceCache; signatures: SignatureVerifier; clock: Clock; config: ResolvedConfig }): Authenticator {
  const { accounts, sts, nonces, signatures, clock, config } = deps;
  const principals = new WeakMap<AccessKeyRecord, Principal>();
  const principalOf = (key: AccessKeyRecord): Principal => {
    let p = principals.get(key);
    if (!p) {
      const isUser = key.principal.startsWith(USER_PRINCIPAL_PREFIX);
      p = Object.freeze(isUser
        ? { accountId: key.accountId, accessKeyId: key.accessKeyId, kind: 'user' as const, userName: key.principal.slice(USER_PRINCIPAL_PREFIX.length) }
        : { accountId: key.accountId, accessKeyId: key.accessKeyId, kind: 'root' as const });
      principals.set(key, p);
    }
    return p;
  };
  /** Temporary credentials: the token must be present, signed, match the key and be unexpired. */
  function claimSession(auth: ParsedAuthorization, headers: IncomingHttpHeaders): Claimant {
    const token = headers['x-acs-security-token'];
    if (typeof token === 'string' && !auth.signedHeaders.includes('x-acs-security-token')) {
      throw new PlatformError('InvalidSecurityToken', 'x-acs-security-token must be one of the signed headers');
    }
    const session = sts.findSession(auth.accessKeyId, typeof token === 'string' ? token : undefined);
    const principal: Principal = {
      accountId: session.accountId, accessKeyId: session.accessKeyId, kind: 'role-session', roleName: session.roleName, sessionName: session.sessionName, sessionPolicy: session.sessionPolicy,
    };
    return { principal, auth, secret: session.accessKeySecret };
  }
  return {
    claim(headers) {
      const auth = parseAuthorization(headers);
      if (auth.accessKeyId.startsWith(STS_KEY_PREFIX)) {
        const claimant = claimSession(auth, headers);
        checkFreshness(headers, clock.now(), config.signatureMaxSkewMs);
        return claimant;
      }
      const key = accounts.findActiveKey(auth.accessKeyId);
      if (!key) throw new PlatformError('InvalidAccessKeyID', `invalid access key ID '${auth.accessKeyId}'`);
      checkFreshness(headers, clock.now(), config.signatureMaxSkewMs);
      return { principal: principalOf(key), auth, secret: key.accessKeySecret };
    },
    verify(claimant, request) {
      const task = prepareSignatureTask({ ...request, auth: claimant.auth, secret: claimant.secret });
      const verdict = signatures.check(task);
      if (typeof verdict === 'string') return acceptSignature(verdict, request.headers, nonces, clock.now());
      return verdict.then((v) => acceptSignature(v, request.headers, nonces, clock.now()));
    },
  };
}
