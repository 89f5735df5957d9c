/** @module quotas — admission of new instances (account quotas, scale-out rate, node capacity) and reserved concurrency. */
export { createAdmission, type Admission, type AdmissionDenial, type AdmissionLimits, type InstanceShape, type ReservationLookup } from './admission.js';
export { createConcurrencyConfigService, type ConcurrencyConfigService, type ConcurrencyConfigView } from './concurrency-configs.js';
