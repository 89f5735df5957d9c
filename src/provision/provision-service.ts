/**
 * @module provision/provision-service
 * Provisioned instances (PutProvisionConfig, GetProvisionConfig, ListProvisionConfigs,
 * DeleteProvisionConfig, and the ScalingConfig operations, which are the same model under newer
 * names: minInstances, scheduledPolicies, horizontalScalingPolicies; a function has one config of
 * either kind) and the controller that keeps them: once a second it works out each
 * config's target and has the scheduler start or shed instances.
 *
 * The target at a moment is, in order: a target-tracking policy in its time window (provisioned
 * concurrency utilisation held near `metricTarget`, between `minCapacity` and `maxCapacity`; one
 * instance less per tick at most when scaling in), else the target of the scheduled action that
 * fired last (cron or at, in its time zone, within its window), else `target`. Provisioned
 * instances are never released for being idle; with `alwaysAllocateCPU: false` they are frozen
 * while idle like on-demand ones. `current` and `currentError` report what the scheduler achieved.
 */
import { PlatformError, invalidArgument } from '../errors/index.js';
import type { FunctionService } from '../functions/index.js';
import { pageByFunctionName, type NamePageQuery } from '../functions/paging.js';
import type { Logger } from '../observability/logger.js';
import type { Scheduler } from '../scheduler/index.js';
import type { MetadataStore } from '../store/types.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import { checkTimeZone, firesAt, parseSchedule, type Schedule } from './schedule.js';

interface ScheduledAction {
  name: string;
  scheduleExpression: string;
  target: number;
  startTime?: string;
  endTime?: string;
  timeZone?: string;
}

interface TargetTrackingPolicy {
  name: string;
  metricType: 'ProvisionedConcurrencyUtilization';
  metricTarget: number;
  minCapacity: number;
  maxCapacity: number;
  startTime?: string;
  endTime?: string;
  timeZone?: string;
}

interface ProvisionConfig {
  /** Which API owns it: PutProvisionConfig, or PutScalingConfig (the same model under other names). */
  kind?: 'provision' | 'scaling';
  target: number;
  alwaysAllocateCPU: boolean;
  scheduledActions: ScheduledAction[];
  targetTrackingPolicies: TargetTrackingPolicy[];
}

export interface ProvisionConfigView extends ProvisionConfig {
  functionArn: string;
  defaultTarget: number;
  current: number;
  currentError: string;
}

/** ScalingConfigStatus (reference §6.8): the newer names for the same model. */
export interface ScalingConfigView {
  functionArn: string;
  minInstances: number;
  scheduledPolicies: ScheduledAction[];
  horizontalScalingPolicies: { name: string; metricType: string; metricTarget: number; minInstances: number; maxInstances: number; startTime?: string; endTime?: string; timeZone?: string }[];
  enableOnDemandScaling: boolean;
  enableMixMode: boolean;
  currentInstances: number;
  targetInstances: number;
  currentError: string;
}

export interface ProvisionService {
  putScaling(accountId: string, functionName: string, input: Record<string, unknown>): ScalingConfigView;
  getScaling(accountId: string, functionName: string): ScalingConfigView;
  listScaling(accountId: string, query: NamePageQuery): { scalingConfigs: ScalingConfigView[]; nextToken?: string };
  deleteScaling(accountId: string, functionName: string): void;
  put(accountId: string, functionName: string, input: Record<string, unknown>): ProvisionConfigView;
  get(accountId: string, functionName: string): ProvisionConfigView;
  list(accountId: string, query: NamePageQuery): { provisionConfigs: ProvisionConfigView[]; nextToken?: string };
  delete(accountId: string, functionName: string): void;
  /** Starts the once-a-second controller (after the scheduler is up). */
  start(): void;
  close(): void;
}

interface Live {
  readonly accountId: string;
  readonly functionName: string;
  config: ProvisionConfig;
  schedules: { action: ScheduledAction; schedule: Schedule; fromMs: number; untilMs: number }[];
  scheduledTarget: number | undefined;
  lastTickMs: number;
  effectiveTarget: number;
  current: number;
  currentError: string;
}

const TICK_MS = 1000;
const METRIC_TYPES = ['ProvisionedConcurrencyUtilization'];

