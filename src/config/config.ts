/**
 * @module config/config
 * One schema for openfc's settings, with defaults inline and units in names. This module is the
 * only reader of `process.env`: `resolveConfig(options, env)` turns CLI flags and environment
 * variables into a {@link ResolvedConfig} with every field set.
 */
import path from 'node:path';
import { PlatformError, invalidArgument } from '../errors/index.js';
import { MAX_ASYNC_PAYLOAD_BYTES, MAX_CODE_ENTRIES, MAX_CODE_UNPACKED_BYTES, MAX_CODE_ZIP_BASE64_BYTES, MAX_SYNC_PAYLOAD_BYTES } from './limits.js';

export const SANDBOX_DRIVER_NAMES = ['auto', 'linux', 'process'] as const;
export type SandboxDriverName = (typeof SANDBOX_DRIVER_NAMES)[number];
/** What CreateFunction/UpdateFunction do when the code or environment holds credentials. */
export const CREDENTIAL_SCAN_MODES = ['warn', 'refuse', 'off'] as const;
export type CredentialScanMode = (typeof CREDENTIAL_SCAN_MODES)[number];
/** Runtime deprecation phases (the runtime catalogue in src/functions/runtimes.ts explains each). */
export const RUNTIME_PHASE_NAMES = ['active', 'create-blocked', 'create-and-update-blocked', 'invoke-blocked'] as const;
export type RuntimePhaseName = (typeof RUNTIME_PHASE_NAMES)[number];

export interface ResolvedConfig {
  /** Where openfc keeps its database, code packages, TLS material and instance run dirs. @default "./.openfc" */
  dataDir: string;
  /** HTTPS listener port; 0 picks a free one. @default 9443 */
  httpsPort: number;
  /** HTTPS listener address. @default "0.0.0.0" */
  httpsHost: string;
  /** Plain-HTTP listener port, always bound to 127.0.0.1; 0 picks a free one, -1 disables it. @default 9000 */
  httpPort: number;
  /**
   * Port of the openfc endpoint inside every VPC (plain HTTP on the VPC's gateway address, reachable
   * only from that VPC's members; linux sandbox only); 0 picks a free port, -1 disables the endpoints. @default 80
   */
  vpcEndpointPort: number;
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
   * checks inline, with no thread hop); 0 checks everything on the main thread. Since the HMAC
   * became two one-shot hashes, the hand-over costs the main thread about what the hashing does
   * (interleaved against the floor: 47-48 % inline, 43-44 % with one thread). @default 0
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
  /** Requests one source IP (an IPv6 client: its /64) may send a second, checked before authentication (a token bucket); 0 turns the limit off. @default 2000 */
  ipRequestsPerSecond: number;
  /** The per-source-IP bucket's size: how many requests may come at once after a quiet spell. @default 4000 */
  ipRequestBurst: number;
  /** Requests one account may send a second, checked as soon as its AccessKey is known and charged once the signature is verified; 0 turns the limit off. @default 1000 */
  accountRequestsPerSecond: number;
  /** The per-account bucket's size. @default 2000 */
  accountRequestBurst: number;
  /**
   * Apply the per-source-IP limits (request rate, connections) and the per-account rate limit to
   * loopback clients (127.0.0.0/8, ::1) too. They are exempt by default: they are this machine
   * (local SDK use, the operator's tools, benchmarks at ~10k requests a second). @default false
   */
  shouldLimitLoopback: boolean;
  /** Open connections per listener; the ones over it are closed as they are accepted. @default 4096 */
  maxConnectionsPerListener: number;
  /** Open connections per source IP over both listeners; the ones over it are closed before anything is read. @default 256 */
  maxConnectionsPerIp: number;
  /** The TLS handshake, and the request line and headers, must each arrive within this (else 408 RequestTimeout, connection closed). @default 10000 */
  headersTimeoutMs: number;
  /** The whole request (headers and body) must arrive within this; the time its answer takes (a long sync invocation) does not count. @default 60000 */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. @default 65000 */
  keepAliveTimeoutMs: number;
  /** Limit on the request line and headers together (else 431 RequestHeaderTooLarge, connection closed). @default 8192 */
  maxHeaderBytes: number;
  /** Limit on the request URL, path and query (else 414 RequestUrlTooLong). @default 4096 */
  maxUrlBytes: number;
  /** Limit on the `&`-separated parts of the query string (else 400 InvalidArgument). @default 100 */
  maxQueryParams: number;
  /** Platform log level. @default "info" */
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /**
   * Deploys whose code package or environment variables hold credentials: `warn` answers normally
   * with an `x-openfc-credential-warning` header, `refuse` answers 400 CredentialsInCode and stores
   * nothing, `off` does not scan. @default "warn"
   */
  credentialScan: CredentialScanMode;
  /**
   * Runtime deprecation phases by runtime id, over the built-in ones from FC's published policy
   * (OPENFC_RUNTIME_PHASES, a JSON object such as `{"nodejs18":"create-blocked"}`). @default {}
   */
  runtimePhases: Record<string, RuntimePhaseName>;
  /** Function log records (in `<data-dir>/logs.db`) written longer ago than this are deleted. @default 604800000 (7 days) */
  logRetentionMaxAgeMs: number;
  /** An account's oldest function log records are deleted while its records total more than this. @default 268435456 (256 MiB) */
  logRetentionMaxBytesPerAccount: number;
  /** How often function log retention runs. @default 60000 */
  logRetentionIntervalMs: number;
  /** Complete function log records are written to the log store together at most this often (off the request path). @default 25 */
  logFlushIntervalMs: number;
}

