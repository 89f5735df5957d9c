/** @module fc2 — the FC 2.0 model: services and their functions (as FC 3.0 functions `<service>$<function>`). */
export * from './types.js';
export { createFc2Service, serviceFunctionName, type Fc2ListQuery, type Fc2Service } from './fc2-service.js';
export { SERVICE_NAME_PATTERN, buildServiceConfig, toServiceView, validateServiceName, type Fc2ServiceConfig } from './service-config.js';
export { toFc2FunctionView, toFc3Input, serviceSettings } from './function-mapping.js';