const int = (v: unknown, name: string, min: number, max: number): number => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw invalidArgument(`${name} must be an integer from ${min} to ${max}`);
  return v;
};
const time = (v: unknown, name: string): string | undefined => {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw invalidArgument(`${name} must be a time like 2026-11-22T10:00:00Z`);
  return v;
};
const list = (v: unknown, name: string): Record<string, unknown>[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'object' && x !== null)) throw invalidArgument(`${name} must be an array of objects`);
  return v as Record<string, unknown>[];
};
const windowOf = (x: { startTime?: string; endTime?: string }) => ({ fromMs: x.startTime ? Date.parse(x.startTime) : -Infinity, untilMs: x.endTime ? Date.parse(x.endTime) : Infinity });

function validate(input: Record<string, unknown>, maxInstances: number): ProvisionConfig {
  const target = int(input.target ?? input.defaultTarget ?? 0, 'target', 0, maxInstances);
  const alwaysAllocateCPU = input.alwaysAllocateCPU ?? true;
  if (typeof alwaysAllocateCPU !== 'boolean') throw invalidArgument('alwaysAllocateCPU must be a boolean');
  const names = new Set<string>();
  const uniqueName = (v: unknown, what: string) => {
    if (typeof v !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(v)) throw invalidArgument(`${what}.name must be 1-64 letters, digits, "_" or "-"`);
    if (names.has(v)) throw invalidArgument(`${what} name '${v}' is used twice`);
    names.add(v);
    return v;
  };
  const scheduledActions = list(input.scheduledActions, 'scheduledActions').map((a): ScheduledAction => {
    const name = uniqueName(a.name, 'scheduledActions');
    if (typeof a.scheduleExpression !== 'string') throw invalidArgument(`scheduledActions '${name}': scheduleExpression is required`);
    const timeZone = typeof a.timeZone === 'string' && a.timeZone ? a.timeZone : undefined;
    parseSchedule(a.scheduleExpression, timeZone);
    const startTime = time(a.startTime, 'startTime');
    const endTime = time(a.endTime, 'endTime');
    return { name, scheduleExpression: a.scheduleExpression, target: int(a.target, `scheduledActions '${name}': target`, 0, maxInstances), ...(startTime && { startTime }), ...(endTime && { endTime }), ...(timeZone && { timeZone }) };
  });
  const targetTrackingPolicies = list(input.targetTrackingPolicies, 'targetTrackingPolicies').map((p): TargetTrackingPolicy => {
    const name = uniqueName(p.name, 'targetTrackingPolicies');
    if (!METRIC_TYPES.includes(p.metricType as string)) throw invalidArgument(`targetTrackingPolicies '${name}': metricType must be ${METRIC_TYPES.join(' or ')} (CPU and GPU utilisation are not measured by openfc)`);
    if (typeof p.metricTarget !== 'number' || !(p.metricTarget > 0 && p.metricTarget <= 1)) throw invalidArgument(`targetTrackingPolicies '${name}': metricTarget must be above 0 and at most 1`);
    const minCapacity = int(p.minCapacity, `targetTrackingPolicies '${name}': minCapacity`, 0, maxInstances);
    const maxCapacity = int(p.maxCapacity, `targetTrackingPolicies '${name}': maxCapacity`, minCapacity, maxInstances);
    const timeZone = typeof p.timeZone === 'string' && p.timeZone ? p.timeZone : undefined;
    if (timeZone) checkTimeZone(timeZone);
    const startTime = time(p.startTime, 'startTime');
    const endTime = time(p.endTime, 'endTime');
    return { name, metricType: 'ProvisionedConcurrencyUtilization', metricTarget: p.metricTarget, minCapacity, maxCapacity, ...(startTime && { startTime }), ...(endTime && { endTime }), ...(timeZone && { timeZone }) };
  });
  return { target, alwaysAllocateCPU, scheduledActions, targetTrackingPolicies };
}

