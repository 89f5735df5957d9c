/**
 * @module api/http-trigger-hook
 * The access service's one seam for HTTP trigger URLs (`/http/<triggerId>/...`). They are not
 * signed API calls: the access service applies its source rate limit and URL/header limits, then
 * hands the request to the hook, which reads the body through {@link HttpTriggerRequest.readBody}
 * (size-limited while streaming) or, for `authType: function`, through
 * {@link HttpTriggerRequest.readSignedBody} (key and date checked before the body is read, the
 * ACS3 signature after). The hook answers with raw status, headers (repeated ones as arrays) and body.
 */
import type { IncomingMessage } from 'node:http';
import type { Principal } from '../iam/index.js';

export interface HttpTriggerRequest {
  readonly req: IncomingMessage;
  readonly requestId: string;
  /** The path as sent, still percent-encoded, without the query. */
  readonly rawPath: string;
  /** The query string without `?`; '' when none. */
  readonly rawQuery: string;
  /** Epoch ms when the request arrived (from the injected clock). */
  readonly nowMs: number;
  /** Arrived on the HTTPS listener (the public, "internet" URL) rather than the loopback HTTP one. */
  readonly isInternet: boolean;
  /** The body, refused with EntityTooLarge past `limitBytes`. */
  readBody(limitBytes: number): Promise<Buffer>;
  /** Authenticates an ACS3-signed request (throws its FC error otherwise) and reads its body. */
  readSignedBody(limitBytes: number): Promise<{ principal: Principal; body: Buffer }>;
  /** Calls `fn` if the client goes away before the answer is complete. */
  onClientGone(fn: () => void): void;
}

export interface HttpTriggerReply {
  readonly status: number;
  /** Repeated headers (such as `set-cookie`) as arrays. */
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

export interface HttpTriggerHook {
  /** Requests whose path starts with this go to the hook, e.g. `/http/`. */
  readonly pathPrefix: string;
  handle(request: HttpTriggerRequest): Promise<HttpTriggerReply>;
}
