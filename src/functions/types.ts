/**
 * @module functions/types
 *
 * Glossary:
 * - **function**: a named, configured piece of user code of one account.
 * - **function config**: the fields of FC's `Function` model the user sets (runtime, handler,
 *   memorySize, …), validated and stored with defaults applied.
 * - **revision**: a counter bumped by every UpdateFunction; instances serve exactly one revision.
 * - **code package**: the zip a function runs, stored content-addressed and unpacked read-only.
 */

export interface LifecycleHook {
  handler?: string;
  timeout?: number;
}

/** The validated, stored configuration of a function. Optional FC fields are kept as sent. */
export interface FunctionConfig {
  description: string;
  runtime: string;
  handler: string;
  timeout: number;
  memorySize: number;
  cpu: number;
  diskSize: number;
  instanceConcurrency: number;
  environmentVariables: Record<string, string>;
  internetAccess: boolean;
  instanceLifecycleConfig?: { initializer?: LifecycleHook; preStop?: LifecycleHook; preFreeze?: LifecycleHook };
  layers: string[];
  /** The code identity of each of `layers` (same order), fixed when the function was deployed. */
  layerCode?: LayerCodeRef[];
  role?: string;
  tags?: { Key: string; Value: string }[];
  /** FC fields openfc stores and returns unchanged (vpcConfig, logConfig, customDNS, …). */
  [passthrough: string]: unknown;
}

/** A layer version as a function uses it: its ARN and the package it named at deploy time. */
export interface LayerCodeRef {
  arn: string;
  codeBlobKey: string;
  codeChecksum: string;
  codeSize: number;
}

/** FC's `Function` output model (reference §6.2). */
export interface FunctionView extends Omit<FunctionConfig, 'layers' | 'layerCode'> {
  functionName: string;
  functionId: string;
  functionArn: string;
  codeChecksum: string;
  codeSize: number;
  createdTime: string;
  lastModifiedTime: string;
  state: 'Active';
  stateReason: string;
  stateReasonCode: string;
  lastUpdateStatus: 'Successful';
  lastUpdateStatusReason: string;
  lastUpdateStatusReasonCode: string;
  layers: { arn: string; size: number }[];
}