/** User-facing options: every field optional. */
export type PlatformOptions = Partial<ResolvedConfig>;

export const DEFAULT_CONFIG: ResolvedConfig = {
  dataDir: './.openfc',
  httpsPort: 9443,
  httpsHost: '0.0.0.0',
  httpPort: 9000,
  vpcEndpointPort: 80,
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
  signatureThreads: 0,
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
  ipRequestsPerSecond: 2000,
  ipRequestBurst: 4000,
  accountRequestsPerSecond: 1000,
  accountRequestBurst: 2000,
  shouldLimitLoopback: false,
  maxConnectionsPerListener: 4096,
  maxConnectionsPerIp: 256,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 65_000,
  maxHeaderBytes: 8192,
  maxUrlBytes: 4096,
  maxQueryParams: 100,
  logLevel: 'info',
  credentialScan: 'warn',
  runtimePhases: {},
  logRetentionMaxAgeMs: 7 * 24 * 60 * 60 * 1000,
  logRetentionMaxBytesPerAccount: 256 * 1024 * 1024,
  logRetentionIntervalMs: 60_000,
  logFlushIntervalMs: 25,
};

/** Environment variables openfc reads, and the config field each sets. */
export const ENV_VARS: Record<string, keyof ResolvedConfig> = {
  OPENFC_DATA_DIR: 'dataDir',
  OPENFC_PORT: 'httpsPort',
  OPENFC_HTTP_PORT: 'httpPort',
  OPENFC_VPC_ENDPOINT_PORT: 'vpcEndpointPort',
  OPENFC_REGION: 'region',
  OPENFC_ROOT_ACCESS_KEY_ID: 'rootAccessKeyId',
  OPENFC_ROOT_ACCESS_KEY_SECRET: 'rootAccessKeySecret',
  OPENFC_SANDBOX: 'sandbox',
  OPENFC_IDLE_TIMEOUT_MS: 'idleTimeoutMs',
  OPENFC_STEM_CELL_POOL_SIZE: 'stemCellPoolSize',
  OPENFC_STEM_CELL_REFILL_DELAY_MS: 'stemCellRefillDelayMs',
  OPENFC_LOG_LEVEL: 'logLevel',
  OPENFC_CREDENTIAL_SCAN: 'credentialScan',
  OPENFC_RUNTIME_PHASES: 'runtimePhases',
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
  OPENFC_IP_REQUESTS_PER_SECOND: 'ipRequestsPerSecond',
  OPENFC_IP_REQUEST_BURST: 'ipRequestBurst',
  OPENFC_ACCOUNT_REQUESTS_PER_SECOND: 'accountRequestsPerSecond',
  OPENFC_ACCOUNT_REQUEST_BURST: 'accountRequestBurst',
  OPENFC_LIMIT_LOOPBACK: 'shouldLimitLoopback',
  OPENFC_MAX_CONNECTIONS: 'maxConnectionsPerListener',
  OPENFC_MAX_CONNECTIONS_PER_IP: 'maxConnectionsPerIp',
  OPENFC_HEADERS_TIMEOUT_MS: 'headersTimeoutMs',
  OPENFC_REQUEST_TIMEOUT_MS: 'requestTimeoutMs',
  OPENFC_KEEP_ALIVE_TIMEOUT_MS: 'keepAliveTimeoutMs',
  OPENFC_MAX_HEADER_BYTES: 'maxHeaderBytes',
  OPENFC_MAX_URL_BYTES: 'maxUrlBytes',
  OPENFC_MAX_QUERY_PARAMS: 'maxQueryParams',
  OPENFC_LOG_RETENTION_MAX_AGE_MS: 'logRetentionMaxAgeMs',
  OPENFC_LOG_RETENTION_MAX_BYTES_PER_ACCOUNT: 'logRetentionMaxBytesPerAccount',
  OPENFC_LOG_RETENTION_INTERVAL_MS: 'logRetentionIntervalMs',
  OPENFC_LOG_FLUSH_INTERVAL_MS: 'logFlushIntervalMs',
};

