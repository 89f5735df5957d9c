/**
 * @module functions/paging
 * FC's paging of lists keyed by function name: `limit` (1–100, default 20) and `nextToken` (the
 * last name of the previous page), with an optional name prefix.
 */
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '../config/index.js';
import { invalidArgument } from '../errors/index.js';

export interface NamePageQuery {
  /** Only names that start with this. */
  readonly functionName?: string;
  readonly limit?: string;
  readonly nextToken?: string;
}

/** The page size a request asked for, checked. */
export function pageLimit(raw: string | number | undefined): number {
  const limit = raw === undefined || raw === '' ? DEFAULT_PAGE_LIMIT : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) throw invalidArgument(`limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`);
  return limit;
}

/** One page of `rows` (in name order), and the token of the next page when there is one. */
export function pageByFunctionName<T extends { functionName: string }>(rows: readonly T[], query: NamePageQuery): { items: T[]; nextToken?: string } {
  const limit = pageLimit(query.limit);
  const all = rows.filter((r) => (!query.functionName || r.functionName.startsWith(query.functionName)) && (!query.nextToken || r.functionName > query.nextToken));
  const items = all.slice(0, limit);
  return { items, ...(all.length > limit && { nextToken: items.at(-1)!.functionName }) };
}
