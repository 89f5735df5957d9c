/** @module functions — function configuration, code packages and the runtime catalogue. */
export * from './types.js';
export { createFunctionService, fcTime, type DeployOptions, type FunctionService, type FunctionChange } from './function-service.js';
export { createCodeUrlSigner, CODE_DOWNLOAD_PATH, type CodeUrlSigner } from './code-url.js';
export { buildFunctionConfig, validateFunctionName, defaultCpu } from './validation.js';
export { RUNTIMES, RUNTIME_PHASES, createRuntimeCatalogue, runtimeFamilyOf, supportedRuntimeIds, type RuntimeCatalogue, type RuntimeCatalogueEntry, type RuntimePhase, type RuntimeUse } from './runtimes.js';
export {
  CREDENTIAL_SCAN_SKIPPED_HEADER, CREDENTIAL_WARNING_HEADER, MAX_SCAN_FILE_BYTES, credentialScanHeaders, scanBuffer, scanDirectory, scanEnvironment,
  type CredentialFinding, type CredentialKind, type CredentialScanResult,
} from './credential-scan.js';
export { createCodeCache } from './code-cache.js';
export { pageLimit } from './paging.js';
export { crc64ecma } from './crc64.js';
export { createZip, extractCodePackage, decodeZipFileBase64 } from './code-package.js';
export { createLayerService, OFFICIAL_LAYER_ACCOUNT, type LayerService, type LayerView, type ListLayersQuery, type LayerRequestOptions } from './layer-service.js';
export { formatLayerVersionArn, parseLayerVersionArn, validateLayerName, LAYER_NAME_PATTERN, type LayerVersionRef } from './layer-arn.js';
export { DEFAULT_CUSTOM_RUNTIME_PORT, resolveCustomRuntime, validateCustomRuntimeConfig, type ResolvedCustomRuntime } from './custom-runtime-config.js';
export { createVersionService, type VersionService, type VersionView, type AliasView, type VersionDeleted, type ListVersionsQuery, type ListAliasesQuery } from './version-service.js';
export { createQualifierResolver, versionFunctionRecord, type QualifierResolver, type ResolvedFunction, type AliasPick } from './qualifier-resolver.js';
export { LATEST, ALIAS_NAME_PATTERN, VERSION_ID_PATTERN, MAX_ADDITIONAL_VERSIONS, pickVersion, validateWeights, validateAliasName, parseVersionId } from './alias-routing.js';
