/** @module provision — provisioned instances: their configs, schedules and the controller that keeps them. */
export { createProvisionService, type ProvisionConfigView, type ProvisionService } from './provision-service.js';
export { firesAt, parseSchedule, type Schedule } from './schedule.js';
