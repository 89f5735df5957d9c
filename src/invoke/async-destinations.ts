/**
 * @module invoke/async-destinations
 * Destinations of async invocations (destinationConfig onSuccess / onFailure). When an event
 * settles, its destination record is built and turned into follow-up events that the queue stores
 * in the same commit as the settlement, so a record is never lost between the two:
 * - a function destination becomes an async invocation of that function (its own async config
 *   applies: retries, age, task mode), whose payload is the record;
 * - an HTTP(S) destination becomes a delivery event: a POST of the record, retried with the
 *   system-error backoff until the source's event age runs out.
 * Chains are bounded: an event made by a destination carries its depth, and past
 * MAX_DESTINATION_DEPTH no further destination is invoked.
 */
import type { AsyncEventRecord, NewAsyncEvent } from '../store/queue.js';
import type { AsyncConfigService, EffectiveAsyncConfig } from './async-config.js';
import type { Destination } from './destination-arn.js';

/** A destination may itself have a destination, this many hops deep at most. */
export const MAX_DESTINATION_DEPTH = 4;
/** Largest response payload put into a record (like FC's returnPayload). */
export const MAX_RECORD_RESPONSE_BYTES = 1024 * 1024;

export type DestinationCondition = '' | 'RetriesExhausted' | 'EventAgeExceeded' | 'Stopped' | 'Invalid';

export interface DestinationRecordInput {
  readonly event: AsyncEventRecord;
  readonly functionArn: string;
  readonly at: number;
  /** '' on success; why the event failed otherwise. */
  readonly condition: DestinationCondition;
  readonly functionError?: string;
  readonly responsePayload?: Buffer;
}

/** FC's destination record, as JSON bytes. */
export function destinationRecord(r: DestinationRecordInput): Buffer {
  const response = r.responsePayload?.subarray(0, MAX_RECORD_RESPONSE_BYTES).toString('utf8') ?? '';
  return Buffer.from(JSON.stringify({
    timestamp: new Date(r.at).toISOString(),
    requestContext: { requestId: r.event.eventId, functionArn: r.functionArn, condition: r.condition, approximateInvokeCount: r.event.attempts },
    requestPayload: r.event.payload.toString('utf8'),
    responseContext: { statusCode: 200, functionError: r.functionError ?? '' },
    responsePayload: response,
  }));
}

/** Which queue an event of this function waits in. */
export const queueKeyFor = (accountId: string, functionName: string, config: Pick<EffectiveAsyncConfig, 'isDedicatedQueue'>): string =>
  config.isDedicatedQueue ? `f:${accountId}/${functionName}` : `a:${accountId}`;

export interface FollowUps {
  readonly followUps: NewAsyncEvent[];
  /** Known at once for a function destination (delivered by its enqueue) or a chain cut short. */
  readonly destinationStatus?: 'Succeeded' | 'Failed';
}

/**
 * The events that deliver `record` to `destination`. `newEventId` names them; `targetConfig`
 * reads the destination function's async config (it throws when that function is gone).
 */
export function followUpsFor(input: {
  source: AsyncEventRecord;
  destination: Destination | undefined;
  record: Buffer;
  at: number;
  newEventId: () => string;
  asyncConfigs: Pick<AsyncConfigService, 'effective'>;
}): FollowUps {
  const { source, destination } = input;
  if (!destination) return { followUps: [] };
  if (source.destinationDepth >= MAX_DESTINATION_DEPTH) return { followUps: [], destinationStatus: 'Failed' };
  const common = { accountId: source.accountId, payload: input.record, enqueuedAt: input.at, destinationDepth: source.destinationDepth + 1, sourceEventId: source.eventId };
  if (destination.kind === 'http') {
    return {
      followUps: [{
        ...common, eventId: input.newEventId(), kind: 'http-destination', functionName: source.functionName, qualifier: source.qualifier, queueKey: `a:${source.accountId}`,
        maxRetryAttempts: 0, maxEventAgeMs: source.maxEventAgeMs, targetUrl: destination.url,
      }],
    };
  }
  let target: EffectiveAsyncConfig;
  try {
    target = input.asyncConfigs.effective(source.accountId, destination.functionName, destination.qualifier ?? null);
  } catch {
    return { followUps: [], destinationStatus: 'Failed' };
  }
  const eventId = input.newEventId();
  return {
    followUps: [{
      ...common, eventId, kind: 'invoke', functionName: destination.functionName, qualifier: destination.qualifier ?? 'LATEST',
      queueKey: queueKeyFor(source.accountId, destination.functionName, target), maxRetryAttempts: target.maxRetryAttempts, maxEventAgeMs: target.maxEventAgeMs,
      ...(target.isTask && { taskId: eventId }),
    }],
    destinationStatus: 'Succeeded',
  };
}
