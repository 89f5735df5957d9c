/**
 * @module quotas/concurrency-configs
 * PutConcurrencyConfig and friends (reference §6): a function's `reservedConcurrency` is the most
 * instances it may run, set aside from the account's instance quota so other functions cannot
 * use it. 0 blocks the function's invocations. Reservations are kept in the store and cached per
 * account for admission.
 */
import { invalidArgument } from '../errors/index.js';
import type { FunctionService } from '../functions/index.js';
import { pageByFunctionName, type NamePageQuery } from '../functions/paging.js';
import type { MetadataStore } from '../store/types.js';
import type { ReservationLookup } from './admission.js';

export interface ConcurrencyConfigView {
  functionArn: string;
  reservedConcurrency?: number;
}

export interface ConcurrencyConfigService {
  put(accountId: string, functionName: string, input: Record<string, unknown>): ConcurrencyConfigView;
  get(accountId: string, functionName: string): ConcurrencyConfigView;
  delete(accountId: string, functionName: string): void;
  list(accountId: string, query: NamePageQuery): { configs: ConcurrencyConfigView[]; nextToken?: string };
  readonly reservations: ReservationLookup;
}

export function createConcurrencyConfigService(deps: { store: MetadataStore; functions: FunctionService; maxInstancesPerAccount: number }): ConcurrencyConfigService {
  const { store, functions } = deps;
  const cache = new Map<string, Map<string, number>>();
  functions.onChange((c) => {
    if (c.revision === undefined) cache.delete(c.accountId);
  });
  const reservations: ReservationLookup = (accountId) => {
    let m = cache.get(accountId);
    if (!m) cache.set(accountId, (m = new Map(store.listConcurrencyConfigs(accountId).map((c) => [c.functionName, c.reservedConcurrency]))));
    return m;
  };
  const view = (accountId: string, functionName: string, reserved: number | undefined): ConcurrencyConfigView => ({
    functionArn: functions.get(accountId, functionName).functionArn,
    ...(reserved !== undefined && { reservedConcurrency: reserved }),
  });

  return {
    reservations,
    put(accountId, functionName, input) {
      functions.get(accountId, functionName);
      const n = input.reservedConcurrency;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw invalidArgument('reservedConcurrency must be an integer of 0 or more (0 blocks the function)');
      let others = 0;
      for (const [name, r] of reservations(accountId)) if (name !== functionName) others += r;
      if (others + n > deps.maxInstancesPerAccount) {
        throw invalidArgument(`reservedConcurrency ${n} plus the ${others} reserved by other functions exceeds the account's limit of ${deps.maxInstancesPerAccount} instances`);
      }
      store.putConcurrencyConfig(accountId, functionName, n);
      cache.delete(accountId);
      return view(accountId, functionName, n);
    },
    get(accountId, functionName) {
      return view(accountId, functionName, store.getConcurrencyConfig(accountId, functionName));
    },
    delete(accountId, functionName) {
      functions.get(accountId, functionName);
      store.deleteConcurrencyConfig(accountId, functionName);
      cache.delete(accountId);
    },
    list(accountId, query) {
      const page = pageByFunctionName(store.listConcurrencyConfigs(accountId), query);
      return { configs: page.items.map((c) => view(accountId, c.functionName, c.reservedConcurrency)), ...(page.nextToken && { nextToken: page.nextToken }) };
    },
  };
}
