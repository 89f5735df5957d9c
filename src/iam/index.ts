/** @module iam — accounts, AccessKeys, request authentication, RAM users/roles/policies and STS. */
export * from './types.js';
export { createAccountService, generateAccessKey, generateAccountId, type AccountService } from './accounts.js';
export { NonceCache } from './nonce-cache.js';
export {
  ACS3_ALGORITHM, EMPTY_BODY_SHA256, acceptSignature, acsPercentEncode, canonicalRequest, checkFreshness, computeSignature, parseAuthorization,
  prepareSignatureTask, runSignatureTask, verifySignature, type ParsedAuthorization, type SignatureTask, type SignatureVerdict,
} from './acs3-signature.js';
export {
  FC2_AUTHORIZATION_PREFIX, checkFc2Date, computeFc2Signature, fc2StringToSign, isFc2Authorization, parseFc2Authorization, verifyFc2Signature, type ParsedFc2Authorization,
} from './fc2-signature.js';
export { createSignatureVerifier, type SignatureVerifier } from './signature-verifier.js';
export { acsDate, signHeaders, type SigningCredentials } from './acs3-client.js';
export { createAuthorizer, type Authorizer, type Decision, type PolicyEngine, type RequestConditions } from './authorize.js';
export { createStsService, trusts, FC_SERVICE_PRINCIPAL, type StsService, type TemporaryCredentials, type AssumeRoleCaller } from './sts-service.js';
export { createRamOperations, ramResourceFor, userPrincipal, type RamOperation, type RpcParams } from './ram-service.js';
export { createRoleCredentials, type RoleCredentials } from './role-credentials.js';
