/**
 * @module events/event-bus
 * Typed, namespaced platform events. Listeners can never break the emitter: a throwing listener
 * is logged and ignored. Tests await events with {@link EventBus.next} instead of sleeping.
 */

/** Why an instance stopped. */
export type InstanceStopReason = 'idle' | 'timeout' | 'crash' | 'oom' | 'revision-changed' | 'function-deleted' | 'shutdown' | 'start-failed' | 'init-failed' | 'aborted' | 'lifetime' | 'version-deleted';

export interface EventMap {
  /** `reason`: an invocation found no free slot, or a provision config asked for the instance. */
  'instance:started': { instanceId: string; accountId: string; functionName: string; revision: number; startMs: number; sandboxMs: number; assignMs: number; reason: 'invocation' | 'provisioned' };
  'instance:frozen': { instanceId: string; accountId: string; functionName: string; reason: 'idle' };
  /** `reason`: an invocation needs it, it is about to stop (its preStop hook must run), or alwaysAllocateCPU was set. */
  'instance:thawed': { instanceId: string; accountId: string; functionName: string; reason: 'invocation' | 'stopping' | 'always-allocate-cpu' | 'exec' };
  'instance:stopped': { instanceId: string; accountId: string; functionName: string; reason: InstanceStopReason };
  'invocation:completed': { requestId: string; accountId: string; functionName: string; instanceId: string; durationMs: number; errorType?: string };
  /** An invocation got a slot (on a running instance, or a new one) only after waiting for capacity. */
  'invocation:waited': { accountId: string; functionName: string; outcome: 'slot' | 'instance' };
  /** An invocation was refused a slot (quota, rate or node capacity) after its bounded wait. */
  'invocation:throttled': { accountId: string; functionName: string; code: 'ResourceThrottled' | 'ResourceExhausted' };
  /** An async event was stored durably (its 202 is on its way). */
  'async:enqueued': { eventId: string; accountId: string; functionName: string; taskId?: string };
  /** An async attempt failed and the event waits for another, at `visibleAt`. */
  'async:retrying': { eventId: string; accountId: string; functionName: string; cause: 'function-error' | 'system-error'; visibleAt: number; errorMessage: string };
  /** An async event (or a destination delivery) reached its end. */
  'async:settled': { eventId: string; accountId: string; functionName: string; kind: 'invoke' | 'http-destination'; status: 'Succeeded' | 'Failed' | 'Stopped' | 'Expired' | 'Invalid'; attempts: number; taskId?: string };
  /** A dispatcher lost an attempt (crashed, or took longer than its lease): the event runs again. */
  'lease:expired': { eventId: string };
  /** A timer trigger's schedule point was handed to the async invoker (`isNew` false: it had been enqueued before). */
  'trigger:fired': { triggerId: string; accountId: string; functionName: string; triggerName: string; pointMs: number; eventId: string; isNew: boolean };
  /** Schedule points missed while openfc was down (or stalled) that will not fire: only the newest missed point does. */
  'trigger:skipped': { triggerId: string; accountId: string; functionName: string; triggerName: string; skippedCount: number; oldestMs: number; newestMs: number };
  /** A timer point was not fired: its invocationRole may not invoke the function, or the invocation was refused. */
  'trigger:refused': { triggerId: string; accountId: string; functionName: string; triggerName: string; pointMs: number; code: string; message: string };
}

export type EventName = keyof EventMap;
type Listener<K extends EventName> = (payload: EventMap[K]) => void;

export class EventBus {
  #listeners = new Map<EventName, Set<Listener<never>>>();
  readonly #onListenerError: (e: unknown) => void;

  constructor(onListenerError: (e: unknown) => void = () => {}) {
    this.#onListenerError = onListenerError;
  }

  on<K extends EventName>(name: K, fn: Listener<K>): () => void {
    let set = this.#listeners.get(name);
    if (!set) this.#listeners.set(name, (set = new Set()));
    set.add(fn as Listener<never>);
    return () => set.delete(fn as Listener<never>);
  }

  /** Whether anyone listens, so a hot path can skip building a payload nobody reads. */
  hasListeners(name: EventName): boolean {
    return (this.#listeners.get(name)?.size ?? 0) > 0;
  }

  emit<K extends EventName>(name: K, payload: EventMap[K]): void {
    const set = this.#listeners.get(name);
    if (!set) return;
    for (const fn of set) {
      try {
        (fn as Listener<K>)(payload);
      } catch (e: unknown) {
        this.#onListenerError(e);
      }
    }
  }

  /** Resolves with the next event of this name that matches `predicate`. */
  next<K extends EventName>(name: K, predicate: (p: EventMap[K]) => boolean = () => true): Promise<EventMap[K]> {
    return new Promise((resolve) => {
      const off = this.on(name, (p) => {
        if (!predicate(p)) return;
        off();
        resolve(p);
      });
    });
  }
}
