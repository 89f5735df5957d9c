/** @module scheduler — instance routing, scaling and lifecycle. */
export * from './types.js';
export { createScheduler, type ExecSession, type Scheduler, type SchedulerDeps } from './scheduler.js';
