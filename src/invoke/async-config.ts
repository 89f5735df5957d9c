/**
 * @module invoke/async-config
 * PutAsyncInvokeConfig, GetAsyncInvokeConfig, DeleteAsyncInvokeConfig and ListAsyncInvokeConfigs
 * (reference §6.7, §8): per function and qualifier, how async invocations are retried, how old an
 * event may get, whether they are async tasks, and where their records go. `effective()` is what
 * the async queue reads: the stored config or the defaults, cached per function.
 *
 * openfc extensions, accepted in the same body (the official SDK drops unknown fields, so only
 * raw requests and the openfc CLI send them): `maxAsyncConcurrency` (at most this many async
 * attempts of the function at once) and `dedicatedQueue` (the function's events get their own
 * queue instead of sharing the account's).
 */
import { PlatformError, invalidArgument } from '../errors/index.js';
import { fcTime, type FunctionService } from '../functions/index.js';
import { pageLimit, type NamePageQuery } from '../functions/paging.js';
import type { AsyncInvokeConfigRecord, MetadataStore } from '../store/types.js';
import type { Clock } from '../time/clock.js';
import { parseDestination, type Destination } from './destination-arn.js';
import type { QualifierResolver } from '../functions/index.js';

/** @default 3 */
export const DEFAULT_ASYNC_RETRY_ATTEMPTS = 3;
export const MAX_ASYNC_RETRY_ATTEMPTS = 8;
/** @default 86400 (one day) */
export const DEFAULT_ASYNC_EVENT_AGE_S = 86_400;
/** Seven days. */
export const MAX_ASYNC_EVENT_AGE_S = 604_800;
/** The most `maxAsyncConcurrency` may be (openfc extension). */
export const MAX_ASYNC_CONCURRENCY = 1000;

/** The qualifier of a function's current configuration. */
const LATEST = 'LATEST';

/** The AsyncConfig model (reference Appendix B) plus openfc's extensions when set. */
export interface AsyncConfigView {
  asyncTask: boolean;
  destinationConfig?: { onSuccess?: { destination: string }; onFailure?: { destination: string } };
  maxAsyncEventAgeInSeconds: number;
  maxAsyncRetryAttempts: number;
  functionArn: string;
  createdTime: string;
  lastModifiedTime: string;
  /** openfc extension: at most this many async attempts of the function run at once. */
  maxAsyncConcurrency?: number;
  /** openfc extension: the function's events get their own queue. */
  dedicatedQueue?: boolean;
}

/** How the async queue treats the events of one (function, qualifier). */
export interface EffectiveAsyncConfig {
  /** `asyncTask`: events are tracked as async tasks. */
  readonly isTask: boolean;
  /** `maxAsyncRetryAttempts`: retries after a failed attempt, 0..8. @default 3 */
  readonly maxRetryAttempts: number;
  /** `maxAsyncEventAgeInSeconds` × 1000: events older than this are dropped. @default 86_400_000 */
  readonly maxEventAgeMs: number;
  readonly onSuccess?: Destination;
  readonly onFailure?: Destination;
  /** openfc extension: at most this many async attempts at once; unset means no own limit. */
  readonly maxConcurrency?: number;
  /** openfc extension: the function's events have their own queue. @default false */
  readonly isDedicatedQueue: boolean;
}

export interface AsyncConfigService {
  put(accountId: string, functionName: string, qualifier: string | null, input: Record<string, unknown>): AsyncConfigView;
  /** Throws `AsyncConfigNotFound` when there is none. */
  get(accountId: string, functionName: string, qualifier: string | null): AsyncConfigView;
  /** Throws `AsyncConfigNotFound` when there is none. */
  delete(accountId: string, functionName: string, qualifier: string | null): void;
  list(accountId: string, query: NamePageQuery): { configs: AsyncConfigView[]; nextToken?: string };
  /**
   * What the async queue uses for a (function, qualifier): the stored config or the defaults (also
   * for a function that does not exist). Cached per function, invalidated on put, delete and the
   * function's deletion. Never throws: whether the qualifier exists is checked where the event is
   * accepted (InvokeFunction) and where it runs (the dispatcher resolves it again).
   */
  effective(accountId: string, functionName: string, qualifier: string | null): EffectiveAsyncConfig;
  /** Drops the config of a qualifier that no longer exists (a deleted version or alias), so a new one of that name starts from the defaults. */
  forgetQualifier(accountId: string, functionName: string, qualifier: string): void;
}

