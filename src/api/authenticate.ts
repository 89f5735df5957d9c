/**
 * @module api/authenticate
 * Who sent a request, in the two steps every signed request goes through: the key and the date
 * before the body is read (so a stranger's body is never read), then the ACS3 signature over
 * method, path, query, signed headers and body, and the one-time nonce. Shared by ordinary
 * requests and WebSocket upgrades. FC 2.0 requests (`Authorization: FC …`, iam/fc2-signature)
 * take their own branch with the same key and session lookup.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ResolvedConfig } from '../config/index.js';
import { PlatformError } from '../errors/index.js';
import { acceptSignature, checkFreshness, parseAuthorization, prepareSignatureTask, type AccountService, type NonceCache, type ParsedAuthorization, type Principal, type SignatureVerifier } from '../iam/index.js';
import { checkFc2Date, isFc2Authorization, parseFc2Authorization, verifyFc2Signature, type ParsedFc2Authorization } from '../iam/index.js';
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
  /** Set when the request is signed the FC 2.0 way (`FC <ak>:<signature>`); `auth` then only carries the key id. */
  readonly fc2?: ParsedFc2Authorization;
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
  /** FC 2.0 (`@alicloud/fc2`): the same keys and sessions, the STS token in x-fc-security-token, the `date` header fresh. */
  function claimFc2(headers: IncomingHttpHeaders): Claimant {
    const fc2 = parseFc2Authorization(headers);
    const auth: ParsedAuthorization = { accessKeyId: fc2.accessKeyId, signedHeaders: [], signedHeadersText: '', signature: fc2.signature };
    let claimant: Claimant;
    if (fc2.accessKeyId.startsWith(STS_KEY_PREFIX)) {
      const token = headers['x-fc-security-token'];
      if (typeof token !== 'string' || token === '') throw new PlatformError('InvalidSecurityToken', 'a temporary AccessKey needs its SecurityToken in the x-fc-security-token header');
      const session = sts.findSession(fc2.accessKeyId, token);
      const principal: Principal = {
        accountId: session.accountId, accessKeyId: session.accessKeyId, kind: 'role-session', roleName: session.roleName, sessionName: session.sessionName, sessionPolicy: session.sessionPolicy,
      };
      claimant = { principal, auth, secret: session.accessKeySecret, fc2 };
    } else {
      const key = accounts.findActiveKey(fc2.accessKeyId);
      if (!key) throw new PlatformError('InvalidAccessKeyID', `invalid access key ID '${fc2.accessKeyId}'`);
      claimant = { principal: principalOf(key), auth, secret: key.accessKeySecret, fc2 };
    }
    checkFc2Date(headers, clock.now(), config.signatureMaxSkewMs);
    return claimant;
  }
  /** After the signature: the account the client addresses (x-fc-account-id) must be the key's own. */
  function verifyFc2(claimant: Claimant & { fc2: ParsedFc2Authorization }, request: { method: string; rawUrl: string; headers: IncomingHttpHeaders; body?: Buffer }): void {
    // The FC 2.0 scheme signs no query and no nonce: it is accepted on the FC 2.0 API only, never on FC 3.0 routes, HTTP triggers or exec.
    if (!request.rawUrl.startsWith(FC2_PATH_PREFIX)) throw new PlatformError('SignatureNotMatch', `an 'FC <accessKeyId>:<signature>' Authorization is accepted on ${FC2_PATH_PREFIX} paths only; sign FC 3.0 requests with ACS3-HMAC-SHA256`);
    verifyFc2Signature({ method: request.method, rawUrl: request.rawUrl, headers: request.headers, auth: claimant.fc2, secret: claimant.secret });
    if (request.body && request.body.length > 0) checkFc2ContentMd5(request.headers['content-md5'], request.body);
    const accountHeader = request.headers['x-fc-account-id'];
    if (typeof accountHeader === 'string' && accountHeader !== claimant.principal.accountId) {
      throw new PlatformError('AccessDenied', `the AccessKey '${claimant.fc2.accessKeyId}' does not belong to account '${accountHeader}' (x-fc-account-id)`);
    }
  }
  return {
    claim(headers) {
      if (isFc2Authorization(headers)) return claimFc2(headers);
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
      if (claimant.fc2) return verifyFc2({ ...claimant, fc2: claimant.fc2 }, request);
      const task = prepareSignatureTask({ ...request, auth: claimant.auth, secret: claimant.secret });
      const verdict = signatures.check(task);
      if (typeof verdict === 'string') return acceptSignature(verdict, request.headers, nonces, clock.now());
      return verdict.then((v) => acceptSignature(v, request.headers, nonces, clock.now()));
    },
  };
}

const FC2_PATH_PREFIX = '/2016-08-15/';

/**
 * The FC 2.0 signature covers `content-md5`, not the body itself, so a body must match it, or a
 * captured request could be replayed with another body. `@alicloud/fc2` sends base64 of the hex
 * MD5; base64 of the raw digest (RFC 1864) is accepted too.
 */
function checkFc2ContentMd5(header: string | string[] | undefined, body: Buffer): void {
  if (typeof header !== 'string' || header === '') throw new PlatformError('SignatureNotMatch', 'an FC 2.0 request with a body must send content-md5, so that its signature covers the body');
  const digest = createHash('md5').update(body).digest();
  if (header !== Buffer.from(digest.toString('hex'), 'utf8').toString('base64') && header !== digest.toString('base64')) {
    throw new PlatformError('SignatureNotMatch', 'content-md5 does not match the request body');
  }
}
