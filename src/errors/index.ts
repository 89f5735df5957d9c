/** @module errors — the error registry and the PlatformError class. */
export { ERROR_CODES, type ErrorCode, type ErrorCodeInfo } from './registry.js';
export { PlatformError, coerceError, isPlatformError, invalidArgument } from './platform-error.js';
