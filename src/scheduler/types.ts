/**
 * @module scheduler/types
 *
 * Glossary:
 * - **instance**: one running copy of a function revision inside one sandbox; serves up to
 *   `instanceConcurrency` invocations at once.
 * - **slot**: one of an instance's `instanceConcurrency` places for an invocation.
 * - **pool**: the instances of one function (all revisions); only instances of the current
 *   revision take new invocations.
 * - **version instance**: an instance of a published version (`fn.versionId` set). An invocation
 *   takes a slot only on an instance of the same (version, revision), so the pool is in effect one
 *   per (function, version); UpdateFunction drains only LATEST's instances.
 * - **bin-packing**: a new invocation goes to the busiest instance that still has a free slot, so
 *   load packs together and idle instances can be released.
 * - **draining**: an instance that takes no new invocations and stops once its last one finishes.
 */
import type { InvocationErrorType } from '../sandbox/channel/index.js';

/**
 * Instance states. `starting` → `ready` ⇄ (busy is just inFlight > 0) → `draining` → `stopped`;
 * `starting` → `stopped` on a failed start.
 */
export type InstanceState = 'starting' | 'ready' | 'draining' | 'stopped';

export const INSTANCE_TRANSITIONS: Readonly<Record<InstanceState, readonly InstanceState[]>> = {
  starting: ['ready', 'stopped'],
  ready: ['draining', 'stopped'],
  draining: ['stopped'],
  stopped: [],
};

/** What one invocation asks of the scheduler. */
export interface InvocationRequest {
  readonly requestId: string;
  readonly event: Buffer;
  readonly isLogTail: boolean;
  /** Registers a callback for the client going away mid-invocation: the instance is then destroyed. */
  readonly onClientGone?: (fn: () => void) => void;
  /** The event is FC's HTTP trigger event (reference §10.4) and a response object is expected; passed on in the INVOKE header. */
  readonly httpTrigger?: boolean;
}

/** What came of an invocation. Function errors are outcomes, not exceptions. */
export interface InvocationOutcome {
  readonly instanceId: string;
  readonly body: Buffer;
  readonly errorType?: InvocationErrorType;
  readonly contentType?: string;
  /** The invocation's own log tail (≤ 4 KB), when asked for. */
  readonly log?: string;
  readonly durationMs: number;
}

/** A snapshot of one instance for ListInstances and tests. */
export interface InstanceInfo {
  readonly instanceId: string;
  readonly accountId: string;
  readonly functionName: string;
  readonly revision: number;
  /** The published version the instance serves; undefined for LATEST. */
  readonly versionId?: string;
  readonly state: InstanceState;
  /** Frozen by the sandbox (no CPU, timers stopped) while idle. */
  readonly isFrozen: boolean;
  readonly isProvisioned: boolean;
  readonly inFlight: number;
  readonly createdTimeMs: number;
}
