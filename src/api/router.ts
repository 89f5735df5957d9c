/**
 * @module api/router
 * Matches a method and a raw request path against the route table. The path is split on `/`
 * before each segment is percent-decoded, as FC requires (layer ARNs carry encoded slashes).
 */
import { PlatformError, invalidArgument } from '../errors/index.js';

export interface Route<H> {
  readonly method: string;
  /** Like `/2023-03-30/functions/:functionName/invocations`. */
  readonly pattern: string;
  /** The FC action name (x-acs-action), for logs and, later, authorization. */
  readonly action: string;
  /** Largest body this route reads. */
  readonly bodyLimitBytes: number;
  /** Routes that authenticate their own way (signed download URLs). */
  readonly isPublic?: boolean;
  readonly handler: H;
}

interface CompiledRoute<H> {
  readonly route: Route<H>;
  readonly segments: readonly string[];
}

export interface RouteMatch<H> {
  readonly route: Route<H>;
  readonly params: Readonly<Record<string, string>>;
}

/** Recent successful matches, so a hot path (one function invoked again and again) skips the scan. */
const MATCH_CACHE_SIZE = 4096;

export class Router<H> {
  #routes: CompiledRoute<H>[] = [];
  readonly #recent = new Map<string, RouteMatch<H>>();

  /** Every route, in the order added (for docs and tests that cover each operation). */
  get routes(): readonly Route<H>[] {
    return this.#routes.map((r) => r.route);
  }

  add(route: Route<H>): this {
    this.#recent.clear();
    this.#routes.push({ route, segments: route.pattern.split('/').slice(1) });
    return this;
  }

  /** Throws PathNotSupported when nothing matches. */
  match(method: string, rawPath: string): RouteMatch<H> {
    const cacheKey = method + ' ' + rawPath;
    const hit = this.#recent.get(cacheKey);
    if (hit) return hit;
    const found = this.#scan(method, rawPath);
    if (this.#recent.size >= MATCH_CACHE_SIZE) this.#recent.clear();
    this.#recent.set(cacheKey, found);
    return found;
  }

  #scan(method: string, rawPath: string): RouteMatch<H> {
    const parts = rawPath.split('/').slice(1);
    let pathMatched = false;
    for (const { route, segments } of this.#routes) {
      if (segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segments.length && ok; i++) {
        const seg = segments[i]!;
        if (seg.startsWith(':')) {
          if (!parts[i]) ok = false;
          else params[seg.slice(1)] = decodeSegment(parts[i]!);
        } else ok = seg === parts[i];
      }
      if (!ok) continue;
      pathMatched = true;
      if (route.method === method) return { route, params: Object.freeze(params) };
    }
    throw new PlatformError('PathNotSupported', `'${method}' against '${rawPath}' is not supported${pathMatched ? ' (wrong method)' : ''}`);
  }
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch (e: unknown) {
    throw invalidArgument(`path segment '${s}' is not valid percent-encoding`);
  }
}
