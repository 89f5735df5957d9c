/**
 * @module fc2/service-config
 * Validates CreateService and UpdateService bodies (FC 2.0 service fields) and turns a stored
 * service into FC 2.0's service model. Every failure is an `InvalidArgument` naming the field.
 */
import { invalidArgument } from '../errors/index.js';
import type { Fc2ServiceRecord } from '../store/types.js';
import type { Fc2ServiceView } from './types.js';

export const SERVICE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
const MAX_DESCRIPTION_LENGTH = 256;
/** Service fields stored as objects and answered as sent. */
const OBJECT_FIELDS = ['logConfig', 'vpcConfig', 'nasConfig', 'tracingConfig', 'ossMountConfig'] as const;

/** The settings of a service as stored in its record's `config`. */
export interface Fc2ServiceConfig {
  description: string;
  role: string;
  internetAccess: boolean;
  logConfig?: Record<string, unknown>;
  vpcConfig?: Record<string, unknown>;
  nasConfig?: Record<string, unknown>;
  tracingConfig?: Record<string, unknown>;
  ossMountConfig?: Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function validateServiceName(name: unknown, field = 'serviceName'): string {
  if (typeof name !== 'string' || !SERVICE_NAME_PATTERN.test(name)) {
    throw invalidArgument(`${field} must be 1-128 letters, digits, '_' or '-', not starting with a digit or '-', got ${JSON.stringify(name)}`);
  }
  return name;
}

/** Applies `input` over `base` (the stored settings on update), validating every field present. */
export function buildServiceConfig(input: Record<string, unknown>, base: Fc2ServiceConfig | undefined): Fc2ServiceConfig {
  const has = (k: string) => input[k] !== undefined && input[k] !== null;
  const description = has('description') ? input.description : (base?.description ?? '');
  if (typeof description !== 'string' || description.length > MAX_DESCRIPTION_LENGTH) throw invalidArgument(`description must be a string of at most ${MAX_DESCRIPTION_LENGTH} characters`);
  const role = has('role') ? input.role : (base?.role ?? '');
  if (typeof role !== 'string') throw invalidArgument('role must be a string (a RAM role ARN)');
  if (role !== '' && !/^acs:ram::\d*:role\/[\w.@-]+$/i.test(role)) throw invalidArgument(`role '${role}' is not a RAM role ARN (acs:ram::<accountId>:role/<roleName>)`);
  const internetAccess = has('internetAccess') ? input.internetAccess : (base?.internetAccess ?? true);
  if (typeof internetAccess !== 'boolean') throw invalidArgument('internetAccess must be a boolean');
  const config: Fc2ServiceConfig = { ...(base ?? {}), description, role, internetAccess };
  for (const f of OBJECT_FIELDS) {
    if (!has(f)) continue;
    if (!isObject(input[f])) throw invalidArgument(`${f} must be an object`);
    config[f] = input[f] as Record<string, unknown>;
  }
  if (config.vpcConfig) {
    const vpcId = config.vpcConfig.vpcId;
    if (vpcId !== undefined && typeof vpcId !== 'string') throw invalidArgument('vpcConfig.vpcId must be a string');
  }
  return config;
}

/** The vpcId a service's functions attach to, or undefined for none. */
export function serviceVpcId(config: Fc2ServiceConfig): string | undefined {
  const vpcId = config.vpcConfig?.vpcId;
  return typeof vpcId === 'string' && vpcId !== '' ? vpcId : undefined;
}

export function toServiceView(r: Fc2ServiceRecord): Fc2ServiceView {
  const c = r.config as unknown as Fc2ServiceConfig;
  return {
    serviceName: r.serviceName,
    serviceId: r.serviceId,
    description: c.description,
    role: c.role,
    logConfig: c.logConfig ?? { project: '', logstore: '', enableRequestMetrics: false, enableInstanceMetrics: false, logBeginRule: 'None' },
    vpcConfig: c.vpcConfig ?? { vpcId: '', vSwitchIds: [], securityGroupId: '' },
    nasConfig: c.nasConfig ?? { userId: -1, groupId: -1, mountPoints: [] },
    internetAccess: c.internetAccess,
    tracingConfig: c.tracingConfig ?? {},
    createdTime: r.createdTime,
    lastModifiedTime: r.lastModifiedTime,
  };
}