export function createProvisionService(deps: {
  store: MetadataStore;
  functions: FunctionService;
  scheduler: Scheduler;
  clock: Clock;
  logger: Logger;
  maxInstancesPerAccount: number;
}): ProvisionService {
  const { store, functions, scheduler, clock } = deps;
  const live = new Map<string, Live>();
  const keyOf = (a: string, f: string) => `${a}\u0000${f}`;
  let timer: TimerHandle | undefined;
  let isClosed = false;

  function track(accountId: string, functionName: string, config: ProvisionConfig): Live {
    const l: Live = {
      accountId, functionName, config, scheduledTarget: undefined, lastTickMs: clock.now(), effectiveTarget: config.target, current: 0, currentError: '',
      schedules: config.scheduledActions.flatMap((action) => {
        try {
          return [{ action, schedule: parseSchedule(action.scheduleExpression, action.timeZone), ...windowOf(action) }];
        } catch (e: unknown) {
          // Stored before a rule it breaks existed (such as a cron that names no point in time): the rest of the config still runs.
          deps.logger.warn('scheduled action ignored: its schedule is not valid', { accountId, functionName, action: action.name, scheduleExpression: action.scheduleExpression, err: e as Error });
          return [];
        }
      }),
    };
    live.set(keyOf(accountId, functionName), l);
    return l;
  }

  function targetOf(l: Live, now: number): number {
    // Scheduled actions: the last one to fire in (lastTick, now] wins (at most an hour of seconds is scanned).
    const from = Math.max(l.lastTickMs, now - 3_600_000);
    for (let second = Math.floor(from / 1000) * 1000 + 1000; second <= now; second += 1000) {
      for (const s of l.schedules) if (second >= s.fromMs && second < s.untilMs && firesAt(s.schedule, second)) l.scheduledTarget = s.action.target;
    }
    l.lastTickMs = now;
    const base = l.scheduledTarget ?? l.config.target;
    const policy = l.config.targetTrackingPolicies.find((p) => {
      const w = windowOf(p);
      return now >= w.fromMs && now < w.untilMs;
    });
    if (!policy) return base;
    const load = scheduler.provisionedLoad(l.accountId, l.functionName);
    const capacity = Math.max(1, load.instances) * load.concurrency;
    const wanted = Math.ceil(load.inFlight / load.concurrency / policy.metricTarget);
    const clamped = Math.min(policy.maxCapacity, Math.max(policy.minCapacity, wanted));
    // Scale in one instance per tick at most, so a short lull does not tear down capacity.
    return clamped < load.instances && capacity > 0 ? Math.max(clamped, load.instances - 1) : clamped;
  }

  function reconcile(l: Live): void {
    let fn;
    try {
      fn = functions.resolve(l.accountId, l.functionName);
    } catch {
      live.delete(keyOf(l.accountId, l.functionName));
      return;
    }
    l.effectiveTarget = targetOf(l, clock.now());
    const r = scheduler.setProvisioned(fn, l.effectiveTarget, { alwaysAllocateCPU: l.config.alwaysAllocateCPU });
    l.current = r.current;
    l.currentError = r.error ?? '';
  }

  function tick(): void {
    timer = undefined;
    if (isClosed) return;
    for (const l of [...live.values()]) {
      try {
        reconcile(l);
      } catch (e: unknown) {
        deps.logger.warn('provisioning failed', { functionName: l.functionName, err: e as Error });
      }
    }
    timer = clock.setTimeout(tick, TICK_MS);
    timer.unref();
  }

  functions.onChange((c) => {
    if (c.revision === undefined) live.delete(keyOf(c.accountId, c.functionName));
  });

  const kindOf = (c: ProvisionConfig) => c.kind ?? 'provision';

  function liveOf(accountId: string, functionName: string, kind: 'provision' | 'scaling'): Live {
    functions.get(accountId, functionName);
    const l = live.get(keyOf(accountId, functionName));
    if (!l || kindOf(l.config) !== kind) {
      throw kind === 'provision'
        ? new PlatformError('ProvisionConfigNotFound', `function '${functionName}' has no provision config`)
        : new PlatformError('ScalingConfigNotFound', `function '${functionName}' has no scaling config`);
    }
    return l;
  }

  function view(accountId: string, functionName: string): ProvisionConfigView {
    const l = liveOf(accountId, functionName, 'provision');
    const { kind: _kind, ...config } = l.config;
    return { functionArn: functions.get(accountId, functionName).functionArn, ...config, defaultTarget: l.config.target, target: l.effectiveTarget, current: l.current, currentError: l.currentError };
  }

  function scalingView(accountId: string, functionName: string): ScalingConfigView {
    const l = liveOf(accountId, functionName, 'scaling');
    return {
      functionArn: functions.get(accountId, functionName).functionArn,
      minInstances: l.config.target,
      scheduledPolicies: l.config.scheduledActions,
      horizontalScalingPolicies: l.config.targetTrackingPolicies.map(({ minCapacity, maxCapacity, ...p }) => ({ ...p, minInstances: minCapacity, maxInstances: maxCapacity })),
      enableOnDemandScaling: true, enableMixMode: false,
      currentInstances: l.current, targetInstances: l.effectiveTarget, currentError: l.currentError,
    };
  }

  /** Stores and applies a config of one kind (the function was checked); a function has at most one, of either kind. */
  function apply(accountId: string, functionName: string, config: ProvisionConfig): void {
    const existing = live.get(keyOf(accountId, functionName));
    if (existing && kindOf(existing.config) !== kindOf(config)) {
      throw kindOf(existing.config) === 'scaling'
        ? new PlatformError('ResidentScalingConfigExists', `function '${functionName}' has a scaling config; delete it before putting a provision config`)
        : new PlatformError('ProvisionConfigExist', `function '${functionName}' has a provision config; delete it before putting a scaling config`);
    }
    store.putProvisionConfig(accountId, functionName, config as unknown as Record<string, unknown>);
    reconcile(track(accountId, functionName, config));
  }

  function remove(accountId: string, functionName: string, kind: 'provision' | 'scaling'): void {
    liveOf(accountId, functionName, kind);
    const fn = functions.resolve(accountId, functionName);
    store.deleteProvisionConfig(accountId, functionName);
    live.delete(keyOf(accountId, functionName));
    scheduler.setProvisioned(fn, 0, { alwaysAllocateCPU: false });
  }

  function page<T>(accountId: string, kind: 'provision' | 'scaling', query: NamePageQuery, render: (name: string) => T): { items: T[]; nextToken?: string } {
    const rows = store.listProvisionConfigs(accountId).filter((c) => kindOf(c.config as unknown as ProvisionConfig) === kind);
    const r = pageByFunctionName(rows, query);
    return { items: r.items.map((c) => render(c.functionName)), ...(r.nextToken && { nextToken: r.nextToken }) };
  }

  return {
    put(accountId, functionName, input) {
      functions.get(accountId, functionName);
      apply(accountId, functionName, { kind: 'provision', ...validate(input, deps.maxInstancesPerAccount) });
      return view(accountId, functionName);
    },
    get: view,
    list(accountId, query) {
      const r = page(accountId, 'provision', query, (name) => view(accountId, name));
      return { provisionConfigs: r.items, ...(r.nextToken && { nextToken: r.nextToken }) };
    },
    delete(accountId, functionName) {
      remove(accountId, functionName, 'provision');
    },
    putScaling(accountId, functionName, input) {
      functions.get(accountId, functionName);
      if (input.enableOnDemandScaling === false) throw invalidArgument('enableOnDemandScaling false is not available in openfc: on-demand instances always serve overflow');
      if (input.enableMixMode === true) throw invalidArgument('enableMixMode is not available in openfc');
      if (input.residentPoolId) throw invalidArgument('resident pools (residentPoolId) are not available in openfc');
      if (input.requestDispatchPolicy) throw invalidArgument('requestDispatchPolicy is not available in openfc: requests are bin-packed');
      const policies = list(input.horizontalScalingPolicies, 'horizontalScalingPolicies').map((p) => ({ ...p, minCapacity: p.minInstances, maxCapacity: p.maxInstances }));
      const config = validate({ target: input.minInstances ?? 0, alwaysAllocateCPU: true, scheduledActions: input.scheduledPolicies, targetTrackingPolicies: policies }, deps.maxInstancesPerAccount);
      apply(accountId, functionName, { kind: 'scaling', ...config });
      return scalingView(accountId, functionName);
    },
    getScaling: scalingView,
    listScaling(accountId, query) {
      const r = page(accountId, 'scaling', query, (name) => scalingView(accountId, name));
      return { scalingConfigs: r.items, ...(r.nextToken && { nextToken: r.nextToken }) };
    },
    deleteScaling(accountId, functionName) {
      remove(accountId, functionName, 'scaling');
    },
    start() {
      for (const c of store.listProvisionConfigs()) track(c.accountId, c.functionName, c.config as unknown as ProvisionConfig);
      tick();
    },
    close() {
      isClosed = true;
      clock.clearTimeout(timer);
    },
  };
}
