/** @module triggers — trigger CRUD, HTTP trigger URLs and timer triggers (with their invocation roles). */
export * from './types.js';
export { createTriggerService, MAX_TRIGGER_DESCRIPTION_CHARS, type TriggerService, type TriggerChange, type TriggerEndpoints } from './trigger-service.js';
export { createHttpTriggerHandler } from './http-trigger-handler.js';
export { createTimerScheduler, timerEventId, type TimerScheduler } from './timer-scheduler.js';
export { createInvocationRoleCheck, type InvocationRoleCheck } from './invocation-role.js';
export { parseTimerSchedule, nextPoint, pointsBetween, type TimerSchedule } from './timer-schedule.js';
export { HTTP_METHODS, MAX_TIMER_PAYLOAD_BYTES, normalizeTriggerConfig } from './trigger-config.js';
export { buildHttpEvent, toHttpResponse, type HttpTriggerEvent } from './http-event.js';
