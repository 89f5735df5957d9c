/**
 * @module store/queue
 * The `Queue` interface: durable, leased, at-least-once storage of async invocations. Backends live
 * in subfolders (`sqlite/sqlite-queue.ts`); the contract suite (`queue.contract.ts`) runs against
 * each. Nothing here knows SQL.
 *
 * Glossary:
 * - **event**: one async invocation as stored, from its 202 until it is settled (then kept for
 *   `retention` so async tasks can be queried).
 * - **queue key**: which queue an event waits in. An account's events share `a:<accountId>`; a
 *   function with a dedicated queue has `f:<accountId>/<functionName>`. Claims rotate over keys.
 * - **lease**: a claim on a Running event by one dispatcher (`owner`), with a token and an expiry.
 *   Only the current token can settle or retry the event; an expired lease makes it claimable again.
 * - **attempt**: one run of the event; `attempts` counts claims (FC's approximateInvokeCount).
 * - **settled**: Succeeded, Failed, Stopped, Expired or Invalid. Every event is settled exactly once.
 */

/** Async task statuses (reference §6.7). */
export type AsyncEventStatus = 'Enqueued' | 'Running' | 'Retrying' | 'Stopping' | 'Succeeded' | 'Failed' | 'Stopped' | 'Expired' | 'Invalid';

export const SETTLED_STATUSES: readonly AsyncEventStatus[] = ['Succeeded', 'Failed', 'Stopped', 'Expired', 'Invalid'];
export const isSettled = (s: AsyncEventStatus): boolean => SETTLED_STATUSES.includes(s);

/** What an event is for: running a function, or delivering a destination record to a URL. */
export type AsyncEventKind = 'invoke' | 'http-destination';

export interface NewAsyncEvent {
  /** The request id of the InvokeFunction call (or of the settlement that made a destination event). */
  readonly eventId: string;
  readonly kind: AsyncEventKind;
  readonly accountId: string;
  readonly functionName: string;
  readonly qualifier: string;
  /** Set for async tasks (`asyncTask: true`): unique per (account, function). */
  readonly taskId?: string;
  readonly queueKey: string;
  readonly payload: Buffer;
  /** Function errors retried at most this often (0–8). */
  readonly maxRetryAttempts: number;
  /** Past `enqueuedAt + maxEventAgeMs` the event is not run again: it settles as Expired. */
  readonly maxEventAgeMs: number;
  readonly enqueuedAt: number;
  /** 0 for a client's event; an event made by a destination has its source's depth + 1. */
  readonly destinationDepth: number;
  /** The event whose settlement made this one (destination events), for destinationStatus. */
  readonly sourceEventId?: string;
  /** For http-destination events: where the record goes. */
  readonly targetUrl?: string;
}

/** One step of an event's history (AsyncTaskEvent). */
export interface AsyncEventHistoryEntry {
  readonly status: AsyncEventStatus;
  readonly timestamp: number;
  readonly detail?: string;
}

export interface AsyncEventRecord extends NewAsyncEvent {
  readonly status: AsyncEventStatus;
  readonly attempts: number;
  /** Function errors so far (what maxRetryAttempts bounds). */
  readonly functionErrors: number;
  /** System errors and throttles so far (what the backoff grows with). */
  readonly systemErrors: number;
  readonly visibleAt: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly instanceId?: string;
  readonly errorMessage?: string;
  readonly returnPayload?: Buffer;
  readonly destinationStatus?: 'Succeeded' | 'Failed';
  readonly history: readonly AsyncEventHistoryEntry[];
  readonly isStopRequested: boolean;
}

/** A claimed event: the caller holds its lease until it settles, retries or the lease expires. */
export interface ClaimedEvent {
  readonly event: AsyncEventRecord;
  readonly leaseToken: string;
}

