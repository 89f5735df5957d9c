/**
 * @module triggers/cors
 * An HTTP trigger's `corsConfig` (reference appendix B, CORSConfig), applied by openfc in front of
 * the function: a preflight (`OPTIONS` with `Access-Control-Request-Method`) from an allowed origin
 * is answered 204 without invoking the function, and answers to allowed origins carry
 * `Access-Control-Allow-Origin` (plus credentials and exposed headers as configured). A request
 * from an origin not in `allowOrigins` gets no CORS headers, so the browser blocks it.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { invalidArgument } from '../errors/index.js';

export interface CorsConfig {
  readonly allowOrigins: readonly string[];
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly allowCredentials: boolean;
  /** Seconds a preflight answer may be cached; undefined sends no Access-Control-Max-Age. */
  readonly maxAge?: number;
}

const STRING_LISTS = ['allowOrigins', 'allowMethods', 'allowHeaders', 'exposeHeaders'] as const;

/** Checks a corsConfig object; InvalidArgument names the bad field. */
export function checkCorsConfig(v: unknown): CorsConfig {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidArgument('triggerConfig.corsConfig must be an object');
  const c = v as Record<string, unknown>;
  const known = [...STRING_LISTS, 'allowCredentials', 'maxAge'];
  for (const k of Object.keys(c)) if (!known.includes(k)) throw invalidArgument(`triggerConfig.corsConfig has unknown field '${k}' (known: ${known.join(', ')})`);
  const lists: Record<string, string[]> = {};
  for (const k of STRING_LISTS) {
    const list = c[k] ?? [];
    if (!Array.isArray(list) || list.some((x) => typeof x !== 'string' || x === '' || /[\r\n,]/.test(x))) throw invalidArgument(`triggerConfig.corsConfig.${k} must be an array of non-empty strings`);
    lists[k] = list as string[];
  }
  if (c.allowCredentials !== undefined && typeof c.allowCredentials !== 'boolean') throw invalidArgument('triggerConfig.corsConfig.allowCredentials must be true or false');
  if (c.maxAge !== undefined && (!Number.isInteger(c.maxAge) || (c.maxAge as number) < 0)) throw invalidArgument('triggerConfig.corsConfig.maxAge must be a whole number of seconds, 0 or more');
  return {
    allowOrigins: lists.allowOrigins!, allowMethods: lists.allowMethods!.map((m) => m.toUpperCase()), allowHeaders: lists.allowHeaders!, exposeHeaders: lists.exposeHeaders!,
    allowCredentials: c.allowCredentials === true, ...(c.maxAge !== undefined && { maxAge: c.maxAge as number }),
  };
}

function allowedOrigin(cors: CorsConfig, headers: IncomingHttpHeaders): string | undefined {
  const origin = headers.origin;
  if (typeof origin !== 'string' || origin === '') return undefined;
  if (cors.allowOrigins.includes(origin)) return origin;
  // A wildcard cannot be combined with credentials: the browser needs the origin itself then.
  if (cors.allowOrigins.includes('*')) return cors.allowCredentials ? origin : '*';
  return undefined;
}

/** The CORS headers of an ordinary answer to this request (empty for a disallowed or absent origin). */
export function corsHeaders(cors: CorsConfig, headers: IncomingHttpHeaders): Record<string, string> {
  const origin = allowedOrigin(cors, headers);
  if (!origin) return {};
  return {
    'access-control-allow-origin': origin,
    ...(origin !== '*' && { vary: 'Origin' }),
    ...(cors.allowCredentials && { 'access-control-allow-credentials': 'true' }),
    ...(cors.exposeHeaders.length > 0 && { 'access-control-expose-headers': cors.exposeHeaders.join(', ') }),
  };
}

/** The answer to a preflight request, or undefined when the request is not one this config answers. */
export function preflight(cors: CorsConfig, method: string, headers: IncomingHttpHeaders, triggerMethods: readonly string[]): Record<string, string> | undefined {
  const wanted = headers['access-control-request-method'];
  if (method !== 'OPTIONS' || typeof wanted !== 'string') return undefined;
  const origin = allowedOrigin(cors, headers);
  if (!origin) return undefined;
  const methods = cors.allowMethods.length > 0 ? cors.allowMethods : triggerMethods;
  const requested = headers['access-control-request-headers'];
  const allowHeaders = cors.allowHeaders.length > 0 ? cors.allowHeaders.join(', ') : typeof requested === 'string' ? requested : '';
  return {
    ...corsHeaders(cors, headers),
    'access-control-allow-methods': methods.join(', '),
    ...(allowHeaders !== '' && { 'access-control-allow-headers': allowHeaders }),
    ...(cors.maxAge !== undefined && { 'access-control-max-age': String(cors.maxAge) }),
  };
}
