/**
 * @module config/config
 * One schema for openfc's settings, with defaults inline and units in names. This module is the
 * only reader of `process.env`: `resolveConfig(options, env)` turns CLI flags and environment
 * variables into a {@link ResolvedConfig} with every field set.
 */
import path from 'node:path';
import { invalidArgument } from '../errors/index.js';
import { MAX_ASYNC_PAYLOAD_BYTES, MAX_CODE_ENTRIES, MAX_CODE_UNPACKED_BYTES, MAX_CODE_ZIP_BASE64_BYTES, MAX_SYNC_PAYLOAD_BYTES } from './limits.js';

export const SANDBOX_DRIVER_NAMES = ['auto', 'linux', 'process'] as const;
export type SandboxDriverName = (typeof SANDBOX_DRIVER_NAMES)[number];

export interface ResolvedConfig {
  /** Where openfc keeps its database, code packages, TLS material and instance run dirs. @default "./.openfc" */
  dataDir: string;
  /** HTTPS listener port; 0 picks a free one. @default 9443 */
  httpsPort: number;
  /** HTTPS listener address. @default "0.0.0.0" */
  httpsHost: string;
  /** Plain-HTTP listener port, always bound to 127.0.0.1; 0 picks a free one, -1 disables it. @default 9000 */
  httpPort: number;
  /** PEM certificate and key for HTTPS; a self-signed ECDSA pair is generated when unset. */
  tlsCertFile?: string;
  tlsKeyFile?: string;
  /** Region id used in ARNs and the instance environment. @default "cn-local" */
  region: string;
  /** Root AccessKey to create or ensure for the default account (OPENFC_ROOT_ACCESS_KEY_ID/SECRET). */
  rootAccessKeyId?: string;
  rootAccessKeySecret?: string;
  /** Which sandbox driver runs instances: `auto` picks `linux` where the machine allows, else `process`. @default "auto" */
  sandbox: SandboxDriverName;
  /** On-demand instances idle this long are released. @default 300000 (5 min) */
  idleTimeoutMs: number;
  /** How long an instance may take to start and report ready. @default 30000 */
  instanceStartTimeoutMs: number;
  /** Sync invocation payload limit. @default 32 MiB */
  maxSyncPayloadBytes: number;
  /** Limit on the base64 `code.zipFile` in CreateFunction/UpdateFunction. @default 100 MiB */
  maxCodeZipBase64Bytes: number;
  /** Limit on the unpacked size of a code package. @default 500 MiB */
  maxCodeUnpackedBytes: number;
  /** Limit on the number of entries in a code package. @default 65535 */
  maxCodeEntries: number;
  /** Lifetime of a GetFunctionCode download URL. @default 300000 (5 min) */
  codeUrlTtlMs: number;
  /** Allowed distance between x-acs-date and the server clock. @default 900000 (15 min) */
  signatureMaxSkewMs: number;
  /**
   * Worker threads that check request signatures when requests arrive in bursts (an idle server
   * checks inline, with no thread hop); 0 checks everything on the main thread. @default 1
   */
  signatureThreads: number;
  /** Stem cells (pre-started sandboxes) kept ready per (runtime, memory, disk, network) key; 0 disables. @default 2 */
  stemCellPoolSize: number;
  /** How long after a cell is taken the pool starts a replacement (off the request path). @default 50 */
  stemCellRefillDelayMs: number;
  /** An instance with nothing in flight is frozen after this long (drivers that can freeze). @default 100 */
  freezeAfterIdleMs: number;
  /** Linux driver: instances run without a CPU quota this long after they start. @default 20000 */
  coldStartBoostMs: number;
  /** Linux driver: the /16 instance network links are carved from (each instance takes a /30). @default "100.96.0.0" */
  instanceSubnetBase: string;
  /** Linux driver: per-instance bandwidth in each direction, in tc units. @default "1gbit" */
  instanceBandwidth: string;
  /** Linux driver: bandwidth of performance instances (diskSize 10240). @default "5gbit" */
  performanceInstanceBandwidth: string;
  /** An instance is drained and replaced after running this long. @default 129600000 (36 h) */
  maxInstanceLifetimeMs: number;
  /** Instances one account may run (reservations included). @default 300 */
  maxInstancesPerAccount: number;
  /** New instances one account may start per minute (a token bucket). @default 300 */
  scaleOutPerMinute: number;
  /** vCPUs one account's instances may use together. @default 300 */
  maxVcpuPerAccount: number;
  /** Memory one account's instances may use together, in MB. @default 307200 (300 GB) */
  maxMemoryMbPerAccount: number;
  /** Share of the machine's memory that instances may be given in total. @default 0.9 */
  nodeMemoryCommitRatio: number;
  /** How long an invocation waits for a slot when quotas or capacity refuse a new instance, before 429/503. @default 500 */
  slotWaitMs: number;
  /** Async invocation payload limit (FC: 128 KB). @default 131072 */
  maxAsyncPayloadBytes: number;
  /** Async attempts this node runs at once, over all accounts. @default 64 */
  asyncDispatchConcurrency: number;
  /** How often the dispatcher looks for due retries, expired leases and other nodes' events. @default 1000 */
  asyncPollIntervalMs: number;
  /** The lease a claim takes; an attempt of a function with a longer timeout renews it to timeout + margin. @default 60000 */
  asyncClaimLeaseMs: number;
  /** How much longer than the function timeout an attempt's lease lasts. @default 10000 */
  asyncLeaseMarginMs: number;
  /** First retry delay of the binary exponential backoff (doubles per attempt). @default 500 */
  asyncBackoffBaseMs: number;
  /** Longest retry delay. @default 300000 (5 min) */
  asyncBackoffCapMs: number;
  /** Settled async events (and so async tasks) are kept this long, then purged. @default 604800000 (7 days) */
  asyncRetentionMs: number;
  /** How long an HTTP destination may take to answer a delivery. @default 10000 */
  asyncHttpDestinationTimeoutMs: number;
  /** Platform log level. @default "info" */
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** User-facing options: every field optional. */
export type PlatformOptions = Partial<ResolvedConfig>;

export const DEFAULT_CONFIG: ResolvedConfig = {
  dataDir: './.openfc',
  httpsPort: 9443,
  httpsHost: '0.0.0.0',
  httpPort: 9000,
  region: 'cn-local',
  sandbox: 'auto',
  idleTimeoutMs: 5 * 60 * 1000,
  instanceStartTimeoutMs: 30_000,
  maxSyncPayloadBytes: MAX_SYNC_PAYLOAD_BYTES,
  maxCodeZipBase64Bytes: MAX_CODE_ZIP_BASE64_BYTES,
  maxCodeUnpackedBytes: MAX_CODE_UNPACKED_BYTES,
  maxCodeEntries: MAX_CODE_ENTRIES,
  codeUrlTtlMs: 5 * 60 * 1000,
  signatureMaxSkewMs: 15 * 60 * 1000,
  signatureThreads: 1,
  stemCellPoolSize: 2,
  stemCellRefillDelayMs: 50,
  freezeAfterIdleMs: 100,
  coldStartBoostMs: 20_000,
  instanceSubnetBase: '100.96.0.0',
  instanceBandwidth: '1gbit',
  performanceInstanceBandwidth: '5gbit',
  maxInstanceLifetimeMs: 36 * 60 * 60 * 1000,
  maxInstancesPerAccount: 300,
  scaleOutPerMinute: 300,
  maxVcpuPerAccount: 300,
  maxMemoryMbPerAccount: 300 * 1024,
  nodeMemoryCommitRatio: 0.9,
  slotWaitMs: 500,
  maxAsyncPayloadBytes: MAX_ASYNC_PAYLOAD_BYTES,
  asyncDispatchConcurrency: 64,
  asyncPollIntervalMs: 1000,
  asyncClaimLeaseMs: 60_000,
  asyncLeaseMarginMs: 10_000,
  asyncBackoffBaseMs: 500,
  asyncBackoffCapMs: 5 * 60 * 1000,
  asyncRetentionMs: 7 * 24 * 60 * 60 * 1000,
  asyncHttpDestinationTimeoutMs: 10_000,
  logLevel: 'info',
};

/** Environment variables openfc reads, and the config field each sets. */
export const ENV_VARS: Record<string, keyof ResolvedConfig> = {
  OPENFC_DATA_DIR: 'dataDir',
  OPENFC_PORT: 'httpsPort',
  OPENFC_HTTP_PORT: 'httpPort',
  OPENFC_REGION: 'region',
  OPENFC_ROOT_ACCESS_KEY_ID: 'rootAccessKeyId',
  OPENFC_ROOT_ACCESS_KEY_SECRET: 'rootAccessKeySecret',
  OPENFC_SANDBOX: 'sandbox',
  OPENFC_IDLE_TIMEOUT_MS: 'idleTimeoutMs',
  OPENFC_STEM_CELL_POOL_SIZE: 'stemCellPoolSize',
  OPENFC_STEM_CELL_REFILL_DELAY_MS: 'stemCellRefillDelayMs',
  OPENFC_LOG_LEVEL: 'logLevel',
  OPENFC_SIGNATURE_THREADS: 'signatureThreads',
  OPENFC_MAX_INSTANCE_LIFETIME_MS: 'maxInstanceLifetimeMs',
  OPENFC_MAX_INSTANCES_PER_ACCOUNT: 'maxInstancesPerAccount',
  OPENFC_SCALE_OUT_PER_MINUTE: 'scaleOutPerMinute',
  OPENFC_MAX_VCPU_PER_ACCOUNT: 'maxVcpuPerAccount',
  OPENFC_MAX_MEMORY_MB_PER_ACCOUNT: 'maxMemoryMbPerAccount',
  OPENFC_NODE_MEMORY_COMMIT_RATIO: 'nodeMemoryCommitRatio',
  OPENFC_SLOT_WAIT_MS: 'slotWaitMs',
  OPENFC_ASYNC_DISPATCH_CONCURRENCY: 'asyncDispatchConcurrency',
  OPENFC_ASYNC_POLL_INTERVAL_MS: 'asyncPollIntervalMs',
  OPENFC_ASYNC_CLAIM_LEASE_MS: 'asyncClaimLeaseMs',
  OPENFC_ASYNC_LEASE_MARGIN_MS: 'asyncLeaseMarginMs',
  OPENFC_ASYNC_BACKOFF_BASE_MS: 'asyncBackoffBaseMs',
  OPENFC_ASYNC_BACKOFF_CAP_MS: 'asyncBackoffCapMs',
  OPENFC_ASYNC_RETENTION_MS: 'asyncRetentionMs',
};

const NUMERIC_KEYS = new Set<keyof ResolvedConfig>([
  'httpsPort', 'httpPort', 'idleTimeoutMs', 'instanceStartTimeoutMs', 'maxSyncPayloadBytes', 'maxCodeZipBase64Bytes',
  'maxCodeUnpackedBytes', 'maxCodeEntries', 'codeUrlTtlMs', 'signatureMaxSkewMs', 'coldStartBoostMs', 'freezeAfterIdleMs', 'stemCellPoolSize', 'stemCellRefillDelayMs', 'signatureThreads',
  'maxInstancesPerAccount', 'scaleOutPerMinute', 'maxVcpuPerAccount', 'maxMemoryMbPerAccount', 'nodeMemoryCommitRatio', 'slotWaitMs', 'maxInstanceLifetimeMs',
  'maxAsyncPayloadBytes', 'asyncDispatchConcurrency', 'asyncPollIntervalMs', 'asyncClaimLeaseMs', 'asyncLeaseMarginMs', 'asyncBackoffBaseMs', 'asyncBackoffCapMs',
  'asyncRetentionMs', 'asyncHttpDestinationTimeoutMs',
]);

function checkPort(name: string, v: number, allowDisabled: boolean): void {
  if (!Number.isInteger(v) || v > 65535 || v < (allowDisabled ? -1 : 0)) throw invalidArgument(`${name} must be a port number (0 picks a free port), got ${v}`);
}

/** Merges defaults, environment and explicit options (in rising precedence) and validates the result. */
export function resolveConfig(options: PlatformOptions = {}, env: NodeJS.ProcessEnv = process.env): ResolvedConfig {
  const fromEnv: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV_VARS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    fromEnv[key] = NUMERIC_KEYS.has(key) ? Number(raw) : raw;
  }
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const config = { ...DEFAULT_CONFIG, ...fromEnv, ...defined } as ResolvedConfig;
  for (const key of NUMERIC_KEYS) {
    const v = config[key] as number;
    if (typeof v !== 'number' || Number.isNaN(v)) throw invalidArgument(`${key} must be a number`);
  }
  if (!Number.isInteger(config.signatureThreads) || config.signatureThreads < 0 || config.signatureThreads > 16) throw invalidArgument(`signatureThreads must be an integer from 0 to 16, got ${config.signatureThreads}`);
  if (!(config.maxInstanceLifetimeMs >= 1000)) throw invalidArgument(`maxInstanceLifetimeMs must be at least 1000, got ${config.maxInstanceLifetimeMs}`);
  for (const key of ['maxInstancesPerAccount', 'scaleOutPerMinute', 'maxVcpuPerAccount', 'maxMemoryMbPerAccount', 'slotWaitMs'] as const) {
    if (!(config[key] >= 0)) throw invalidArgument(`${key} must be zero or more, got ${config[key]}`);
  }
  for (const key of ['asyncDispatchConcurrency', 'asyncPollIntervalMs', 'asyncClaimLeaseMs', 'asyncBackoffBaseMs', 'asyncBackoffCapMs', 'asyncRetentionMs', 'asyncHttpDestinationTimeoutMs', 'maxAsyncPayloadBytes'] as const) {
    if (!(Number.isInteger(config[key]) && config[key] >= 1)) throw invalidArgument(`${key} must be a whole number of at least 1, got ${config[key]}`);
  }
  if (!(Number.isInteger(config.asyncLeaseMarginMs) && config.asyncLeaseMarginMs >= 0)) throw invalidArgument(`asyncLeaseMarginMs must be a whole number of 0 or more, got ${config.asyncLeaseMarginMs}`);
  if (!(config.nodeMemoryCommitRatio > 0 && config.nodeMemoryCommitRatio <= 1)) throw invalidArgument(`nodeMemoryCommitRatio must be above 0 and at most 1, got ${config.nodeMemoryCommitRatio}`);
  for (const key of ['instanceBandwidth', 'performanceInstanceBandwidth'] as const) {
    if (!/^\d+(\.\d+)?[kmgt]?(bit|bps)$/i.test(config[key])) throw invalidArgument(`${key} must be a tc rate such as 1gbit or 500mbit, got '${config[key]}'`);
  }
  checkPort('httpsPort', config.httpsPort, false);
  checkPort('httpPort', config.httpPort, true);
  if (!SANDBOX_DRIVER_NAMES.includes(config.sandbox)) throw invalidArgument(`sandbox must be one of ${SANDBOX_DRIVER_NAMES.join(', ')}, got '${config.sandbox}'`);
  if (Boolean(config.rootAccessKeyId) !== Boolean(config.rootAccessKeySecret)) {
    throw invalidArgument('OPENFC_ROOT_ACCESS_KEY_ID and OPENFC_ROOT_ACCESS_KEY_SECRET must be set together');
  }
  if (Boolean(config.tlsCertFile) !== Boolean(config.tlsKeyFile)) throw invalidArgument('--tls-cert and --tls-key must be given together');
  config.dataDir = path.resolve(config.dataDir);
  return config;
}