const NUMERIC_KEYS = new Set<keyof ResolvedConfig>([
  'httpsPort', 'httpPort', 'idleTimeoutMs', 'instanceStartTimeoutMs', 'maxSyncPayloadBytes', 'maxCodeZipBase64Bytes',
  'maxCodeUnpackedBytes', 'maxCodeEntries', 'codeUrlTtlMs', 'signatureMaxSkewMs', 'coldStartBoostMs', 'freezeAfterIdleMs', 'stemCellPoolSize', 'stemCellRefillDelayMs', 'signatureThreads',
  'maxInstancesPerAccount', 'scaleOutPerMinute', 'maxVcpuPerAccount', 'maxMemoryMbPerAccount', 'nodeMemoryCommitRatio', 'slotWaitMs', 'maxInstanceLifetimeMs',
  'maxAsyncPayloadBytes', 'asyncDispatchConcurrency', 'asyncPollIntervalMs', 'asyncClaimLeaseMs', 'asyncLeaseMarginMs', 'asyncBackoffBaseMs', 'asyncBackoffCapMs',
  'asyncRetentionMs', 'asyncHttpDestinationTimeoutMs',
  'ipRequestsPerSecond', 'ipRequestBurst', 'accountRequestsPerSecond', 'accountRequestBurst', 'maxConnectionsPerListener', 'maxConnectionsPerIp',
  'headersTimeoutMs', 'requestTimeoutMs', 'keepAliveTimeoutMs', 'maxHeaderBytes', 'maxUrlBytes', 'maxQueryParams',
  'vpcEndpointPort',
  'logRetentionMaxAgeMs', 'logRetentionMaxBytesPerAccount', 'logRetentionIntervalMs', 'logFlushIntervalMs',
]);

/** Settings whose environment variable is `true`/`false` (or `1`/`0`). */
const BOOLEAN_KEYS = new Set<keyof ResolvedConfig>(['shouldLimitLoopback']);

function parseBooleanEnv(key: keyof ResolvedConfig, raw: unknown): unknown {
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw invalidArgument(`${key} must be true or false, got '${String(raw)}'`);
}

/** Settings whose environment variable holds JSON. */
const JSON_KEYS = new Set<keyof ResolvedConfig>(['runtimePhases']);

function parseJsonEnv(name: string, raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (e: unknown) {
    throw new PlatformError('InvalidArgument', `${name} must be a JSON object, got '${raw}'`, { cause: e });
  }
}

