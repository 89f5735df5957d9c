/**
 * @module fc2/types
 *
 * Glossary:
 * - **service** (FC 2.0): a named group of functions of one account that shares settings: the
 *   execution `role`, `logConfig`, `vpcConfig` and `internetAccess`. FC 3.0 has no services.
 * - **service function**: function `f` of service `s`. It is the FC 3.0 function `s$f` (the name
 *   real FC 3.0 shows FC 2.0 functions under), so instances, invocation, quotas and IAM are shared;
 *   the service's settings are copied into it on create and whenever the service changes.
 * - **service qualifier**: FC 2.0 puts the qualifier after the service name: `s.LATEST`.
 */

/** The separator between service and function in the FC 3.0 name of a service function. */
export const SERVICE_FUNCTION_SEPARATOR = '$';

/** FC 2.0's service model (GetService, CreateService, UpdateService, ListServices). */
export interface Fc2ServiceView {
  serviceName: string;
  serviceId: string;
  description: string;
  role: string;
  logConfig: Record<string, unknown>;
  vpcConfig: Record<string, unknown>;
  nasConfig: Record<string, unknown>;
  internetAccess: boolean;
  tracingConfig: Record<string, unknown>;
  createdTime: string;
  lastModifiedTime: string;
}

/** FC 2.0's function model (GetFunction, CreateFunction, UpdateFunction, ListFunctions). */
export interface Fc2FunctionView {
  functionId: string;
  functionName: string;
  description: string;
  runtime: string;
  handler: string;
  timeout: number;
  initializer: string;
  initializationTimeout: number;
  codeSize: number;
  codeChecksum: string;
  memorySize: number;
  cpu: number;
  diskSize: number;
  environmentVariables: Record<string, string>;
  instanceConcurrency: number;
  instanceType: string;
  instanceLifecycleConfig: { preFreeze?: { handler?: string; timeout?: number }; preStop?: { handler?: string; timeout?: number } };
  customRuntimeConfig?: unknown;
  customDNS?: unknown;
  layers: string[];
  createdTime: string;
  lastModifiedTime: string;
}

/** A page of a List* answer. */
export interface Fc2Page<T> {
  items: T[];
  nextToken?: string;
}
