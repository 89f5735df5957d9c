/**
 * @module errors/platform-error
 * The one error class domain code throws. It carries an FC error code from the registry, the
 * message the caller sees, structured fields for logs, and the cause.
 */
import { ERROR_CODES, type ErrorCode } from './registry.js';

export class PlatformError extends Error {
  override readonly name = 'PlatformError';
  readonly code: ErrorCode;
  readonly fields: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; fields?: Record<string, unknown> } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.fields = options.fields ?? {};
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  get isRetryable(): boolean {
    return ERROR_CODES[this.code].isRetryable;
  }
}

/** Turns anything thrown into an Error, keeping the original as cause. */
export function coerceError(e: unknown): Error {
  if (e instanceof Error) return e;
  return new Error(typeof e === 'string' ? e : 'non-error thrown', { cause: e });
}

export function isPlatformError(e: unknown, code?: ErrorCode): e is PlatformError {
  return e instanceof PlatformError && (code === undefined || e.code === code);
}

/** Shorthands for the common validation error. */
export function invalidArgument(message: string, fields?: Record<string, unknown>): PlatformError {
  return new PlatformError('InvalidArgument', message, { fields });
}
