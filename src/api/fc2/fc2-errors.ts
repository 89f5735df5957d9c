/**
 * @module api/fc2/fc2-errors
 * FC 2.0's error answer (reference §4.4): `{ErrorCode, ErrorMessage}` as `application/json`, with
 * the request id in `x-fc-request-id` (which is where `@alicloud/fc2` reads it). Code and status
 * come from the same registry and mapping as FC 3.0's answers (api/errors).
 */
import type { Logger } from '../../observability/logger.js';
import { renderError } from '../errors.js';

/** Every FC 2.0 path starts with this. */
export const FC2_PATH_PREFIX = '/2016-08-15/';

export interface Fc2ErrorReply {
  readonly status: number;
  readonly body: { ErrorCode: string; ErrorMessage: string; RequestId: string };
  readonly headers: Record<string, string>;
}

/** True for a request URL of the FC 2.0 API. */
export function isFc2Path(url: string | undefined): boolean {
  return url !== undefined && (url.startsWith(FC2_PATH_PREFIX) || url === '/2016-08-15' || url.startsWith('/2016-08-15?'));
}

export function renderFc2Error(e: unknown, requestId: string, logger: Logger): Fc2ErrorReply {
  const reply = renderError(e, requestId, logger);
  return { status: reply.status, body: { ErrorCode: reply.body.Code, ErrorMessage: reply.body.Message, RequestId: requestId }, headers: reply.headers };
}
