/**
 * @module scheduler/scheduler
 * The scheduling service: routes each invocation to an instance slot (bin-packing), starts
 * instances on demand within the account's quotas (waiting a bounded time for capacity), enforces
 * the function timeout, replaces instances that time out, crash or lose their client, drains
 * instances of old revisions or past their lifetime, freezes idle instances and releases those
 * idle past `idleTimeoutMs`. Bringing an instance up lives in instance-starter, provisioned
 * instances in provisioning.
 */
import { PlatformError, coerceError } from '../errors/index.js';
import type { EventMap, InstanceStopReason } from '../events/event-bus.js';
import type { FunctionConfig } from '../functions/types.js';
import { createInstanceId } from '../observability/request-id.js';
import { ADMIT_ALL, type Admission } from '../quotas/admission.js';
import { ChannelClosedError } from '../sandbox/channel/index.js';
import type { NetworkSpec, Sandbox } from '../sandbox/types.js';
import type { FunctionRecord } from '../store/types.js';
import type { TimerHandle } from '../time/clock.js';
import { CapacityWaiters } from './capacity-waiters.js';
import { openExecSession, type ExecSession } from './exec-sessions.js';
import { renewedCredentials } from './instance-credentials.js';
import { createInstanceStarter, InitializationFailedError, type InstanceStarterDeps } from './instance-starter.js';
import { InstancePools } from './instance-pools.js';
import { Instance } from './instance.js';
import { createProvisioning, type Provisioning } from './provisioning.js';
import type { InstanceInfo, InvocationOutcome, InvocationRequest } from './types.js';

export interface SchedulerDeps extends Omit<InstanceStarterDeps, 'networkOf'> {
  /** Quotas and node capacity for new instances. Default: everything admitted. */
  admission?: Admission;
  /** The network an instance of `fn` gets (VPC lookups live outside the scheduler). Default: internetAccess only. */
  networkOf?: (fn: FunctionRecord) => NetworkSpec;
}

export interface Scheduler {
  /** Runs one invocation on a slot of the function's current revision. */
  invoke(fn: FunctionRecord, request: InvocationRequest): Promise<InvocationOutcome>;
  /** Called on every function change: LATEST's instances of other revisions drain and stop (a version's keep serving). */
  onFunctionChange(change: { accountId: string; functionName: string; revision: number | undefined }): void;
  /** Called when a published version is deleted: its instances drain and stop. */
  onVersionDeleted(deleted: { accountId: string; functionName: string; versionId: string }): void;
  listInstances(filter?: { accountId?: string; functionName?: string }): InstanceInfo[];
  /**
   * Keeps `target` provisioned instances of the function's current revision: starts the missing
   * ones, turns the excess into on-demand ones. Returns how many are ready and the last start error.
   */
  setProvisioned: Provisioning['setProvisioned'];
  /** The ready provisioned instances of a function and the function's invocations in flight, for target tracking. */
  provisionedLoad: Provisioning['provisionedLoad'];
  /**
   * Opens an InstanceExec session on a running instance of the account's function: thaws it and
   * keeps it from being frozen or idle-released until `end()`. InstanceNotFound otherwise.
   */
  openExecSession(accountId: string, functionName: string, instanceId: string): Promise<ExecSession>;
  /** Stops every instance (running preStop hooks) and refuses further work. */
  close(): Promise<void>;
}

