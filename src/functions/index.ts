/** @module functions — function configuration, code packages and the runtime catalogue. */
export * from './types.js';
export { createFunctionService, fcTime, type FunctionService, type FunctionChange } from './function-service.js';
export { createCodeUrlSigner, CODE_DOWNLOAD_PATH, type CodeUrlSigner } from './code-url.js';
export { buildFunctionConfig, validateFunctionName, defaultCpu } from './validation.js';
export { RUNTIMES, supportedRuntimeIds } from './runtimes.js';
export { createCodeCache } from './code-cache.js';
export { crc64ecma } from './crc64.js';
export { createZip, extractCodePackage, decodeZipFileBase64 } from './code-package.js';
