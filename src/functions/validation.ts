/**
 * @module functions/validation
 * Validates CreateFunction and UpdateFunction bodies against FC 3.0's rules (reference §6.1, §12)
 * and produces a {@link FunctionConfig} with defaults applied. Every failure is an
 * `InvalidArgument` naming the field and the rule.
 */
import * as L from '../config/limits.js';
import { invalidArgument } from '../errors/index.js';
import { RUNTIMES, createRuntimeCatalogue, supportedRuntimeIds, type RuntimeCatalogue } from './runtimes.js';
import type { FunctionConfig, LifecycleHook } from './types.js';
import { validateCustomRuntimeConfig } from './custom-runtime-config.js';

export const FUNCTION_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
/** An FC 2.0 function as FC 3.0 names it: `<serviceName>$<functionName>` (created only through the FC 2.0 API). */
export const SERVICE_FUNCTION_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,127}\$[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const HANDLER_PATTERN = /^[A-Za-z0-9_\-][A-Za-z0-9_\-./]*\.[A-Za-z_$][A-Za-z0-9_$]*$/;
const ENV_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;
const MAX_HANDLER_LENGTH = 128;
const MAX_DESCRIPTION_LENGTH = 256;
const MAX_LAYERS = 5;

/** Fields of CreateFunctionInput openfc stores without interpreting them. */
const PASSTHROUGH_FIELDS = [
  'vpcConfig', 'logConfig', 'nasConfig', 'ossMountConfig', 'tracingConfig', 'customDNS', 'gpuConfig', 'customRuntimeConfig',
  'instanceIsolationMode', 'sessionAffinity', 'sessionAffinityConfig', 'disableOndemand', 'enableLongLiving', 'idleTimeout',
  'resourceGroupId', 'disableInjectCredentials', 'polarFsConfig', 'juiceFsConfig',
] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function intIn(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw invalidArgument(`${field} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return v;
}

export function validateFunctionName(name: unknown, field = 'functionName'): string {
  if (typeof name === 'string' && name.includes('$') && SERVICE_FUNCTION_NAME_PATTERN.test(name)) return name;
  if (typeof name !== 'string' || !FUNCTION_NAME_PATTERN.test(name)) {
    throw invalidArgument(`${field} must be 1-64 letters, digits, '_' or '-', not starting with a digit or '-', got ${JSON.stringify(name)}`);
  }
  return name;
}

/** The catalogue with FC's published phases and no overrides. */
const BUILT_IN_CATALOGUE = createRuntimeCatalogue();

/**
 * Checks the runtime a function will have. A function that keeps its runtime is checked as an
 * update; one that gets a new runtime (or a new function) as a create, so moving a function onto
 * a create-blocked runtime is refused and moving it off a blocked one (migrating) is not.
 */
function validateRuntime(v: unknown, previous: string | undefined, catalogue: RuntimeCatalogue): string {
  if (typeof v !== 'string' || !v) throw invalidArgument('runtime is required');
  const supported = supportedRuntimeIds().join(', ');
  if (!catalogue.get(v)) throw invalidArgument(`runtime '${v}' is not a valid runtime; supported: ${supported}`);
  catalogue.check(v, v === previous ? 'update' : 'create');
  if (!RUNTIMES[v]) throw invalidArgument(`runtime '${v}' is not supported by openfc yet; supported: ${supported}`);
  return v;
}

function validateHandler(field: string, v: unknown): string {
  if (typeof v !== 'string' || !v) throw invalidArgument(`${field} is required`);
  if (v.length > MAX_HANDLER_LENGTH || !HANDLER_PATTERN.test(v) || v.split('/').includes('..')) {
    throw invalidArgument(`${field} '${v}' must look like 'file.export' (for example 'index.handler'), a path relative to the code root`);
  }
  return v;
}

function validateEnv(v: unknown): Record<string, string> {
  if (!isObject(v)) throw invalidArgument('environmentVariables must be an object of string values');
  let total = 0;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (!ENV_KEY_PATTERN.test(k)) throw invalidArgument(`environment variable name '${k}' must start with a letter and contain only letters, digits and '_'`);
    if (k.startsWith('FC_')) throw invalidArgument(`environment variable name '${k}' uses the reserved prefix FC_`);
    if (typeof val !== 'string') throw invalidArgument(`environment variable '${k}' must be a string`);
    total += Buffer.byteLength(k) + Buffer.byteLength(val);
    out[k] = val;
  }
  if (total > L.MAX_ENV_TOTAL_BYTES) throw invalidArgument(`environmentVariables total ${total} bytes, more than the limit of ${L.MAX_ENV_TOTAL_BYTES} bytes`);
  return out;
}

function validateHook(name: 'initializer' | 'preStop' | 'preFreeze', v: unknown, maxTimeout: number): LifecycleHook | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw invalidArgument(`instanceLifecycleConfig.${name} must be an object`);
  if (v.handler === undefined || v.handler === '') return undefined;
  const handler = validateHandler(`instanceLifecycleConfig.${name}.handler`, v.handler);
  const timeout = v.timeout === undefined ? L.DEFAULT_TIMEOUT_S : intIn(`instanceLifecycleConfig.${name}.timeout`, v.timeout, 1, maxTimeout);
  return { handler, timeout };
}

function validateCpu(cpu: unknown, memorySize: number): number {
  if (typeof cpu !== 'number' || cpu < 0.05 || cpu > 16 || Math.abs(Math.round(cpu * 20) - cpu * 20) > 1e-9) {
    throw invalidArgument(`cpu must be a multiple of 0.05 from 0.05 to 16, got ${JSON.stringify(cpu)}`);
  }
  const ratio = memorySize / 1024 / cpu;
  if (ratio < 1 - 1e-9 || ratio > 4 + 1e-9) {
    throw invalidArgument(`the ratio of cpu (${cpu} vCPU) to memorySize (${memorySize} MB = ${memorySize / 1024} GB) must be from 1:1 to 1:4`);
  }
  return cpu;
}

/** The default vCPU for a memory size: half a vCPU per GB, in 0.05 steps, always within 1:1-1:4. */
export function defaultCpu(memorySize: number): number {
  return Math.max(0.05, Math.ceil((memorySize / 1024 / 2) * 20 - 1e-9) / 20);
}

function validateTags(v: unknown): { Key: string; Value: string }[] {
  if (!Array.isArray(v)) throw invalidArgument('tags must be an array of {Key, Value}');
  return v.map((t, i) => {
    if (!isObject(t) || typeof t.Key !== 'string' || !t.Key || (t.Value !== undefined && typeof t.Value !== 'string')) {
      throw invalidArgument(`tags[${i}] must be {Key: string, Value: string}`);
    }
    return { Key: t.Key, Value: (t.Value as string | undefined) ?? '' };
  });
}

/**
 * Applies `input` over `base` (the stored config on update, nothing on create), validating every
 * field present. Empty arrays and objects clear a field, as FC tools expect.
 */
export function buildFunctionConfig(input: Record<string, unknown>, base: FunctionConfig | undefined, catalogue: RuntimeCatalogue = BUILT_IN_CATALOGUE): FunctionConfig {
  const isCreate = base === undefined;
  const has = (k: string) => input[k] !== undefined && input[k] !== null;
  const runtime = validateRuntime(has('runtime') ? input.runtime : base?.runtime, base?.runtime, catalogue);
  const handler = has('handler') ? validateHandler('handler', input.handler) : isCreate ? validateHandler('handler', undefined) : base.handler;
  const memorySize = has('memorySize') ? intIn('memorySize', input.memorySize, L.MIN_MEMORY_MB, L.MAX_MEMORY_MB) : (base?.memorySize ?? L.DEFAULT_MEMORY_MB);
  if (memorySize % L.MEMORY_STEP_MB !== 0) throw invalidArgument(`memorySize must be a multiple of ${L.MEMORY_STEP_MB} MB, got ${memorySize}`);
  let cpu: number;
  if (has('cpu')) cpu = validateCpu(input.cpu, memorySize);
  else if (base && has('memorySize')) {
    const ratio = memorySize / 1024 / base.cpu;
    cpu = ratio >= 1 && ratio <= 4 ? base.cpu : defaultCpu(memorySize);
  } else cpu = base?.cpu ?? defaultCpu(memorySize);
  const diskSize = has('diskSize') ? (input.diskSize as number) : (base?.diskSize ?? L.DISK_SIZES_MB[0]);
  if (!(L.DISK_SIZES_MB as readonly unknown[]).includes(diskSize)) throw invalidArgument(`diskSize must be 512 or 10240, got ${JSON.stringify(diskSize)}`);
  const description = has('description') ? input.description : (base?.description ?? '');
  if (typeof description !== 'string' || description.length > MAX_DESCRIPTION_LENGTH) throw invalidArgument(`description must be a string of at most ${MAX_DESCRIPTION_LENGTH} characters`);
  const internetAccess = has('internetAccess') ? input.internetAccess : (base?.internetAccess ?? true);
  if (typeof internetAccess !== 'boolean') throw invalidArgument('internetAccess must be a boolean');

  const config: FunctionConfig = {
    ...(base ?? {}),
    description,
    runtime,
    handler,
    timeout: has('timeout') ? intIn('timeout', input.timeout, L.MIN_TIMEOUT_S, L.MAX_TIMEOUT_S) : (base?.timeout ?? L.DEFAULT_TIMEOUT_S),
    memorySize,
    cpu,
    diskSize,
    instanceConcurrency: has('instanceConcurrency')
      ? intIn('instanceConcurrency', input.instanceConcurrency, L.MIN_INSTANCE_CONCURRENCY, L.MAX_INSTANCE_CONCURRENCY)
      : (base?.instanceConcurrency ?? 1),
    environmentVariables: has('environmentVariables') ? validateEnv(input.environmentVariables) : (base?.environmentVariables ?? {}),
    internetAccess,
    layers: base?.layers ?? [],
  };

  if (has('instanceLifecycleConfig')) {
    const lc = input.instanceLifecycleConfig;
    if (!isObject(lc)) throw invalidArgument('instanceLifecycleConfig must be an object');
    const initializer = validateHook('initializer', lc.initializer, L.MAX_INITIALIZER_TIMEOUT_S);
    const preStop = validateHook('preStop', lc.preStop, L.MAX_PRESTOP_TIMEOUT_S);
    const preFreeze = validateHook('preFreeze', lc.preFreeze, L.MAX_PRESTOP_TIMEOUT_S);
    config.instanceLifecycleConfig = { ...(initializer && { initializer }), ...(preStop && { preStop }), ...(preFreeze && { preFreeze }) };
  }
  if (has('layers')) {
    const layers = input.layers;
    if (!Array.isArray(layers) || layers.some((l) => typeof l !== 'string')) throw invalidArgument('layers must be an array of layer version ARNs');
    if (layers.length > MAX_LAYERS) throw invalidArgument(`a function can use at most ${MAX_LAYERS} layers, got ${layers.length}`);
    if (new Set(layers).size !== layers.length) throw invalidArgument('layers must not name the same layer version twice');
    config.layers = [...(layers as string[])];
  }
  if (has('role')) {
    if (typeof input.role !== 'string') throw invalidArgument('role must be a string (a RAM role ARN)');
    config.role = input.role;
  }
  if (isCreate && has('tags')) config.tags = validateTags(input.tags);
  validateCustomRuntimeConfig(input.customRuntimeConfig);
  for (const f of PASSTHROUGH_FIELDS) if (input[f] !== undefined) config[f] = input[f];
  if (has('customContainerConfig')) throw invalidArgument('customContainerConfig is only valid with runtime custom-container, which openfc does not run yet');
  return config;
}
