/**
 * @module vpc/vpc-bindings
 * VPC bindings (FC's CreateVpcBinding, ListVpcBindings, DeleteVpcBinding): a function bound to one
 * or more VPCs of its account accepts invocations only through the openfc endpoint of a bound VPC
 * (the request's source VPC, set by the listener that accepted the connection, never by a header).
 * From the public listeners, or through another VPC's endpoint, it answers 403 AccessDenied. A
 * function without bindings is reachable from everywhere its caller's policies allow. Bindings go
 * with their function; a VPC with bindings cannot be deleted (vpc-service).
 */
import { PlatformError, invalidArgument } from '../errors/index.js';
import type { MetadataStore, VpcBindingStore } from '../store/types.js';
import type { Clock } from '../time/clock.js';

/** Bindings one function may have. */
export const MAX_VPC_BINDINGS_PER_FUNCTION = 20;

export interface VpcBindingService {
  /** Binds the function to a VPC of its account (idempotent: binding again changes nothing). */
  create(accountId: string, functionName: string, input: Record<string, unknown>): void;
  list(accountId: string, functionName: string): { vpcIds: string[] };
  delete(accountId: string, functionName: string, vpcId: string): void;
  /** {@link assertInvocationAllowed} on this service's store, with each function's bindings cached (it runs on every invocation). */
  assertInvocationAllowed(accountId: string, functionName: string, sourceVpcId: string | undefined): void;
  /** Drops the cached bindings of a function that was deleted (its bindings went with it). */
  forgetFunction(accountId: string, functionName: string): void;
}

/**
 * THE check of VPC bindings, for every entry point that invokes a function: throws 403
 * AccessDenied when the function has VPC bindings and the request did not come through the
 * endpoint of one of them. `sourceVpcId` is the VPC whose endpoint accepted the connection
 * (api `sourceVpcOf(req.socket)`), undefined for the public listeners; it must never be read from
 * a header or the body. Called by the InvokeFunction route (sync and async); HTTP triggers and the
 * FC 2.0 API must call it too, before they invoke. A function that does not exist passes (the
 * caller answers FunctionNotFound).
 */
export function assertInvocationAllowed(store: Pick<VpcBindingStore, 'listVpcBindings'>, accountId: string, functionName: string, sourceVpcId: string | undefined): void {
  const bound = store.listVpcBindings(accountId, functionName);
  if (bound.length === 0 || (sourceVpcId !== undefined && bound.includes(sourceVpcId))) return;
  throw new PlatformError(
    'AccessDenied',
    sourceVpcId === undefined
      ? `function '${functionName}' has VPC bindings: it can be invoked only through the openfc endpoint of a bound VPC, not through a public endpoint`
      : `function '${functionName}' is not bound to VPC '${sourceVpcId}': it can be invoked only through the openfc endpoint of a bound VPC`,
  );
}

export function createVpcBindingService(deps: { store: MetadataStore; clock: Clock }): VpcBindingService {
  const { store, clock } = deps;
  /** Bindings by function; this service makes every change to them, so the cache is exact. */
  const cache = new Map<string, readonly string[]>();
  const keyOf = (accountId: string, functionName: string) => `${accountId}\u0000${functionName}`;
  const cached: Pick<VpcBindingStore, 'listVpcBindings'> = {
    listVpcBindings(accountId, functionName) {
      const key = keyOf(accountId, functionName);
      let bound = cache.get(key);
      if (!bound) cache.set(key, (bound = store.listVpcBindings(accountId, functionName)));
      return bound as string[];
    },
  };
  const mustExist = (accountId: string, functionName: string) => {
    if (!store.getFunction(accountId, functionName)) throw new PlatformError('FunctionNotFound', `function '${functionName}' does not exist`);
  };
  return {
    create(accountId, functionName, input) {
      mustExist(accountId, functionName);
      const vpcId = input.vpcId;
      if (typeof vpcId !== 'string' || vpcId === '') throw invalidArgument('vpcId is required, e.g. {"vpcId": "vpc-0123456789abcdef0123"}');
      const vpc = store.getVpc(vpcId);
      if (!vpc || vpc.accountId !== accountId) throw new PlatformError('VpcNotFound', `VPC '${vpcId}' does not exist in this account`);
      const bound = store.listVpcBindings(accountId, functionName);
      if (bound.includes(vpcId)) return;
      if (bound.length >= MAX_VPC_BINDINGS_PER_FUNCTION) throw invalidArgument(`function '${functionName}' already has ${MAX_VPC_BINDINGS_PER_FUNCTION} VPC bindings, the most a function may have`);
      store.putVpcBinding(accountId, functionName, vpcId, new Date(clock.now()).toISOString());
      cache.delete(keyOf(accountId, functionName));
    },
    list(accountId, functionName) {
      mustExist(accountId, functionName);
      return { vpcIds: store.listVpcBindings(accountId, functionName) };
    },
    delete(accountId, functionName, vpcId) {
      mustExist(accountId, functionName);
      const isDeleted = store.deleteVpcBinding(accountId, functionName, vpcId);
      cache.delete(keyOf(accountId, functionName));
      if (!isDeleted) throw new PlatformError('VpcBindingNotFound', `function '${functionName}' has no binding to VPC '${vpcId}'`);
    },
    assertInvocationAllowed(accountId, functionName, sourceVpcId) {
      assertInvocationAllowed(cached, accountId, functionName, sourceVpcId);
    },
    forgetFunction(accountId, functionName) {
      cache.delete(keyOf(accountId, functionName));
    },
  };
}
