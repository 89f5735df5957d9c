/**
 * @module fc2/fc2-service
 * The FC 2.0 control plane: services (CreateService … DeleteService) on the MetadataStore, and
 * functions in services on top of the FC 3.0 FunctionService, where function `f` of service `s`
 * is the function `s$f`. A service's shared settings (role, log, VPC, internet access) are copied
 * into each of its functions, on create and whenever the service changes.
 */
import { randomUUID } from 'node:crypto';
import { PlatformError, isPlatformError } from '../errors/index.js';
import { fcTime, pageLimit, validateFunctionName, type DeployOptions, type FunctionConfig, type FunctionService } from '../functions/index.js';
import type { Fc2ServiceRecord, MetadataStore } from '../store/types.js';
import type { Clock } from '../time/clock.js';
import { serviceSettings, toFc2FunctionView, toFc3Input } from './function-mapping.js';
import { buildServiceConfig, serviceVpcId, toServiceView, validateServiceName, type Fc2ServiceConfig } from './service-config.js';
import { SERVICE_FUNCTION_SEPARATOR, type Fc2FunctionView, type Fc2Page, type Fc2ServiceView } from './types.js';

/** The query of ListServices and ListFunctions: a name prefix, a page size, and where to start or continue. */
export interface Fc2ListQuery {
  prefix?: string;
  limit?: string | number;
  /** The last name of the previous page (exclusive). */
  nextToken?: string;
  /** The first name of this page (inclusive). */
  startKey?: string;
}

export interface Fc2Service {
  createService(accountId: string, input: Record<string, unknown>): Fc2ServiceView;
  getService(accountId: string, serviceName: string): Fc2ServiceView;
  listServices(accountId: string, query: Fc2ListQuery): Fc2Page<Fc2ServiceView>;
  /** Also re-deploys the service's functions when a shared setting (role, log, VPC, internet access) changed. */
  updateService(accountId: string, serviceName: string, input: Record<string, unknown>): Promise<Fc2ServiceView>;
  /** ServiceNotEmpty while the service has functions. */
  deleteService(accountId: string, serviceName: string): void;
  createFunction(accountId: string, serviceName: string, input: Record<string, unknown>, options?: DeployOptions): Promise<Fc2FunctionView>;
  getFunction(accountId: string, serviceName: string, functionName: string): Fc2FunctionView;
  listFunctions(accountId: string, serviceName: string, query: Fc2ListQuery): Fc2Page<Fc2FunctionView>;
  updateFunction(accountId: string, serviceName: string, functionName: string, input: Record<string, unknown>, options?: DeployOptions): Promise<Fc2FunctionView>;
  deleteFunction(accountId: string, serviceName: string, functionName: string): void;
  getFunctionCode(accountId: string, serviceName: string, functionName: string, endpoint: string): { url: string; checksum: string };
  /** The FC 3.0 name of function `functionName` of an existing service (ServiceNotFound otherwise). */
  functionNameIn(accountId: string, serviceName: string, functionName: string): string;
  /** Runs `fn` (sync or async), restating FunctionNotFound / FunctionAlreadyExists the way FC 2.0 words them. */
  inService<T>(serviceName: string, functionName: string, fn: () => T): T;
}

/** The FC 3.0 name of function `functionName` of service `serviceName`. */
export function serviceFunctionName(serviceName: string, functionName: string): string {
  return `${serviceName}${SERVICE_FUNCTION_SEPARATOR}${functionName}`;
}

