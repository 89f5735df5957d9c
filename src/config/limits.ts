/**
 * @module config/limits
 * FC 3.0's documented limits (reference §12), as constants with units. Configurable limits take
 * their defaults from here.
 */
export const MAX_SYNC_PAYLOAD_BYTES = 32 * 1024 * 1024;
export const MAX_ASYNC_PAYLOAD_BYTES = 128 * 1024;
/** `code.zipFile` is base64; FC limits the encoded package sent through the API to 100 MB. */
export const MAX_CODE_ZIP_BASE64_BYTES = 100 * 1024 * 1024;
export const MAX_CODE_UNPACKED_BYTES = 500 * 1024 * 1024;
export const MAX_CODE_ENTRIES = 65_535;
export const MAX_ENV_TOTAL_BYTES = 4 * 1024;
export const MAX_CONTROL_BODY_BYTES = 1024 * 1024;
export const LOG_TAIL_BYTES = 4 * 1024;
export const MIN_TIMEOUT_S = 1;
export const MAX_TIMEOUT_S = 86_400;
export const DEFAULT_TIMEOUT_S = 3;
export const MIN_MEMORY_MB = 128;
export const MAX_MEMORY_MB = 32 * 1024;
export const MEMORY_STEP_MB = 64;
export const DEFAULT_MEMORY_MB = 128;
export const DISK_SIZES_MB = [512, 10_240] as const;
export const MIN_INSTANCE_CONCURRENCY = 1;
export const MAX_INSTANCE_CONCURRENCY = 200;
export const MAX_INITIALIZER_TIMEOUT_S = 300;
export const MAX_PRESTOP_TIMEOUT_S = 90;
export const SIGNATURE_MAX_SKEW_MS = 15 * 60 * 1000;
export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;
