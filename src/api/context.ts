/**
 * @module api/context
 * What a route handler gets, and what it answers with.
 */
import type { IncomingMessage } from 'node:http';
import type { NamePageQuery } from '../functions/paging.js';
import type { Principal } from '../iam/index.js';

export interface RequestContext {
  readonly req: IncomingMessage;
  readonly requestId: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: Buffer;
  /** Set for every non-public route. */
  readonly principal: Principal;
  /** `scheme://host` the client used, for URLs handed back to it. */
  readonly endpoint: string;
  /** The body parsed as a JSON object; InvalidArgument otherwise. */
  json(): Record<string, unknown>;
  /** Calls `fn` if the client goes away before the answer is complete. */
  onClientGone(fn: () => void): void;
}

export interface Reply {
  readonly status: number;
  /** Serialized as JSON when set. */
  readonly json?: unknown;
  /** Raw bytes, when `json` is not set. */
  readonly body?: Buffer | NodeJS.ReadableStream;
  readonly headers?: Record<string, string>;
}

export type RouteHandler = (ctx: RequestContext) => Promise<Reply> | Reply;

/** The query of FC's paged List* operations: a name prefix, a page size and where to continue. */
export function listQuery(ctx: RequestContext, prefixParam: string): NamePageQuery {
  return { functionName: ctx.query.get(prefixParam) ?? undefined, limit: ctx.query.get('limit') ?? undefined, nextToken: ctx.query.get('nextToken') ?? undefined };
}
