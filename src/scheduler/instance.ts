/**
 * @module scheduler/instance
 * One instance: a sandbox with a function revision assigned, its slots, its state and its recent
 * output. State changes go through one guarded `transition()`.
 */
import type { InstanceStopReason } from '../events/event-bus.js';
import type { FunctionRecord } from '../store/types.js';
import type { Sandbox } from '../sandbox/types.js';
import type { InstanceLog } from '../logs/index.js';
import type { TimerHandle } from '../time/clock.js';
import { INSTANCE_TRANSITIONS, type InstanceInfo, type InstanceState } from './types.js';

/** Bytes of recent output kept per instance, to rebuild the log tail of a failed invocation. */
const RECENT_OUTPUT_BYTES = 64 * 1024;

export class IllegalStateError extends Error {
  override readonly name = 'IllegalStateError';
}

export class Instance {
  readonly id: string;
  readonly fn: FunctionRecord;
  readonly concurrency: number;
  readonly createdTimeMs: number;
  #state: InstanceState = 'starting';
  /** Slots taken, including ones promised to invocations waiting for this instance to start. */
  inFlight = 0;
  sandbox: Sandbox | undefined;
  /** Where its output and results are attributed to invocations (set once its sandbox started). */
  log: InstanceLog | undefined;
  stopReason: InstanceStopReason | undefined;
  /** Why a draining instance will stop once its last invocation ends (default: a new revision). */
  drainReason: InstanceStopReason | undefined;
  /** Pending freeze after the instance went idle. */
  freezeTimer: TimerHandle | undefined;
  /** A freeze in progress; an acquirer waits for it before thawing. */
  freezing: Promise<void> | undefined;
  thawing: Promise<void> | undefined;
  isFrozen = false;
  /** Started and kept by a provision config: never released for being idle. */
  isProvisioned = false;
  /** Never frozen while idle (a provision config with alwaysAllocateCPU). */
  keepsCpu = false;
  /** InstanceExec sessions open on it: it is neither frozen nor released for being idle meanwhile. */
  execSessions = 0;
  /** The AccessKeyId of the execution-role credentials the runtime holds; newer ones go with the next invocation. */
  credentialsKeyId?: string;
  /** The environment the function was assigned with, which exec sessions get too. */
  env: Readonly<Record<string, string>> = {};
  /** Holds a share of the account's quotas and the node's capacity until it stops. */
  isAdmitted = false;
  /** Resolves when the instance is ready; rejects with the start failure. */
  readonly started: Promise<void>;
  #recent: Buffer[] = [];
  #recentBytes = 0;

  constructor(id: string, fn: FunctionRecord, createdTimeMs: number, started: Promise<void>) {
    this.id = id;
    this.fn = fn;
    this.concurrency = Number((fn.config as { instanceConcurrency?: number }).instanceConcurrency ?? 1);
    this.createdTimeMs = createdTimeMs;
    this.started = started;
    started.catch(() => undefined);
  }

  get state(): InstanceState {
    return this.#state;
  }

  get hasFreeSlot(): boolean {
    return this.inFlight < this.concurrency;
  }

  transition(to: InstanceState): void {
    if (!INSTANCE_TRANSITIONS[this.#state].includes(to)) throw new IllegalStateError(`instance ${this.id} cannot go from ${this.#state} to ${to}`);
    this.#state = to;
  }

  recordOutput(chunk: Buffer): void {
    this.#recent.push(chunk);
    this.#recentBytes += chunk.length;
    while (this.#recentBytes > RECENT_OUTPUT_BYTES && this.#recent.length > 1) this.#recentBytes -= this.#recent.shift()!.length;
  }

  /** The output lines that name `requestId`, for an invocation the runtime could not report on. */
  linesOf(requestId: string): string {
    return Buffer.concat(this.#recent)
      .toString('utf8')
      .split('\n')
      .filter((l) => l.includes(requestId))
      .map((l) => l + '\n')
      .join('');
  }

  info(): InstanceInfo {
    return {
      instanceId: this.id,
      accountId: this.fn.accountId,
      functionName: this.fn.functionName,
      revision: this.fn.revision,
      ...(this.fn.versionId !== undefined && { versionId: this.fn.versionId }),
      state: this.#state,
      isFrozen: this.isFrozen,
      isProvisioned: this.isProvisioned,
      inFlight: this.inFlight,
      createdTimeMs: this.createdTimeMs,
    };
  }
}