/** How an event ended. Destination events to create go in the same commit. */
export interface Settlement {
  readonly status: 'Succeeded' | 'Failed' | 'Stopped' | 'Expired' | 'Invalid';
  readonly at: number;
  readonly errorMessage?: string;
  readonly returnPayload?: Buffer;
  readonly instanceId?: string;
  readonly detail?: string;
  /** Created atomically with the settlement (destination invocations and deliveries). */
  readonly followUps?: readonly NewAsyncEvent[];
  /** The delivery outcome of this event's own destination, when it is known at once (a function destination is delivered by its enqueue). */
  readonly destinationStatus?: 'Succeeded' | 'Failed';
  /** For a destination event: the outcome recorded on its source event. */
  readonly sourceDestinationStatus?: 'Succeeded' | 'Failed';
}

/** An attempt that did not settle: the event waits until `visibleAt` and runs again. */
export interface RetryDecision {
  readonly at: number;
  readonly visibleAt: number;
  readonly cause: 'function-error' | 'system-error';
  readonly errorMessage: string;
  readonly instanceId?: string;
}

export interface EnqueueResult {
  readonly eventId: string;
  readonly taskId?: string;
  /** False when a task with the same id already existed: nothing new was stored. */
  readonly isNew: boolean;
}

export interface AsyncEventQuery {
  readonly accountId: string;
  readonly functionName: string;
  /** Only async tasks (taskId set) are listed. */
  readonly taskIdPrefix?: string;
  readonly status?: AsyncEventStatus;
  readonly startedTimeBegin?: number;
  readonly startedTimeEnd?: number;
  readonly isAscending: boolean;
  readonly limit: number;
  readonly nextToken?: string;
}

/** Counts that prove conservation: `enqueued === inFlight + settled` at all times. */
export interface QueueCounts {
  readonly enqueued: number;
  readonly inFlight: number;
  readonly settled: number;
  readonly byStatus: Readonly<Partial<Record<AsyncEventStatus, number>>>;
}

export interface Queue {
  /**
   * Stores events durably (committed and synced to disk) before resolving. An event whose taskId
   * already exists for its function is not stored again (`isNew: false`, the existing ids).
   */
  enqueue(events: readonly NewAsyncEvent[]): Promise<EnqueueResult[]>;
  /** Queue keys that have events ready to run at `now`, oldest first. */
  readyQueueKeys(now: number): Promise<string[]>;
  /**
   * Leases up to `limit` ready events of one queue, oldest first, taking at most
   * `remainingFor(accountId, functionName)` events of a function (no bound when it returns
   * undefined). Each becomes Running until `leaseUntil`.
   */
  claim(input: { queueKey: string; owner: string; now: number; leaseUntil: number; limit: number; remainingFor?: (accountId: string, functionName: string) => number | undefined }): Promise<ClaimedEvent[]>;
  /** Extends a lease the caller still holds; false if it lost it. */
  renew(eventId: string, leaseToken: string, leaseUntil: number): Promise<boolean>;
  /** Settles an event the caller holds; false (and nothing changes) if it no longer holds the lease. */
  settle(eventId: string, leaseToken: string, settlement: Settlement): Promise<boolean>;
  /** Puts a held event back to wait for another attempt; false if the caller lost the lease. */
  retry(eventId: string, leaseToken: string, decision: RetryDecision): Promise<boolean>;
  /**
   * Events whose lease expired before `now` wait for another attempt (Retrying), or are Stopped when
   * a stop was requested. Returns the ids recovered.
   */
  recoverExpiredLeases(now: number): Promise<string[]>;
  /**
   * StopAsyncTask: a waiting event is Stopped at once; a Running one becomes Stopping (its holder
   * ends the attempt and settles it as Stopped). Returns the status after the call, or undefined
   * when no such task exists.
   */
  requestStop(accountId: string, functionName: string, taskId: string, now: number): Promise<AsyncEventStatus | undefined>;
  getTask(accountId: string, functionName: string, taskId: string): Promise<AsyncEventRecord | undefined>;
  listTasks(query: AsyncEventQuery): Promise<{ items: AsyncEventRecord[]; nextToken?: string }>;
  /** Conservation counts, for the metric and for tests. */
  counts(): Promise<QueueCounts>;
  /** Deletes settled events that ended before `before`; returns how many. */
  purgeSettled(before: number): Promise<number>;
  close(): Promise<void>;
}