const errorBody = (errorMessage: string, errorType: string): Buffer => Buffer.from(JSON.stringify({ errorMessage, errorType, stackTrace: [] }));

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const { driver, codeCache, clock, events, logger, config, functionLogs } = deps;
  const admission = deps.admission ?? ADMIT_ALL;
  const capacity = new CapacityWaiters(clock);
  const networkOf = deps.networkOf ?? ((fn: FunctionRecord): NetworkSpec => ({ internet: (fn.config as FunctionConfig).internetAccess !== false }));
  const pools = new InstancePools();
  const stopping = new Set<Promise<void>>();
  let isClosed = false;
  let reaper: TimerHandle | undefined;
  const reapEveryMs = Math.max(50, Math.min(config.idleTimeoutMs / 5, config.maxInstanceLifetimeMs / 10, 10_000));
  const idleSince = new WeakMap<Instance, number>();

  function armReaper(): void {
    if (reaper || isClosed) return;
    reaper = clock.setTimeout(() => {
      reaper = undefined;
      const now = clock.now();
      let hasInstances = false;
      for (const inst of pools.all()) {
        hasInstances = true;
        const since = idleSince.get(inst);
        if (inst.state === 'ready' && now - inst.createdTimeMs >= config.maxInstanceLifetimeMs) {
          // Lifetime over: an idle instance stops now, a busy one takes no new work and stops when done.
          if (inst.inFlight === 0) void stop(inst, 'lifetime');
          else {
            inst.drainReason = 'lifetime';
            inst.transition('draining');
          }
        } else if (!inst.isProvisioned && inst.state === 'ready' && inst.inFlight === 0 && inst.execSessions === 0 && since !== undefined && now - since >= config.idleTimeoutMs) void stop(inst, 'idle');
      }
      if (hasInstances) armReaper();
    }, reapEveryMs);
    reaper.unref();
  }

  const bringUp = createInstanceStarter({ ...deps, networkOf }, (inst, exit) => {
    if (inst.state !== 'stopped') void stop(inst, exit.isOom ? 'oom' : 'crash');
  });

  async function startInstance(inst: Instance): Promise<void> {
    await bringUp(inst);
    armReaper();
  }

  const instanceEvent = (inst: Instance) => ({ instanceId: inst.id, accountId: inst.fn.accountId, functionName: inst.fn.functionName });

  /** Freezes an idle instance (after its preFreeze hook) so it uses no CPU and its timers stop. */
  function freeze(inst: Instance): void {
    inst.freezeTimer = undefined;
    const sandbox = inst.sandbox;
    if (!sandbox?.freeze || inst.keepsCpu || inst.inFlight > 0 || inst.execSessions > 0 || inst.state !== 'ready' || inst.isFrozen || inst.freezing) return;
    inst.freezing = (async () => {
      const hook = (inst.fn.config as FunctionConfig).instanceLifecycleConfig?.preFreeze;
      if (hook?.handler) {
        const timer = clock.setTimeout(() => void stop(inst, 'timeout'), (hook.timeout ?? 3) * 1000);
        try {
          await sandbox.channel.hook('preFreeze', deps.newRequestId(clock.now()));
        } finally {
          clock.clearTimeout(timer);
        }
      }
      if (inst.inFlight > 0 || inst.execSessions > 0 || inst.state !== 'ready') return;
      await sandbox.freeze!();
      inst.isFrozen = true;
      events.emit('instance:frozen', { ...instanceEvent(inst), reason: 'idle' });
    })()
      .catch((e: unknown) => logger.warn('freezing an instance failed', { instanceId: inst.id, err: coerceError(e) }))
      .finally(() => (inst.freezing = undefined));
  }

  /** Makes sure the instance runs again before an invocation is sent to it. */
  async function thaw(inst: Instance, reason: EventMap['instance:thawed']['reason']): Promise<void> {
    clock.clearTimeout(inst.freezeTimer);
    inst.freezeTimer = undefined;
    if (inst.freezing) await inst.freezing;
    if (!inst.isFrozen) return;
    inst.thawing ??= (async () => {
      await inst.sandbox!.thaw!();
      inst.isFrozen = false;
      events.emit('instance:thawed', { ...instanceEvent(inst), reason });
    })().finally(() => (inst.thawing = undefined));
    await inst.thawing;
  }

  function stop(inst: Instance, reason: InstanceStopReason): Promise<void> {
    if (inst.state === 'stopped' || inst.stopReason) return Promise.resolve();
    inst.stopReason = reason;
    clock.clearTimeout(inst.freezeTimer);
    const task = (async () => {
      if (inst.isFrozen || inst.freezing) await thaw(inst, 'stopping').catch(() => undefined);
      const cfg = inst.fn.config as FunctionConfig;
      const preStop = cfg.instanceLifecycleConfig?.preStop;
      const isGraceful = reason === 'idle' || reason === 'revision-changed' || reason === 'version-deleted' || reason === 'shutdown' || reason === 'function-deleted' || reason === 'lifetime';
      if (inst.state === 'ready') inst.transition('draining');
      if (isGraceful && preStop?.handler && inst.sandbox && !inst.sandbox.channel.isClosed) {
        const timer = clock.setTimeout(() => inst.sandbox?.channel.close(), (preStop.timeout ?? 3) * 1000);
        try {
          await inst.sandbox.channel.hook('preStop', deps.newRequestId(clock.now()));
        } catch (e: unknown) {
          logger.debug('preStop did not complete', { instanceId: inst.id, err: coerceError(e) });
        } finally {
          clock.clearTimeout(timer);
        }
      }
      if (inst.state !== 'stopped') inst.transition('stopped');
      if (inst.isAdmitted) {
        inst.isAdmitted = false;
        admission.release(shapeOf(inst.fn));
        capacity.wakeAll();
      }
      pools.of(inst.fn).delete(inst);
      await inst.sandbox?.destroy().catch((e: unknown) => logger.warn('sandbox destroy failed', { instanceId: inst.id, err: coerceError(e) }));
      events.emit('instance:stopped', { instanceId: inst.id, accountId: inst.fn.accountId, functionName: inst.fn.functionName, reason });
    })();
    stopping.add(task);
    void task.finally(() => stopping.delete(task));
    return task;
  }

  /** The busiest instance of the same version (or LATEST) and revision with a free slot, its slot taken; or none. */
  /**
   * Takes an instance out of service for `reason`: an idle one stops now, a busy one drains, and a
   * starting one is marked, so it stops when its first invocation ends.
   */
  function retire(inst: Instance, reason: 'function-deleted' | 'revision-changed' | 'version-deleted'): void {
    if (reason !== 'revision-changed') inst.drainReason = reason;
    if (inst.inFlight === 0 && inst.state === 'ready') void stop(inst, reason);
    else if (inst.state === 'ready') inst.transition('draining');
  }

  function takeSlot(fn: FunctionRecord): Instance | undefined {
    if (isClosed) throw new PlatformError('ServiceUnavailable', 'openfc is shutting down');
    let best: Instance | undefined;
    for (const inst of pools.of(fn)) {
      // functionId too: a function deleted and created again under its name restarts its revisions and version ids.
      if (inst.fn.revision !== fn.revision || inst.fn.versionId !== fn.versionId || inst.fn.functionId !== fn.functionId || !inst.hasFreeSlot || inst.stopReason) continue;
      if (inst.state !== 'ready' && inst.state !== 'starting') continue;
      if (!best || inst.inFlight > best.inFlight || (inst.inFlight === best.inFlight && inst.state === 'ready' && best.state === 'starting')) best = inst;
    }
    if (best) {
      best.inFlight++;
      idleSince.delete(best);
    }
    return best;
  }

  /** Whether an instance whose slot was just taken can run at once (warm, not frozen or freezing). */
  function isRunnableNow(inst: Instance): boolean {
    if (inst.state !== 'ready' || inst.freezing || inst.isFrozen) return false;
    if (inst.freezeTimer) {
      clock.clearTimeout(inst.freezeTimer);
      inst.freezeTimer = undefined;
    }
    return true;
  }

  const shapeOf = (fn: FunctionRecord) => {
    const cfg = fn.config as FunctionConfig;
    return { accountId: fn.accountId, functionName: fn.functionName, memoryMb: cfg.memorySize, cpu: cfg.cpu };
  };

  /**
   * Takes a slot (see {@link takeSlot}) and waits until it can run, or starts a new instance when
   * none is free and admission allows. Refused, it waits up to `slotWaitMs` for a slot or for
   * capacity, then fails with the refusal's code (429 ResourceThrottled / 503 ResourceExhausted).
   */
  async function acquire(fn: FunctionRecord, taken = takeSlot(fn)): Promise<Instance> {
    const deadline = clock.now() + config.slotWaitMs;
    let hasWaited = false;
    for (;;) {
      if (taken) {
        if (hasWaited) events.emit('invocation:waited', { accountId: fn.accountId, functionName: fn.functionName, outcome: 'slot' });
        if (taken.state === 'starting') await taken.started;
        else if (!isRunnableNow(taken)) await thaw(taken, 'invocation');
        return taken;
      }
      const denial = admission.tryAdmit(shapeOf(fn));
      if (!denial) {
        if (hasWaited) events.emit('invocation:waited', { accountId: fn.accountId, functionName: fn.functionName, outcome: 'instance' });
        break;
      }
      if (clock.now() >= deadline) {
        events.emit('invocation:throttled', { accountId: fn.accountId, functionName: fn.functionName, code: denial.code });
        throw new PlatformError(denial.code, denial.message);
      }
      await capacity.wait(Math.min(deadline, denial.retryAtMs ?? deadline));
      hasWaited = true;
      if (isClosed) throw new PlatformError('ServiceUnavailable', 'openfc is shutting down');
      taken = takeSlot(fn);
    }
    const inst = launch(fn, { isProvisioned: false, keepsCpu: false });
    inst.inFlight = 1;
    await inst.started;
    return inst;
  }

  /** Creates an admitted instance of `fn`, adds it to its pool and starts it; a failed start stops it. */
  function launch(fn: FunctionRecord, opts: { isProvisioned: boolean; keepsCpu: boolean }): Instance {
    let inst!: Instance;
    const started = new Promise<void>((resolve, reject) => queueMicrotask(() => startInstance(inst).then(resolve, reject)));
    inst = new Instance(createInstanceId(), fn, clock.now(), started);
    inst.isAdmitted = true;
    inst.isProvisioned = opts.isProvisioned;
    inst.keepsCpu = opts.keepsCpu;
    pools.of(fn).add(inst);
    started.catch((e: unknown) => void stop(inst, e instanceof InitializationFailedError ? 'init-failed' : 'start-failed'));
    return inst;
  }

  function release(inst: Instance): void {
    inst.inFlight--;
    if (capacity.size > 0) capacity.wakeAll();
    if (inst.inFlight > 0 || inst.state === 'stopped') return;
    if (!pools.isCurrent(inst) || inst.state === 'draining') void stop(inst, inst.drainReason ?? 'revision-changed');
    else markIdle(inst);
  }

  /** An instance with nothing in flight: its idle time starts, and it is frozen soon unless it keeps its CPU. */
  function markIdle(inst: Instance): void {
    idleSince.set(inst, clock.now());
    if (inst.sandbox?.freeze && !inst.keepsCpu && !inst.freezeTimer) inst.freezeTimer = clock.setTimeout(() => freeze(inst), config.freezeAfterIdleMs);
  }

  async function run(inst: Instance, fn: FunctionRecord, request: InvocationRequest): Promise<InvocationOutcome> {
    const cfg = fn.config as FunctionConfig;
    const startedAt = clock.now();
    const sandbox = inst.sandbox!;
    let timedOut = false;
    let isDone = false;
    const timer = clock.setTimeout(() => {
      timedOut = true;
      void stop(inst, 'timeout');
    }, cfg.timeout * 1000);
    // A client that goes away takes its instance with it: a handler nobody waits for must not keep a slot.
    request.onClientGone?.(() => {
      if (!isDone) void stop(inst, 'aborted');
    });
    try {
      const credentials = cfg.role && deps.roleCredentials ? renewedCredentials(inst, cfg.role, deps.roleCredentials, logger) : undefined;
      const out = await sandbox.channel.invoke({ requestId: request.requestId, isLogTail: request.isLogTail, deadlineMs: startedAt + cfg.timeout * 1000, ...(credentials && { credentials }), ...(request.httpTrigger && { httpTrigger: true }) }, request.event);
      inst.log?.settle(request.requestId, out.errorType && { functionError: out.errorType, body: out.body }, 'invocation', { startTimeMs: startedAt, quiet: out.quiet === true });
      return { instanceId: inst.id, body: out.body, errorType: out.errorType, contentType: out.contentType, log: out.log, durationMs: clock.now() - startedAt };
    } catch (e: unknown) {
      if (!(e instanceof ChannelClosedError)) throw e;
      const exit = timedOut ? undefined : await sandbox.exited;
      const [message, type] = timedOut
        ? [`Function timed out after ${cfg.timeout} seconds`, 'FunctionTimeoutError']
        : exit?.isOom
          ? [`Function ran out of memory (memorySize ${cfg.memorySize} MB)`, 'OutOfMemoryError']
          : [`Process exited unexpectedly before completing request (code ${exit?.code ?? 'none'}, signal ${exit?.signal ?? 'none'})`, 'ProcessExitedError'];
      const log = request.isLogTail ? inst.linesOf(request.requestId) + `${message}\nFC Invoke End RequestId: ${request.requestId}\n` : undefined;
      inst.log?.settle(request.requestId, { functionError: 'UnhandledInvocationError', body: { errorMessage: message, errorType: type, stackTrace: [] } });
      return { instanceId: inst.id, body: errorBody(message, type), errorType: 'UnhandledInvocationError', log, durationMs: clock.now() - startedAt };
    } finally {
      isDone = true;
      clock.clearTimeout(timer);
      release(inst);
    }
  }

  function reportCompleted(fn: FunctionRecord, request: InvocationRequest, outcome: InvocationOutcome): InvocationOutcome {
    if (events.hasListeners('invocation:completed')) {
      events.emit('invocation:completed', {
        requestId: request.requestId, accountId: fn.accountId, functionName: fn.functionName, instanceId: outcome.instanceId, durationMs: outcome.durationMs,
        ...(outcome.errorType && { errorType: outcome.errorType }),
      });
    }
    return outcome;
  }

  async function invokeSlowly(fn: FunctionRecord, request: InvocationRequest, taken: Instance | undefined): Promise<InvocationOutcome> {
    let inst: Instance;
    try {
      inst = await acquire(fn, taken);
    } catch (e: unknown) {
      if (!(e instanceof InitializationFailedError)) throw e;
      return { instanceId: e.instanceId, body: Buffer.from(JSON.stringify(e.body)), errorType: 'UnhandledInvocationError', log: request.isLogTail ? e.log : undefined, durationMs: 0 };
    }
    return reportCompleted(fn, request, await run(inst, fn, request));
  }

  const provisioning = createProvisioning({
    instancesOf: (accountId, functionName) => pools.ofFunction(accountId, functionName),
    admit: (fn) => admission.tryAdmit(shapeOf(fn)),
    launch,
    markIdle,
    thaw,
    isClosed: () => isClosed,
  });

  return {
    invoke(fn, request) {
      if (admission.isBlocked(fn.accountId, fn.functionName)) {
        events.emit('invocation:throttled', { accountId: fn.accountId, functionName: fn.functionName, code: 'ResourceThrottled' });
        return Promise.reject(new PlatformError('ResourceThrottled', `function '${fn.functionName}' has reservedConcurrency 0: its invocations are blocked`));
      }
      // The hot path: a warm slot is taken and the invocation sent in this same turn.
      const warm = takeSlot(fn);
      if (warm && isRunnableNow(warm)) return run(warm, fn, request).then((outcome) => reportCompleted(fn, request, outcome));
      return invokeSlowly(fn, request, warm);
    },
    onFunctionChange({ accountId, functionName, revision }) {
      for (const inst of pools.ofFunction(accountId, functionName)) {
        if (revision !== undefined && (inst.fn.revision === revision || inst.fn.versionId !== undefined)) continue;
        retire(inst, revision === undefined ? 'function-deleted' : 'revision-changed');
      }
      pools.setLatest(accountId, functionName, revision);
    },
    onVersionDeleted({ accountId, functionName, versionId }) {
      for (const inst of pools.ofFunction(accountId, functionName)) if (inst.fn.versionId === versionId) retire(inst, 'version-deleted');
    },
    setProvisioned: (fn, target, opts) => provisioning.setProvisioned(fn, target, opts),
    provisionedLoad: (accountId, functionName) => provisioning.provisionedLoad(accountId, functionName),
    listInstances(filter = {}) {
      const out: InstanceInfo[] = [];
      for (const inst of pools.all()) {
        if (filter.accountId !== undefined && inst.fn.accountId !== filter.accountId) continue;
        if (filter.functionName !== undefined && inst.fn.functionName !== filter.functionName) continue;
        out.push(inst.info());
      }
      return out;
    },
    openExecSession(accountId, functionName, instanceId) {
      const inst = [...pools.ofFunction(accountId, functionName)].find((i) => i.id === instanceId);
      if (!inst?.sandbox || (inst.state !== 'ready' && inst.state !== 'draining')) throw new PlatformError('InstanceNotFound', `function '${functionName}' has no running instance '${instanceId}'`);
      return openExecSession(inst as Instance & { sandbox: Sandbox }, { thaw: (i) => thaw(i, 'exec'), markIdle });
    },
    async close() {
      isClosed = true;
      clock.clearTimeout(reaper);
      const all = [...pools.all()];
      await Promise.all(all.map((inst) => stop(inst, 'shutdown')));
      await Promise.all([...stopping]);
      await functionLogs.close();
    },
  };
}
