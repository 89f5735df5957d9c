/** @module iam — accounts, AccessKeys and request authentication. */
export * from './types.js';
export { createAccountService, generateAccessKey, generateAccountId, type AccountService } from './accounts.js';
export { NonceCache } from './nonce-cache.js';
export {
  ACS3_ALGORITHM, EMPTY_BODY_SHA256, acceptSignature, acsPercentEncode, canonicalRequest, checkFreshness, computeSignature, parseAuthorization,
  prepareSignatureTask, runSignatureTask, verifySignature, type ParsedAuthorization, type SignatureTask, type SignatureVerdict,
} from './acs3-signature.js';
export { createSignatureVerifier, type SignatureVerifier } from './signature-verifier.js';
export { acsDate, signHeaders, type SigningCredentials } from './acs3-client.js';
export { authorize } from './authorize.js';
