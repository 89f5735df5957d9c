/** @module invoke — sync invocation; async enqueue, dispatch (retries, destinations) and async tasks. */
export { createInvokeService, type InvokeService, type SyncInvocation } from './sync-invoker.js';
export {
  createAsyncConfigService, DEFAULT_ASYNC_RETRY_ATTEMPTS, MAX_ASYNC_RETRY_ATTEMPTS, DEFAULT_ASYNC_EVENT_AGE_S, MAX_ASYNC_EVENT_AGE_S, MAX_ASYNC_CONCURRENCY,
  type AsyncConfigService, type AsyncConfigView, type EffectiveAsyncConfig,
} from './async-config.js';
export { parseDestination, MAX_DESTINATION_CHARS, type Destination } from './destination-arn.js';
export { createAsyncInvoker, TIMER_TASK_ID_PREFIX, type AsyncInvoker, type AsyncInvocation } from './async-invoker.js';
export { createAsyncDispatcher, type AsyncDispatcher } from './async-dispatcher.js';
export { createAsyncTaskService, type AsyncTaskService, type AsyncTaskView } from './async-tasks.js';