export function createFc2Service(deps: { store: MetadataStore; functions: FunctionService; clock: Clock }): Fc2Service {
  const { store, functions, clock } = deps;

  function serviceRecord(accountId: string, serviceName: string): Fc2ServiceRecord {
    const record = store.getFc2Service(accountId, validateServiceName(serviceName));
    if (!record) throw new PlatformError('ServiceNotFound', `service '${serviceName}' does not exist`);
    return record;
  }
  const settingsOf = (r: Fc2ServiceRecord) => r.config as unknown as Fc2ServiceConfig;

  /** A service's VPC must be one of the account's own (another account's looks the same as none). */
  function checkVpc(accountId: string, config: Fc2ServiceConfig): void {
    const vpcId = serviceVpcId(config);
    if (vpcId === undefined) return;
    const vpc = store.getVpc(vpcId);
    if (!vpc || vpc.accountId !== accountId) throw new PlatformError('VpcNotFound', `VPC '${vpcId}' does not exist in this account (create it with CreateVpc or 'openfc vpc create')`);
  }

  function inService<T>(serviceName: string, functionName: string, fn: () => T): T {
    try {
      const result = fn();
      if (result instanceof Promise) return result.catch((e: unknown) => Promise.reject(restate(e, serviceName, functionName))) as T;
      return result;
    } catch (e: unknown) {
      throw restate(e, serviceName, functionName);
    }
  }
  async function inServiceAsync<T>(serviceName: string, functionName: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e: unknown) {
      throw restate(e, serviceName, functionName);
    }
  }
  function restate(e: unknown, serviceName: string, functionName: string): unknown {
    if (isPlatformError(e, 'FunctionNotFound')) return new PlatformError('FunctionNotFound', `function '${functionName}' does not exist in service '${serviceName}'`, { cause: e });
    if (isPlatformError(e, 'FunctionAlreadyExists')) return new PlatformError('FunctionAlreadyExists', `function '${functionName}' already exists in service '${serviceName}'`, { cause: e });
    return e;
  }

  function functionNameIn(accountId: string, serviceName: string, functionName: string): string {
    serviceRecord(accountId, serviceName);
    return serviceFunctionName(serviceName, validateFunctionName(functionName));
  }

  /** Every function of a service, by FC 3.0 name. */
  function namesInService(accountId: string, serviceName: string): string[] {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = functions.list(accountId, { prefix: serviceFunctionName(serviceName, ''), limit: 100, nextToken });
      names.push(...page.functions.map((f) => f.functionName));
      nextToken = page.nextToken;
    } while (nextToken);
    return names;
  }

  return {
    inService,
    functionNameIn,
    createService(accountId, input) {
      const serviceName = validateServiceName(input.serviceName);
      const config = buildServiceConfig(input, undefined);
      checkVpc(accountId, config);
      const now = fcTime(clock.now());
      const record: Fc2ServiceRecord = { accountId, serviceName, serviceId: randomUUID(), config: { ...config }, createdTime: now, lastModifiedTime: now };
      store.createFc2Service(record);
      return toServiceView(record);
    },
    getService(accountId, serviceName) {
      return toServiceView(serviceRecord(accountId, serviceName));
    },
    listServices(accountId, query) {
      const limit = pageLimit(query.limit);
      const page = store.listFc2Services(accountId, { prefix: query.prefix || undefined, startKey: query.startKey || undefined, nextToken: query.nextToken || undefined, limit });
      return { items: page.items.map(toServiceView), ...(page.nextToken && { nextToken: page.nextToken }) };
    },
    async updateService(accountId, serviceName, input) {
      const current = serviceRecord(accountId, serviceName);
      if (input.serviceName !== undefined && input.serviceName !== serviceName) throw new PlatformError('InvalidArgument', 'serviceName cannot be changed');
      const config = buildServiceConfig(input, settingsOf(current));
      checkVpc(accountId, config);
      const record: Fc2ServiceRecord = { ...current, config: { ...config }, lastModifiedTime: fcTime(clock.now()) };
      store.updateFc2Service(record);
      const settings = serviceSettings(config);
      if (JSON.stringify(settings) !== JSON.stringify(serviceSettings(settingsOf(current)))) {
        for (const name of namesInService(accountId, serviceName)) await functions.update(accountId, name, settings);
      }
      return toServiceView(record);
    },
    deleteService(accountId, serviceName) {
      serviceRecord(accountId, serviceName);
      const page = functions.list(accountId, { prefix: serviceFunctionName(serviceName, ''), limit: 1 });
      if (page.functions.length > 0) throw new PlatformError('ServiceNotEmpty', `service '${serviceName}' is not empty: delete its functions first`);
      if (!store.deleteFc2Service(accountId, serviceName)) throw new PlatformError('ServiceNotFound', `service '${serviceName}' does not exist`);
    },
    async createFunction(accountId, serviceName, input, options) {
      const service = serviceRecord(accountId, serviceName);
      const functionName = validateFunctionName(input.functionName);
      const fc3 = { ...toFc3Input(input, settingsOf(service), undefined), functionName: serviceFunctionName(serviceName, functionName) };
      const view = await inServiceAsync(serviceName, functionName, () => functions.create(accountId, fc3, { ...options, isServiceFunction: true }));
      return toFc2FunctionView(view, functionName);
    },
    getFunction(accountId, serviceName, functionName) {
      const name = functionNameIn(accountId, serviceName, functionName);
      return toFc2FunctionView(inService(serviceName, functionName, () => functions.get(accountId, name)), functionName);
    },
    listFunctions(accountId, serviceName, query) {
      serviceRecord(accountId, serviceName);
      const limit = pageLimit(query.limit);
      const base = serviceFunctionName(serviceName, '');
      const prefix = base + (query.prefix ?? '');
      const views = [];
      let after = query.nextToken ? base + query.nextToken : undefined;
      if (after === undefined && query.startKey) {
        const first = base + query.startKey;
        const exact = first.startsWith(prefix) ? store.getFunction(accountId, first) : undefined;
        if (exact) views.push(functions.toView(exact));
        after = first;
      }
      let nextToken: string | undefined;
      if (views.length < limit) {
        const page = functions.list(accountId, { prefix, limit: limit - views.length, nextToken: after });
        views.push(...page.functions);
        nextToken = page.nextToken;
      } else if (functions.list(accountId, { prefix, limit: 1, nextToken: after }).functions.length > 0) nextToken = views.at(-1)!.functionName;
      const short = (name: string) => name.slice(base.length);
      return { items: views.map((v) => toFc2FunctionView(v, short(v.functionName))), ...(nextToken && { nextToken: short(nextToken) }) };
    },
    async updateFunction(accountId, serviceName, functionName, input, options) {
      const service = serviceRecord(accountId, serviceName);
      const name = serviceFunctionName(serviceName, validateFunctionName(functionName));
      if (input.functionName !== undefined && input.functionName !== functionName) throw new PlatformError('InvalidArgument', 'functionName cannot be changed');
      const current = inService(serviceName, functionName, () => functions.resolve(accountId, name));
      const fc3 = toFc3Input(input, settingsOf(service), current.config as FunctionConfig);
      const view = await inServiceAsync(serviceName, functionName, () => functions.update(accountId, name, fc3, options));
      return toFc2FunctionView(view, functionName);
    },
    deleteFunction(accountId, serviceName, functionName) {
      const name = functionNameIn(accountId, serviceName, functionName);
      inService(serviceName, functionName, () => functions.delete(accountId, name));
    },
    getFunctionCode(accountId, serviceName, functionName, endpoint) {
      const name = functionNameIn(accountId, serviceName, functionName);
      return inService(serviceName, functionName, () => functions.getCode(accountId, name, endpoint));
    },
  };
}
