/**
 * @module triggers/http-event
 * FC 3.0's HTTP trigger contract for built-in runtimes (reference §10.4): the request becomes an
 * event `{version, rawPath, body, isBase64Encoded, headers, queryParameters, requestContext}`, and
 * the function's result becomes the response: a response object `{statusCode, headers, body,
 * isBase64Encoded}` field by field, anything else a 200 with the result as the body.
 */
import type { IncomingMessage } from 'node:http';
import { fcTime } from '../functions/index.js';

/** FC's HTTP event (reference §10.4). */
export interface HttpTriggerEvent {
  version: 'v1';
  /** The path after the trigger prefix, still percent-encoded. */
  rawPath: string;
  body: string;
  isBase64Encoded: boolean;
  /** Repeated headers joined with `,`. */
  headers: Record<string, string>;
  /** Repeated parameters joined with `,`. */
  queryParameters: Record<string, string>;
  requestContext: {
    accountId: string;
    domainName: string;
    domainPrefix: string;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    requestId: string;
    time: string;
    /** Epoch ms, as a string. */
    timeEpoch: string;
    triggerId: string;
  };
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|[\w.+-]+\+(json|xml)))/i;
/** Headers the platform sets itself; a function's values for them are ignored. */
const HOP_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'x-fc-request-id']);

/** `x-forwarded-for` → `X-Forwarded-For`, as Go's gateway writes header names. */
export function canonicalHeaderName(name: string): string {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

function isText(body: Buffer, contentType: string | undefined): boolean {
  if (contentType && !TEXT_TYPES.test(contentType)) return false;
  return Buffer.from(body.toString('utf8'), 'utf8').equals(body);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The headers that carry a signed caller's credentials (ACS3 and FC 2.0). */
const SIGNATURE_HEADERS = new Set(['authorization', 'x-acs-security-token', 'x-fc-security-token', 'x-acs-signature-nonce']);

/** Builds the event of one request; `rawPath` is the path after `/http/<triggerId>`. */
export function buildHttpEvent(input: {
  req: IncomingMessage; rawPath: string; rawQuery: string; body: Buffer; accountId: string; triggerId: string; requestId: string; nowMs: number;
  /** authType function: openfc checked the caller's signature, and its credentials never reach the function (nor async tasks or logs). */
  dropSignatureHeaders?: boolean;
}): HttpTriggerEvent {
  const { req } = input;
  const headers: Record<string, string> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (input.dropSignatureHeaders && SIGNATURE_HEADERS.has(raw[i]!.toLowerCase())) continue;
    const name = canonicalHeaderName(raw[i]!);
    headers[name] = headers[name] === undefined ? raw[i + 1]! : `${headers[name]},${raw[i + 1]!}`;
  }
  const queryParameters: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(input.rawQuery)) queryParameters[k] = queryParameters[k] === undefined ? v : `${queryParameters[k]},${v}`;
  const contentType = typeof req.headers['content-type'] === 'string' ? req.headers['content-type'] : undefined;
  const isBase64Encoded = input.body.length > 0 && !isText(input.body, contentType);
  const remote = req.socket.remoteAddress ?? '';
  const path = input.rawPath === '' ? '/' : input.rawPath;
  return {
    version: 'v1',
    rawPath: path,
    body: isBase64Encoded ? input.body.toString('base64') : input.body.toString('utf8'),
    isBase64Encoded,
    headers,
    queryParameters,
    requestContext: {
      accountId: input.accountId,
      domainName: req.headers.host ?? '',
      domainPrefix: input.triggerId,
      http: {
        method: req.method ?? 'GET', path: safeDecode(path), protocol: `HTTP/${req.httpVersion}`,
        sourceIp: remote.startsWith('::ffff:') ? remote.slice(7) : remote, userAgent: req.headers['user-agent'] ?? '',
      },
      requestId: input.requestId,
      time: fcTime(input.nowMs),
      timeEpoch: String(input.nowMs),
      triggerId: input.triggerId,
    },
  };
}

/** The HTTP answer made of a function's result. Throws a plain Error when a response object is malformed. */
export function toHttpResponse(result: Buffer, contentType: string | undefined): { status: number; headers: Record<string, string | string[]>; body: Buffer } {
  let parsed: unknown;
  const first = result.length > 0 ? result[0] : undefined;
  if (first === 0x7b /* { */) {
    try {
      parsed = JSON.parse(result.toString('utf8'));
    } catch {
      parsed = undefined;
    }
  }
  const isResponseObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && 'statusCode' in parsed;
  if (!isResponseObject) return { status: 200, headers: { 'content-type': contentType ?? 'application/octet-stream' }, body: result };
  const r = parsed as { statusCode: unknown; headers?: unknown; body?: unknown; isBase64Encoded?: unknown };
  const status = Number(r.statusCode);
  if (!Number.isInteger(status) || status < 200 || status > 599) throw new Error(`the response object's statusCode must be an integer from 200 to 599, got ${JSON.stringify(r.statusCode)}`);
  const headers: Record<string, string | string[]> = {};
  if (r.headers !== undefined && r.headers !== null) {
    if (typeof r.headers !== 'object' || Array.isArray(r.headers)) throw new Error("the response object's headers must be an object");
    for (const [name, value] of Object.entries(r.headers as Record<string, unknown>)) {
      const lower = name.toLowerCase();
      if (HOP_HEADERS.has(lower) || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) continue;
      const values = (Array.isArray(value) ? value : [value]).filter((v) => v !== undefined && v !== null).map(String);
      if (values.some((v) => /[\r\n]/.test(v))) throw new Error(`the response header '${name}' contains a line break`);
      if (values.some((v) => /[^\t\x20-\x7e\x80-\xff]/.test(v))) throw new Error(`the response header '${name}' contains a character HTTP headers cannot carry`);
      const prev = headers[lower];
      const merged = prev === undefined ? values : [...(Array.isArray(prev) ? prev : [prev]), ...values];
      headers[lower] = merged.length === 1 ? merged[0]! : merged;
    }
  }
  let body: Buffer;
  if (r.body === undefined || r.body === null) body = Buffer.alloc(0);
  else if (typeof r.body === 'string') body = r.isBase64Encoded === true ? Buffer.from(r.body, 'base64') : Buffer.from(r.body, 'utf8');
  else {
    body = Buffer.from(JSON.stringify(r.body), 'utf8');
    headers['content-type'] ??= 'application/json';
  }
  return { status, headers, body };
}