/** The validated PutAsyncInvokeConfig input, as stored (defaults applied). */
interface StoredAsyncConfig {
  asyncTask: boolean;
  maxAsyncRetryAttempts: number;
  maxAsyncEventAgeInSeconds: number;
  /** Parsed when put (`arn` is the destination as given), so a later change of region or rules cannot break delivery. */
  onSuccess?: Destination;
  onFailure?: Destination;
  maxAsyncConcurrency?: number;
  dedicatedQueue?: boolean;
}

const INPUT_FIELDS = ['asyncTask', 'destinationConfig', 'maxAsyncEventAgeInSeconds', 'maxAsyncRetryAttempts', 'maxAsyncConcurrency', 'dedicatedQueue'];
const DESTINATION_KINDS = ['onSuccess', 'onFailure'] as const;

const DEFAULTS: EffectiveAsyncConfig = Object.freeze({
  isTask: false, maxRetryAttempts: DEFAULT_ASYNC_RETRY_ATTEMPTS, maxEventAgeMs: DEFAULT_ASYNC_EVENT_AGE_S * 1000, isDedicatedQueue: false,
});

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isAbsent = (v: unknown) => v === undefined || v === null;

function int(field: string, v: unknown, min: number, max: number, fallback: number): number;
function int(field: string, v: unknown, min: number, max: number): number | undefined;
function int(field: string, v: unknown, min: number, max: number, fallback?: number): number | undefined {
  if (isAbsent(v)) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw invalidArgument(`${field} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return v;
}

function bool(field: string, v: unknown): boolean | undefined {
  if (isAbsent(v)) return undefined;
  if (typeof v !== 'boolean') throw invalidArgument(`${field} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

function checkKnownFields(field: string, v: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(v).filter((k) => !known.includes(k));
  if (unknown.length) throw invalidArgument(`${field} has unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; known: ${known.join(', ')}`);
}

/** Validates a PutAsyncInvokeConfig body (a full replacement of the config). */
function validate(input: Record<string, unknown>, accountId: string, region: string): StoredAsyncConfig {
  checkKnownFields('PutAsyncInvokeConfig body', input, INPUT_FIELDS);
  const cfg: StoredAsyncConfig = {
    asyncTask: bool('asyncTask', input.asyncTask) ?? false,
    maxAsyncRetryAttempts: int('maxAsyncRetryAttempts', input.maxAsyncRetryAttempts, 0, MAX_ASYNC_RETRY_ATTEMPTS, DEFAULT_ASYNC_RETRY_ATTEMPTS),
    maxAsyncEventAgeInSeconds: int('maxAsyncEventAgeInSeconds', input.maxAsyncEventAgeInSeconds, 1, MAX_ASYNC_EVENT_AGE_S, DEFAULT_ASYNC_EVENT_AGE_S),
  };
  const maxAsyncConcurrency = int('maxAsyncConcurrency', input.maxAsyncConcurrency, 1, MAX_ASYNC_CONCURRENCY);
  if (maxAsyncConcurrency !== undefined) cfg.maxAsyncConcurrency = maxAsyncConcurrency;
  const dedicatedQueue = bool('dedicatedQueue', input.dedicatedQueue);
  if (dedicatedQueue !== undefined) cfg.dedicatedQueue = dedicatedQueue;

  const dc = input.destinationConfig;
  if (isAbsent(dc)) return cfg;
  if (!isObject(dc)) throw invalidArgument('destinationConfig must be an object with onSuccess and/or onFailure');
  checkKnownFields('destinationConfig', dc, DESTINATION_KINDS);
  for (const kind of DESTINATION_KINDS) {
    const d = dc[kind];
    if (isAbsent(d)) continue;
    const field = `destinationConfig.${kind}`;
    if (!isObject(d)) throw invalidArgument(`${field} must be an object {destination: "<ARN or URL>"}`);
    checkKnownFields(field, d, ['destination']);
    // An empty destination means none (what a tool sends to clear it).
    if (isAbsent(d.destination) || d.destination === '') continue;
    if (typeof d.destination !== 'string') throw invalidArgument(`${field}.destination must be a string, got ${JSON.stringify(d.destination)}`);
    cfg[kind] = parseDestination(d.destination, accountId, region, `${field}.destination`);
  }
  return cfg;
}

/** Reads a stored config; a field missing from it takes its default. */
function fromRecord(r: AsyncInvokeConfigRecord): StoredAsyncConfig {
  const c = r.config as Partial<StoredAsyncConfig>;
  return {
    asyncTask: c.asyncTask === true,
    maxAsyncRetryAttempts: typeof c.maxAsyncRetryAttempts === 'number' ? c.maxAsyncRetryAttempts : DEFAULT_ASYNC_RETRY_ATTEMPTS,
    maxAsyncEventAgeInSeconds: typeof c.maxAsyncEventAgeInSeconds === 'number' ? c.maxAsyncEventAgeInSeconds : DEFAULT_ASYNC_EVENT_AGE_S,
    ...(isObject(c.onSuccess) && { onSuccess: c.onSuccess }),
    ...(isObject(c.onFailure) && { onFailure: c.onFailure }),
    ...(typeof c.maxAsyncConcurrency === 'number' && { maxAsyncConcurrency: c.maxAsyncConcurrency }),
    ...(typeof c.dedicatedQueue === 'boolean' && { dedicatedQueue: c.dedicatedQueue }),
  };
}

/** One page of configs in (function name, qualifier) order; the token is `<functionName>/<qualifier>` of the last one. */
function pageConfigs(rows: readonly AsyncInvokeConfigRecord[], query: NamePageQuery): { items: AsyncInvokeConfigRecord[]; nextToken?: string } {
  const limit = pageLimit(query.limit);
  const [afterName = '', afterQualifier] = (query.nextToken ?? '').split('/');
  const isAfter = (r: AsyncInvokeConfigRecord) =>
    !afterName || r.functionName > afterName || (r.functionName === afterName && afterQualifier !== undefined && r.qualifier > afterQualifier);
  const all = rows.filter((r) => (!query.functionName || r.functionName.startsWith(query.functionName)) && isAfter(r));
  const items = all.slice(0, limit);
  const last = items.at(-1);
  return { items, ...(all.length > limit && last && { nextToken: `${last.functionName}/${last.qualifier}` }) };
}

export function createAsyncConfigService(deps: {
  store: MetadataStore; functions: FunctionService; clock: Clock; region: string;
  /** Checks that the function's qualifier (version or alias) exists, for put, get and delete. */
  qualifiers: Pick<QualifierResolver, 'check'>;
}): AsyncConfigService {
  const { store, functions, clock, region, qualifiers } = deps;
  /** Per account and function: the effective config of each qualifier asked for. */
  const cache = new Map<string, Map<string, EffectiveAsyncConfig>>();
  const cacheKey = (accountId: string, functionName: string) => `${accountId}\u0000${functionName}`;
  functions.onChange((c) => {
    if (c.revision === undefined) cache.delete(cacheKey(c.accountId, c.functionName));
  });

  /** null, '' and LATEST all mean LATEST; a version or alias must exist (VersionNotFound, AliasNotFound). */
  const qualifierOf = (accountId: string, functionName: string, qualifier: string | null): string => qualifiers.check(accountId, functionName, qualifier);

  const notFound = (functionName: string, qualifier: string) =>
    new PlatformError('AsyncConfigNotFound', `function '${functionName}' has no async invoke config for qualifier '${qualifier}'`);

  function view(r: AsyncInvokeConfigRecord): AsyncConfigView {
    const c = fromRecord(r);
    const destinations = {
      ...(c.onSuccess && { onSuccess: { destination: c.onSuccess.arn } }),
      ...(c.onFailure && { onFailure: { destination: c.onFailure.arn } }),
    };
    return {
      asyncTask: c.asyncTask,
      ...(Object.keys(destinations).length > 0 && { destinationConfig: destinations }),
      maxAsyncEventAgeInSeconds: c.maxAsyncEventAgeInSeconds,
      maxAsyncRetryAttempts: c.maxAsyncRetryAttempts,
      functionArn: functions.get(r.accountId, r.functionName).functionArn,
      createdTime: r.createdTime,
      lastModifiedTime: r.lastModifiedTime,
      ...(c.maxAsyncConcurrency !== undefined && { maxAsyncConcurrency: c.maxAsyncConcurrency }),
      ...(c.dedicatedQueue !== undefined && { dedicatedQueue: c.dedicatedQueue }),
    };
  }

  function toEffective(r: AsyncInvokeConfigRecord): EffectiveAsyncConfig {
    const c = fromRecord(r);
    return Object.freeze({
      isTask: c.asyncTask,
      maxRetryAttempts: c.maxAsyncRetryAttempts,
      maxEventAgeMs: c.maxAsyncEventAgeInSeconds * 1000,
      ...(c.onSuccess && { onSuccess: c.onSuccess }),
      ...(c.onFailure && { onFailure: c.onFailure }),
      ...(c.maxAsyncConcurrency !== undefined && { maxConcurrency: c.maxAsyncConcurrency }),
      isDedicatedQueue: c.dedicatedQueue === true,
    });
  }

  return {
    put(accountId, functionName, qualifier, input) {
      functions.get(accountId, functionName);
      const q = qualifierOf(accountId, functionName, qualifier);
      const config = validate(input, accountId, region);
      const now = fcTime(clock.now());
      const record: AsyncInvokeConfigRecord = {
        accountId, functionName, qualifier: q, config: { ...config },
        createdTime: store.getAsyncInvokeConfig(accountId, functionName, q)?.createdTime ?? now, lastModifiedTime: now,
      };
      store.putAsyncInvokeConfig(record);
      cache.delete(cacheKey(accountId, functionName));
      return view(record);
    },
    get(accountId, functionName, qualifier) {
      functions.get(accountId, functionName);
      const q = qualifierOf(accountId, functionName, qualifier);
      const r = store.getAsyncInvokeConfig(accountId, functionName, q);
      if (!r) throw notFound(functionName, q);
      return view(r);
    },
    delete(accountId, functionName, qualifier) {
      functions.get(accountId, functionName);
      const q = qualifierOf(accountId, functionName, qualifier);
      const isDeleted = store.deleteAsyncInvokeConfig(accountId, functionName, q);
      cache.delete(cacheKey(accountId, functionName));
      if (!isDeleted) throw notFound(functionName, q);
    },
    forgetQualifier(accountId, functionName, qualifier) {
      store.deleteAsyncInvokeConfig(accountId, functionName, qualifier);
      cache.delete(cacheKey(accountId, functionName));
    },
    list(accountId, query) {
      const page = pageConfigs(store.listAsyncInvokeConfigs(accountId), query);
      return { configs: page.items.map(view), ...(page.nextToken && { nextToken: page.nextToken }) };
    },
    effective(accountId, functionName, qualifier) {
      const q = qualifier === null || qualifier === '' ? LATEST : qualifier;
      const key = cacheKey(accountId, functionName);
      let byQualifier = cache.get(key);
      if (!byQualifier) cache.set(key, (byQualifier = new Map()));
      let e = byQualifier.get(q);
      if (!e) {
        const r = store.getAsyncInvokeConfig(accountId, functionName, q);
        byQualifier.set(q, (e = r ? toEffective(r) : DEFAULTS));
      }
      return e;
    },
  };
}
