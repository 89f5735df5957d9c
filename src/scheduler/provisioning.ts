/**
 * @module scheduler/provisioning
 * The scheduler's side of provisioned instances: keeping a target number of them for a function's
 * current revision, shedding the excess as on-demand instances, and reporting load for target
 * tracking. The provision controller (src/provision) decides the targets.
 */
import { coerceError } from '../errors/index.js';
import type { EventMap } from '../events/event-bus.js';
import type { AdmissionDenial } from '../quotas/admission.js';
import type { FunctionRecord } from '../store/types.js';
import type { Instance } from './instance.js';

/** What provisioning needs from the scheduler it belongs to. */
export interface ProvisioningHost {
  instancesOf(accountId: string, functionName: string): Iterable<Instance>;
  admit(fn: FunctionRecord): AdmissionDenial | undefined;
  /** Creates and starts an admitted instance; a failed start stops it. */
  launch(fn: FunctionRecord, opts: { isProvisioned: boolean; keepsCpu: boolean }): Instance;
  markIdle(inst: Instance): void;
  thaw(inst: Instance, reason: EventMap['instance:thawed']['reason']): Promise<void>;
  isClosed(): boolean;
}

export interface Provisioning {
  setProvisioned(fn: FunctionRecord, target: number, opts: { alwaysAllocateCPU: boolean }): { current: number; error?: string };
  provisionedLoad(accountId: string, functionName: string): { instances: number; inFlight: number; concurrency: number };
}

export function createProvisioning(host: ProvisioningHost): Provisioning {
  /** The last start failure per function, reported as the config's currentError until a start succeeds. */
  const errors = new Map<string, string>();
  const keyOf = (fn: FunctionRecord) => `${fn.accountId}\u0000${fn.functionName}`;

  function startOne(fn: FunctionRecord, keepsCpu: boolean): void {
    const denial = host.admit(fn);
    if (denial) {
      errors.set(keyOf(fn), denial.message);
      return;
    }
    const inst = host.launch(fn, { isProvisioned: true, keepsCpu });
    inst.started.then(
      () => {
        errors.delete(keyOf(fn));
        if (inst.inFlight === 0 && inst.state === 'ready') host.markIdle(inst);
      },
      (e: unknown) => errors.set(keyOf(fn), coerceError(e).message),
    );
  }

  return {
    setProvisioned(fn, target, opts) {
      const live = [...host.instancesOf(fn.accountId, fn.functionName)].filter(
        (i) => i.isProvisioned && i.fn.revision === fn.revision && !i.stopReason && (i.state === 'ready' || i.state === 'starting'),
      );
      for (const inst of live) {
        if (inst.keepsCpu === opts.alwaysAllocateCPU) continue;
        inst.keepsCpu = opts.alwaysAllocateCPU;
        if (inst.keepsCpu && (inst.isFrozen || inst.freezing || inst.freezeTimer)) void host.thaw(inst, 'always-allocate-cpu').catch(() => undefined);
        else if (!inst.keepsCpu && inst.inFlight === 0 && inst.state === 'ready') host.markIdle(inst);
      }
      if (!host.isClosed()) for (let n = live.length; n < target; n++) startOne(fn, opts.alwaysAllocateCPU);
      // Scale-in: excess instances become on-demand ones, idle ones first, and go when idle long enough.
      const excess = live.sort((a, b) => a.inFlight - b.inFlight).slice(0, Math.max(0, live.length - target));
      for (const inst of excess) {
        inst.isProvisioned = false;
        inst.keepsCpu = false;
        if (inst.inFlight === 0 && inst.state === 'ready') host.markIdle(inst);
      }
      if (target === 0) errors.delete(keyOf(fn));
      const error = errors.get(keyOf(fn));
      return { current: live.filter((i) => i.isProvisioned && i.state === 'ready').length, ...(error !== undefined && { error }) };
    },
    provisionedLoad(accountId, functionName) {
      let instances = 0;
      let inFlight = 0;
      let concurrency = 1;
      for (const inst of host.instancesOf(accountId, functionName)) {
        // Load counts every invocation of the function, so overflow onto on-demand instances shows as utilisation above 1.
        inFlight += inst.inFlight;
        concurrency = inst.concurrency;
        if (inst.isProvisioned && inst.state === 'ready') instances++;
      }
      return { instances, inFlight, concurrency };
    },
  };
}
