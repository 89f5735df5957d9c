/**
 * @module scheduler/assignment
 * Builds what an instance is told when a function is assigned to it: the FC environment
 * (reference §10.2) plus the function's own variables, and the handler/hook configuration.
 * Nothing of the platform's own environment is included.
 */
import type { AssignHeader, Credentials } from '../sandbox/channel/index.js';
import type { FunctionConfig } from '../functions/types.js';
import { RUNTIMES, resolveCustomRuntime } from '../functions/index.js';
import type { FunctionRecord } from '../store/types.js';
import { layerSearchPaths } from './layer-env.js';

export function buildAssignHeader(input: {
  fn: FunctionRecord;
  instanceId: string;
  codeDirInside: string;
  /** Where the instance sees its merged layers (`/opt` when isolated); absent: no layer search paths. */
  optDirInside?: string;
  region: string;
  initRequestId: string;
  /** The execution role's temporary credentials, for a function with a `role`. */
  credentials?: Credentials;
  /** Custom runtimes: how long the user's server may take to listen. @default 30000 */
  readyTimeoutMs?: number;
  /** Variables the platform adds (e.g. OPENFC_API_ENDPOINT for VPC functions); they override the function's own. */
  platformEnv?: Record<string, string>;
}): AssignHeader {
  const { fn, instanceId, codeDirInside, region, credentials } = input;
  const cfg = fn.config as FunctionConfig;
  // The version the instance serves ('LATEST' and version '0' for LATEST, as FC reports it).
  const qualifier = fn.versionId ?? 'LATEST';
  const init = cfg.instanceLifecycleConfig?.initializer;
  const preStop = cfg.instanceLifecycleConfig?.preStop;
  const preFreeze = cfg.instanceLifecycleConfig?.preFreeze;
  const custom = RUNTIMES[cfg.runtime]?.family === 'custom' ? resolveCustomRuntime(cfg.customRuntimeConfig) : undefined;
  const env: Record<string, string> = {
    ...(input.optDirInside && layerSearchPaths({ runtime: cfg.runtime, codeDir: codeDirInside, optDir: input.optDirInside })),
    ...cfg.environmentVariables,
    FC_FUNC_CODE_PATH: codeDirInside.endsWith('/') ? codeDirInside : codeDirInside + '/',
    FC_ACCOUNT_ID: fn.accountId,
    FC_REGION: region,
    FC_FUNCTION_NAME: fn.functionName,
    // An FC 2.0 function (`<service>$<function>`) also learns its service, as FC 2.0 runtimes do.
    ...(fn.functionName.includes('$') && { FC_SERVICE_NAME: fn.functionName.slice(0, fn.functionName.indexOf('$')) }),
    FC_FUNCTION_HANDLER: cfg.handler,
    FC_FUNCTION_MEMORY_SIZE: String(cfg.memorySize),
    FC_TIMEOUT: String(cfg.timeout),
    FC_RUNTIME: cfg.runtime,
    FC_INSTANCE_ID: instanceId,
    FC_FUNCTION_VERSION: qualifier,
    FC_QUALIFIER: qualifier,
    ...(init?.handler && { FC_INITIALIZER_HANDLER: init.handler, FC_INITIALIZATION_TIMEOUT: String(init.timeout ?? 3) }),
    ...(credentials && credentialEnv(credentials)),
    ...(custom && { FC_CUSTOM_LISTEN_PORT: String(custom.port), FC_SERVER_PORT: String(custom.port) }),
    ...input.platformEnv,
  };
  return {
    instanceId,
    accountId: fn.accountId,
    region,
    codeDir: codeDirInside,
    env,
    function: {
      name: fn.functionName,
      handler: cfg.handler,
      memory: cfg.memorySize,
      timeout: cfg.timeout,
      ...(init?.handler && { initializer: init.handler, initializationTimeout: init.timeout ?? 3 }),
      ...(preStop?.handler && { preStop: preStop.handler, preStopTimeout: preStop.timeout ?? 3 }),
      ...(preFreeze?.handler && { preFreeze: preFreeze.handler, preFreezeTimeout: preFreeze.timeout ?? 3 }),
      qualifier,
      versionId: fn.versionId ?? '0',
    },
    initRequestId: input.initRequestId,
    ...(credentials && { credentials }),
    runtime: cfg.runtime,
    ...(custom && { customRuntime: { command: [...custom.command], args: [...custom.args], port: custom.port, readyTimeoutMs: input.readyTimeoutMs ?? 30_000 } }),
  };
}

/** How the execution role's credentials appear in the instance environment (the SDKs' default chain reads them). */
export function credentialEnv(c: Credentials): Record<string, string> {
  return { ALIBABA_CLOUD_ACCESS_KEY_ID: c.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: c.accessKeySecret, ALIBABA_CLOUD_SECURITY_TOKEN: c.securityToken };
}