function checkPort(name: string, v: number, allowDisabled: boolean): void {
  if (!Number.isInteger(v) || v > 65535 || v < (allowDisabled ? -1 : 0)) throw invalidArgument(`${name} must be a port number (0 picks a free port), got ${v}`);
}

/** Merges defaults, environment and explicit options (in rising precedence) and validates the result. */
export function resolveConfig(options: PlatformOptions = {}, env: NodeJS.ProcessEnv = process.env): ResolvedConfig {
  const fromEnv: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV_VARS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    fromEnv[key] = NUMERIC_KEYS.has(key) ? Number(raw) : JSON_KEYS.has(key) ? parseJsonEnv(name, raw) : raw;
  }
  for (const key of BOOLEAN_KEYS) if (key in fromEnv) fromEnv[key] = parseBooleanEnv(key, fromEnv[key]);
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
  checkPort('vpcEndpointPort', config.vpcEndpointPort, true);
  for (const key of ['ipRequestsPerSecond', 'accountRequestsPerSecond'] as const) {
    if (!(Number.isFinite(config[key]) && config[key] >= 0)) throw invalidArgument(`${key} must be zero (no limit) or more, got ${config[key]}`);
  }
  for (const key of ['ipRequestBurst', 'accountRequestBurst', 'maxConnectionsPerListener', 'maxConnectionsPerIp', 'headersTimeoutMs', 'requestTimeoutMs', 'keepAliveTimeoutMs', 'maxHeaderBytes', 'maxUrlBytes', 'maxQueryParams'] as const) {
    if (!(Number.isInteger(config[key]) && config[key] >= 1)) throw invalidArgument(`${key} must be a whole number of at least 1, got ${config[key]}`);
  }
  for (const key of ['logRetentionMaxAgeMs', 'logRetentionMaxBytesPerAccount', 'logRetentionIntervalMs', 'logFlushIntervalMs'] as const) {
    if (!(Number.isInteger(config[key]) && config[key] >= 1)) throw invalidArgument(`${key} must be a whole number of at least 1, got ${config[key]}`);
  }
  if (config.requestTimeoutMs < config.headersTimeoutMs) throw invalidArgument(`requestTimeoutMs (${config.requestTimeoutMs}) must be at least headersTimeoutMs (${config.headersTimeoutMs})`);
  if (typeof config.shouldLimitLoopback !== 'boolean') throw invalidArgument(`shouldLimitLoopback must be true or false, got ${String(config.shouldLimitLoopback)}`);
  if (!CREDENTIAL_SCAN_MODES.includes(config.credentialScan)) throw invalidArgument(`credentialScan must be one of ${CREDENTIAL_SCAN_MODES.join(', ')}, got '${config.credentialScan}'`);
  const phases: unknown = config.runtimePhases;
  if (typeof phases !== 'object' || phases === null || Array.isArray(phases)) throw invalidArgument('runtimePhases must be an object of runtime id to phase');
  for (const [id, phase] of Object.entries(phases)) {
    if (!(RUNTIME_PHASE_NAMES as readonly unknown[]).includes(phase)) throw invalidArgument(`runtimePhases.${id} must be one of ${RUNTIME_PHASE_NAMES.join(', ')}, got ${JSON.stringify(phase)}`);
  }
  if (!SANDBOX_DRIVER_NAMES.includes(config.sandbox)) throw invalidArgument(`sandbox must be one of ${SANDBOX_DRIVER_NAMES.join(', ')}, got '${config.sandbox}'`);
  if (Boolean(config.rootAccessKeyId) !== Boolean(config.rootAccessKeySecret)) {
    throw invalidArgument('OPENFC_ROOT_ACCESS_KEY_ID and OPENFC_ROOT_ACCESS_KEY_SECRET must be set together');
  }
  if (Boolean(config.tlsCertFile) !== Boolean(config.tlsKeyFile)) throw invalidArgument('--tls-cert and --tls-key must be given together');
  config.dataDir = path.resolve(config.dataDir);
  return config;
}
