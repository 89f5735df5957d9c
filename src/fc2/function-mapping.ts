/**
 * @module fc2/function-mapping
 * FC 2.0 function fields ↔ FC 3.0 function fields. FC 2.0 has a top-level `initializer` and
 * `initializationTimeout` (FC 3.0: `instanceLifecycleConfig.initializer`) and `caPort` (FC 3.0:
 * `customRuntimeConfig.port`); the service's role, log, VPC and internet settings become the
 * function's own in FC 3.0.
 */
import { DEFAULT_TIMEOUT_S } from '../config/limits.js';
import { invalidArgument } from '../errors/index.js';
import type { FunctionConfig, FunctionView, LifecycleHook } from '../functions/index.js';
import { serviceVpcId, type Fc2ServiceConfig } from './service-config.js';
import type { Fc2FunctionView } from './types.js';

/** FC 2.0 function fields that mean the same in FC 3.0. */
const SAME_FIELDS = [
  'description', 'runtime', 'handler', 'timeout', 'memorySize', 'cpu', 'diskSize', 'environmentVariables', 'code', 'instanceConcurrency', 'layers',
  'customDNS', 'customRuntimeConfig', 'customContainerConfig',
] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The FC 3.0 settings a service imposes on each of its functions. */
export function serviceSettings(service: Fc2ServiceConfig): Record<string, unknown> {
  return {
    role: service.role,
    internetAccess: service.internetAccess,
    vpcConfig: serviceVpcId(service) !== undefined ? service.vpcConfig : null,
    logConfig: service.logConfig ?? null,
  };
}

/**
 * The FC 3.0 CreateFunction/UpdateFunction input for an FC 2.0 body. `current` is the stored
 * config on update (lifecycle hooks the body does not name are kept).
 */
export function toFc3Input(input: Record<string, unknown>, service: Fc2ServiceConfig, current: FunctionConfig | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of SAME_FIELDS) if (input[f] !== undefined && input[f] !== null) out[f] = input[f];
  if (input.caPort !== undefined && input.caPort !== null) {
    if (typeof input.caPort !== 'number' || !Number.isInteger(input.caPort) || input.caPort < 1 || input.caPort > 65535) throw invalidArgument(`caPort must be a port number, got ${JSON.stringify(input.caPort)}`);
    const base = isObject(out.customRuntimeConfig) ? out.customRuntimeConfig : isObject(current?.customRuntimeConfig) ? current.customRuntimeConfig : {};
    out.customRuntimeConfig = { ...base, port: input.caPort };
  }
  const hasLifecycle = input.initializer !== undefined || input.initializationTimeout !== undefined || input.instanceLifecycleConfig !== undefined;
  if (hasLifecycle) {
    const lc: Record<string, LifecycleHook | undefined> = { ...(current?.instanceLifecycleConfig ?? {}) };
    if (input.instanceLifecycleConfig !== undefined && input.instanceLifecycleConfig !== null) {
      if (!isObject(input.instanceLifecycleConfig)) throw invalidArgument('instanceLifecycleConfig must be an object');
      for (const k of ['preFreeze', 'preStop'] as const) {
        if (input.instanceLifecycleConfig[k] !== undefined) lc[k] = input.instanceLifecycleConfig[k] as LifecycleHook;
      }
    }
    const timeout = input.initializationTimeout;
    if (timeout !== undefined && timeout !== null && (typeof timeout !== 'number' || !Number.isInteger(timeout))) throw invalidArgument(`initializationTimeout must be an integer, got ${JSON.stringify(timeout)}`);
    if (input.initializer !== undefined && input.initializer !== null) {
      if (typeof input.initializer !== 'string') throw invalidArgument('initializer must be a string (file.export)');
      if (input.initializer === '') delete lc.initializer;
      else lc.initializer = { handler: input.initializer, timeout: (timeout as number | undefined) ?? lc.initializer?.timeout ?? DEFAULT_TIMEOUT_S };
    } else if (typeof timeout === 'number' && lc.initializer) lc.initializer = { ...lc.initializer, timeout };
    out.instanceLifecycleConfig = lc;
  }
  return { ...out, ...serviceSettings(service) };
}

const hookView = (h: LifecycleHook | undefined) => ({ handler: h?.handler ?? '', timeout: h?.timeout ?? DEFAULT_TIMEOUT_S });

/** FC 2.0's function model of an FC 3.0 function view; `functionName` is the name within the service. */
export function toFc2FunctionView(view: FunctionView, functionName: string): Fc2FunctionView {
  const cfg = view as unknown as FunctionConfig;
  const lc = cfg.instanceLifecycleConfig ?? {};
  const customRuntimeConfig = isObject(cfg.customRuntimeConfig) ? cfg.customRuntimeConfig : undefined;
  return {
    functionId: view.functionId,
    functionName,
    description: cfg.description,
    runtime: cfg.runtime,
    handler: cfg.handler,
    timeout: cfg.timeout,
    initializer: lc.initializer?.handler ?? '',
    initializationTimeout: lc.initializer?.timeout ?? DEFAULT_TIMEOUT_S,
    codeSize: view.codeSize,
    codeChecksum: view.codeChecksum,
    memorySize: cfg.memorySize,
    cpu: cfg.cpu,
    diskSize: cfg.diskSize,
    environmentVariables: cfg.environmentVariables,
    instanceConcurrency: cfg.instanceConcurrency,
    instanceType: 'e1',
    instanceLifecycleConfig: { preFreeze: hookView(lc.preFreeze), preStop: hookView(lc.preStop) },
    ...(customRuntimeConfig && { customRuntimeConfig, caPort: typeof customRuntimeConfig.port === 'number' ? customRuntimeConfig.port : 9000 }),
    ...(cfg.customDNS !== undefined && { customDNS: cfg.customDNS }),
    layers: view.layers.map((l) => l.arn),
    createdTime: view.createdTime,
    lastModifiedTime: view.lastModifiedTime,
  };
}
