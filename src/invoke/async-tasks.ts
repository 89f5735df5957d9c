/**
 * @module invoke/async-tasks
 * GetAsyncTask, ListAsyncTasks and StopAsyncTask (reference §6.7) over the Queue: an async task
 * is an async event of a function whose config has `asyncTask: true`. Stopping a waiting task ends
 * it at once; stopping a running one kills its attempt (the instance is replaced) and allows no
 * more retries. A task that already ended cannot be stopped, except that stopping a Stopped task
 * again succeeds.
 */
import { PlatformError, invalidArgument } from '../errors/index.js';
import { pageLimit } from '../functions/paging.js';
import type { FunctionService, QualifierResolver } from '../functions/index.js';
import type { AsyncEventRecord, AsyncEventStatus, Queue } from '../store/queue.js';
import type { EventBus } from '../events/event-bus.js';
import type { Clock } from '../time/clock.js';

const STATUSES: readonly AsyncEventStatus[] = ['Enqueued', 'Running', 'Retrying', 'Stopping', 'Succeeded', 'Failed', 'Stopped', 'Expired', 'Invalid'];

/** The AsyncTask model. */
export interface AsyncTaskView {
  taskId: string;
  requestId: string;
  functionArn: string;
  qualifier: string;
  status: AsyncEventStatus;
  alreadyRetriedTimes: number;
  startedTime?: number;
  endTime?: number;
  durationMs?: number;
  instanceId?: string;
  taskErrorMessage?: string;
  returnPayload?: string;
  taskPayload?: string;
  destinationStatus?: string;
  events: { eventId: number; status: string; timestamp: number; eventDetail?: string }[];
}

export interface ListAsyncTasksQuery {
  readonly prefix?: string;
  readonly status?: string;
  readonly limit?: string;
  readonly nextToken?: string;
  readonly sortOrderByTime?: string;
  readonly startedTimeBegin?: string;
  readonly startedTimeEnd?: string;
  readonly includePayload?: string;
  readonly qualifier?: string;
}

export interface AsyncTaskService {
  get(accountId: string, functionName: string, taskId: string, qualifier: string | null): Promise<AsyncTaskView>;
  list(accountId: string, functionName: string, query: ListAsyncTasksQuery): Promise<{ tasks: AsyncTaskView[]; nextToken?: string }>;
  stop(accountId: string, functionName: string, taskId: string, qualifier: string | null): Promise<void>;
}

const epochMs = (name: string, raw: string | undefined): number | undefined => {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw invalidArgument(`${name} must be a time in epoch milliseconds`);
  return n;
};

export function createAsyncTaskService(deps: {
  queue: Queue; functions: FunctionService; clock: Clock; events: EventBus; abortAttempt: (eventId: string) => boolean;
  /** Checks that a `qualifier` parameter names LATEST, a version or an alias of the function. */
  qualifiers: Pick<QualifierResolver, 'check'>;
}): AsyncTaskService {
  const { queue, functions, clock, events, qualifiers } = deps;

  function view(r: AsyncEventRecord, withPayload: boolean): AsyncTaskView {
    return {
      taskId: r.taskId!, requestId: r.eventId, functionArn: functions.functionArn(r.accountId, r.functionName), qualifier: r.qualifier, status: r.status,
      alreadyRetriedTimes: Math.max(0, r.attempts - 1),
      ...(r.startedAt !== undefined && { startedTime: r.startedAt }),
      ...(r.endedAt !== undefined && { endTime: r.endedAt }),
      ...(r.startedAt !== undefined && r.endedAt !== undefined && { durationMs: r.endedAt - r.startedAt }),
      ...(r.instanceId !== undefined && { instanceId: r.instanceId }),
      ...(r.errorMessage !== undefined && (r.status === 'Failed' || r.status === 'Retrying' || r.status === 'Expired' || r.status === 'Invalid' || r.status === 'Stopped') && { taskErrorMessage: r.errorMessage }),
      ...(r.returnPayload !== undefined && { returnPayload: r.returnPayload.toString('utf8') }),
      ...(withPayload && { taskPayload: r.payload.toString('utf8') }),
      ...(r.destinationStatus !== undefined && { destinationStatus: r.destinationStatus }),
      events: r.history.map((h, i) => ({ eventId: i + 1, status: h.status, timestamp: h.timestamp, ...(h.detail !== undefined && { eventDetail: h.detail }) })),
    };
  }

  async function find(accountId: string, functionName: string, taskId: string, qualifier: string | null): Promise<AsyncEventRecord> {
    functions.get(accountId, functionName);
    qualifiers.check(accountId, functionName, qualifier);
    const task = await queue.getTask(accountId, functionName, taskId);
    if (!task) throw new PlatformError('AsyncTaskNotFound', `async task '${taskId}' of function '${functionName}' does not exist`);
    return task;
  }

  return {
    async get(accountId, functionName, taskId, qualifier) {
      return view(await find(accountId, functionName, taskId, qualifier), true);
    },
    async list(accountId, functionName, q) {
      functions.get(accountId, functionName);
      qualifiers.check(accountId, functionName, q.qualifier ?? null);
      if (q.status !== undefined && q.status !== '' && !STATUSES.includes(q.status as AsyncEventStatus)) throw invalidArgument(`status must be one of ${STATUSES.join(', ')}`);
      const order = (q.sortOrderByTime ?? 'desc').toLowerCase();
      if (order !== 'asc' && order !== 'desc') throw invalidArgument("sortOrderByTime must be 'asc' or 'desc'");
      if (q.nextToken !== undefined && q.nextToken !== '' && !/^\d+$/.test(q.nextToken)) throw invalidArgument('nextToken is not one this API returned');
      const startedTimeBegin = epochMs('startedTimeBegin', q.startedTimeBegin);
      const startedTimeEnd = epochMs('startedTimeEnd', q.startedTimeEnd);
      const page = await queue.listTasks({
        accountId, functionName, isAscending: order === 'asc', limit: pageLimit(q.limit),
        ...(q.prefix && { taskIdPrefix: q.prefix }),
        ...(q.status && { status: q.status as AsyncEventStatus }),
        ...(startedTimeBegin !== undefined && { startedTimeBegin }),
        ...(startedTimeEnd !== undefined && { startedTimeEnd }),
        ...(q.nextToken && { nextToken: q.nextToken }),
      });
      const withPayload = q.includePayload === 'true';
      return { tasks: page.items.map((r) => view(r, withPayload)), ...(page.nextToken !== undefined && { nextToken: page.nextToken }) };
    },
    async stop(accountId, functionName, taskId, qualifier) {
      const task = await find(accountId, functionName, taskId, qualifier);
      const status = await queue.requestStop(accountId, functionName, taskId, clock.now());
      if (status === 'Stopping') deps.abortAttempt(task.eventId);
      else if (status === 'Stopped' && (task.status === 'Enqueued' || task.status === 'Retrying')) {
        events.emit('async:settled', { eventId: task.eventId, accountId, functionName, kind: task.kind, status: 'Stopped', attempts: task.attempts, taskId });
      } else if (status !== 'Stopped') throw new PlatformError('AsyncTaskFinished', `async task '${taskId}' has already ended (${status}) and cannot be stopped`);
    },
  };
}
