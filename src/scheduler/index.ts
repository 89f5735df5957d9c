/** @module scheduler — instance routing, scaling and lifecycle. */
export * from './types.js';
export { createScheduler, type Scheduler, type SchedulerDeps } from './scheduler.js';
export type { ExecSession } from './exec-sessions.js';
