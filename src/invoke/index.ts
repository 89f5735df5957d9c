/** @module invoke — synchronous invocation (async arrives with the queue). */
export { createInvokeService, checkQualifier, type InvokeService, type SyncInvocation } from './sync-invoker.js';
