/**
 * @module api/errors
 * The only place that turns an error into an HTTP answer: `{Code, Message, RequestId}` with the
 * status from the error registry. Unknown errors are logged and answered as a generic 500 that
 * reveals nothing of their message or stack.
 */
import { ERROR_CODES, PlatformError, coerceError } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';

export interface ErrorReply {
  readonly status: number;
  readonly body: { Code: string; Message: string; RequestId: string };
  readonly headers: Record<string, string>;
}

export function renderError(e: unknown, requestId: string, logger: Logger): ErrorReply {
  if (e instanceof PlatformError) {
    const headers: Record<string, string> = {};
    if (e.code === 'ResourceThrottled') headers['x-acs-retry-after'] = '1';
    if (e.code === 'TooManyRequests') headers['retry-after'] = String(e.fields.retryAfterSeconds ?? 1);
    if (ERROR_CODES[e.code].status >= 500) logger.warn('request failed', { requestId, code: e.code, err: e });
    return { status: e.status, body: { Code: e.code, Message: e.message, RequestId: requestId }, headers };
  }
  logger.error('unexpected error', { requestId, err: coerceError(e) });
  return {
    status: 500,
    body: { Code: 'InternalServerError', Message: 'an internal error has occurred. Please retry.', RequestId: requestId },
    headers: {},
  };
}
