/**
 * @module quotas/admission
 * Whether a new instance may start, per account and per node (FC's quotas):
 * - at most `maxInstancesPerAccount` instances per account, of which reservations
 *   (PutConcurrencyConfig) are set aside: a function with a reservation is capped at it, and the
 *   account's other functions share what is left;
 * - a scale-out rate: a token bucket of `scaleOutPerMinute` new instances a minute per account;
 * - vCPU and memory quotas per account;
 * - the node's real capacity: instance memory is never committed beyond `nodeMemoryCommitRatio`
 *   of the machine's memory.
 *
 * A refusal names its reason: `ResourceThrottled` (a quota or the rate; retry later) or
 * `ResourceExhausted` (the node is full). Admitted instances hold their share until released.
 */
import type { Clock } from '../time/clock.js';

export interface AdmissionLimits {
  readonly maxInstancesPerAccount: number;
  readonly scaleOutPerMinute: number;
  readonly maxVcpuPerAccount: number;
  readonly maxMemoryMbPerAccount: number;
  /** Memory of the machine, in MB. */
  readonly nodeMemoryMb: number;
  readonly nodeMemoryCommitRatio: number;
}

export interface InstanceShape {
  readonly accountId: string;
  readonly functionName: string;
  readonly memoryMb: number;
  readonly cpu: number;
}

export interface AdmissionDenial {
  readonly code: 'ResourceThrottled' | 'ResourceExhausted';
  readonly message: string;
  /** When a retry could succeed without anything else changing (the next scale-out token), if known. */
  readonly retryAtMs?: number;
}

export interface AccountUsage {
  instances: number;
  memoryMb: number;
  vcpu: number;
}

export interface Admission {
  /** Admits one new instance (taking its share) or says why not. */
  tryAdmit(shape: InstanceShape): AdmissionDenial | undefined;
  /** Gives back the share of an instance that stopped (or never started). */
  release(shape: InstanceShape): void;
  usage(accountId: string): Readonly<AccountUsage>;
  /** A function with reservedConcurrency 0 takes no invocations at all, not even on instances it still has. */
  isBlocked(accountId: string, functionName: string): boolean;
}

/** Admits everything (a scheduler without quotas, in unit tests). */
export const ADMIT_ALL: Admission = { tryAdmit: () => undefined, release: () => undefined, usage: () => ({ instances: 0, memoryMb: 0, vcpu: 0 }), isBlocked: () => false };

/** Reservations of one account: reserved instances by function name. */
export type ReservationLookup = (accountId: string) => ReadonlyMap<string, number>;

export function createAdmission(deps: { limits: AdmissionLimits; clock: Clock; reservations: ReservationLookup }): Admission {
  const { limits, clock } = deps;
  const accounts = new Map<string, AccountUsage & { byFunction: Map<string, number>; tokens: number; refilledAtMs: number }>();
  let nodeMemoryMb = 0;
  const nodeCapacityMb = limits.nodeMemoryMb * limits.nodeMemoryCommitRatio;
  const tokensPerMs = limits.scaleOutPerMinute / 60_000;

  const accountOf = (id: string) => {
    let a = accounts.get(id);
    if (!a) accounts.set(id, (a = { instances: 0, memoryMb: 0, vcpu: 0, byFunction: new Map(), tokens: limits.scaleOutPerMinute, refilledAtMs: clock.now() }));
    return a;
  };

  return {
    tryAdmit(shape) {
      const a = accountOf(shape.accountId);
      const now = clock.now();
      a.tokens = Math.min(limits.scaleOutPerMinute, a.tokens + (now - a.refilledAtMs) * tokensPerMs);
      a.refilledAtMs = now;
      const reservations = deps.reservations(shape.accountId);
      const reserved = reservations.get(shape.functionName);
      const fnInstances = a.byFunction.get(shape.functionName) ?? 0;
      if (reserved !== undefined) {
        if (fnInstances >= reserved) {
          return { code: 'ResourceThrottled', message: reserved === 0 ? `function '${shape.functionName}' has reservedConcurrency 0: its invocations are blocked` : `function '${shape.functionName}' already runs its reservedConcurrency of ${reserved} instances` };
        }
      } else {
        let reservedTotal = 0;
        let unreservedInstances = a.instances;
        for (const [name, n] of reservations) {
          reservedTotal += n;
          unreservedInstances -= a.byFunction.get(name) ?? 0;
        }
        const shared = limits.maxInstancesPerAccount - reservedTotal;
        if (unreservedInstances >= shared) {
          return { code: 'ResourceThrottled', message: `the account already runs ${unreservedInstances} instances, its limit of ${limits.maxInstancesPerAccount}${reservedTotal ? ` less ${reservedTotal} reserved for other functions` : ''}` };
        }
      }
      if (a.memoryMb + shape.memoryMb > limits.maxMemoryMbPerAccount) {
        return { code: 'ResourceThrottled', message: `the account's instances would use ${a.memoryMb + shape.memoryMb} MB, over its memory quota of ${limits.maxMemoryMbPerAccount} MB` };
      }
      if (a.vcpu + shape.cpu > limits.maxVcpuPerAccount + 1e-9) {
        return { code: 'ResourceThrottled', message: `the account's instances would use ${+(a.vcpu + shape.cpu).toFixed(2)} vCPU, over its quota of ${limits.maxVcpuPerAccount}` };
      }
      if (nodeMemoryMb + shape.memoryMb > nodeCapacityMb) {
        return { code: 'ResourceExhausted', message: `this node has no memory left for a ${shape.memoryMb} MB instance (${nodeMemoryMb} MB of ${Math.floor(nodeCapacityMb)} MB committed)` };
      }
      if (a.tokens < 1) {
        return { code: 'ResourceThrottled', message: `the account is starting instances faster than ${limits.scaleOutPerMinute} a minute`, retryAtMs: now + Math.ceil((1 - a.tokens) / tokensPerMs) };
      }
      a.tokens -= 1;
      a.instances++;
      a.memoryMb += shape.memoryMb;
      a.vcpu += shape.cpu;
      a.byFunction.set(shape.functionName, fnInstances + 1);
      nodeMemoryMb += shape.memoryMb;
      return undefined;
    },
    release(shape) {
      const a = accountOf(shape.accountId);
      a.instances = Math.max(0, a.instances - 1);
      a.memoryMb = Math.max(0, a.memoryMb - shape.memoryMb);
      a.vcpu = Math.max(0, a.vcpu - shape.cpu);
      const n = (a.byFunction.get(shape.functionName) ?? 1) - 1;
      if (n > 0) a.byFunction.set(shape.functionName, n);
      else a.byFunction.delete(shape.functionName);
      nodeMemoryMb = Math.max(0, nodeMemoryMb - shape.memoryMb);
    },
    usage(accountId) {
      const a = accountOf(accountId);
      return { instances: a.instances, memoryMb: a.memoryMb, vcpu: a.vcpu };
    },
    isBlocked: (accountId, functionName) => deps.reservations(accountId).get(functionName) === 0,
  };
}
