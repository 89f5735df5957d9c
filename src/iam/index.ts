/** @module iam — accounts, AccessKeys and request authentication. */
export * from './types.js';
export { createAccountService, generateAccessKey, generateAccountId, type AccountService } from './accounts.js';
export { NonceCache } from './nonce-cache.js';
export {
  ACS3_ALGORITHM, EMPTY_BODY_SHA256, acsPercentEncode, canonicalRequest, checkFreshness, computeSignature, parseAuthorization, verifySignature,
  type ParsedAuthorization,
} from './acs3-signature.js';
