/**
 * @module platform
 * The composition root: builds every backend and service from one resolved config. Nothing else
 * constructs backends. `startPlatform()` also opens the listeners; `createTestPlatform()` is the
 * same thing on port 0 in a fresh data dir, for tests (ours and users').
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApiHandler, createAuthenticator, createClientErrorListener, createRequestLimits, createRouter, createUpgradeHandler, createUpgradeRouter, loadTlsMaterial, startListeners, LOOPBACK_HOST, type Listeners } from './api/index.js';
import { createVpcEndpointListeners } from './api/index.js';
import { createAuditLog } from './exec/index.js';
import { DEFAULT_MEMORY_MB, DISK_SIZES_MB, resolveConfig, type PlatformOptions, type ResolvedConfig } from './config/index.js';
import { coerceError } from './errors/index.js';
import { EventBus } from './events/event-bus.js';
import { createCodeCache, createCodeUrlSigner, createFunctionService, createLayerService, createQualifierResolver, createVersionService, type FunctionService } from './functions/index.js';
import { createAccountService, createAuthorizer, createRamOperations, createRoleCredentials, createSignatureVerifier, createStsService, NonceCache, type AccountService, type NewAccount } from './iam/index.js';
import { createPolicyEngine } from './iam/policy/engine.js';
import { createAccessControl } from './api/access-control.js';
import { createFc2Service } from './fc2/index.js';
import { createAsyncConfigService, createAsyncDispatcher, createAsyncInvoker, createAsyncTaskService, createInvokeService } from './invoke/index.js';
import { createFunctionLogService, type FunctionLogService } from './logs/index.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { createRequestIdFactory } from './observability/request-id.js';
import { createSandboxDriver, instanceLinkBlocks, isolationWarning, withStemCellPool, type SandboxDriver } from './sandbox/index.js';
import { createProvisionService } from './provision/index.js';
import { createAdmission, createConcurrencyConfigService } from './quotas/index.js';
import { createScheduler, type Scheduler } from './scheduler/index.js';
import { createFsBlobStore } from './store/blob/fs-blob-store.js';
import { createSqliteMetadataStore } from './store/sqlite/sqlite-metadata-store.js';
import { createSqliteQueue } from './store/sqlite/sqlite-queue.js';
import { createSqliteLogStore } from './store/sqlite/sqlite-log-store.js';
import { createThreadedSqliteLogWriter } from './store/sqlite/sqlite-log-writer.js';
import { loadOrCreateKeyFile, openSecretBox } from './store/secret-box.js';
import type { MetadataStore } from './store/types.js';
import { createSystemClock, type Clock } from './time/clock.js';
import { createVpcService } from './vpc/index.js';
import { createHttpTriggerHandler, createInvocationRoleCheck, createTimerScheduler, createTriggerService, type TriggerEndpoints } from './triggers/index.js';
import { createVpcBindingService } from './vpc/index.js';

export interface Endpoints {
  /** `http://127.0.0.1:<port>`, or undefined when plain HTTP is disabled. */
  readonly http?: string;
  readonly https: string;
}

export interface Platform {
  readonly config: ResolvedConfig;
  readonly events: EventBus;
  readonly accounts: AccountService;
  readonly functions: FunctionService;
  readonly scheduler: Scheduler;
  readonly driver: SandboxDriver;
  readonly logger: Logger;
  /** Function logs: what instances print, per invocation (`<data-dir>/logs.db`). */
  readonly functionLogs: FunctionLogService;
  /** The first account, with the root key written to credentials.json. */
  readonly defaultAccount: NewAccount;
  readonly endpoints: Endpoints;
  /** The API's operations (method, path pattern, action), for tests that cover each one. */
  readonly routes: readonly { method: string; pattern: string; action: string; isPublic?: boolean }[];
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly tlsCertFile: string;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface StartOptions extends PlatformOptions {
  clock?: Clock;
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
}

function writeJson0600(file: string, value: unknown): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export async function startPlatform(options: StartOptions = {}): Promise<Platform> {
  const config = resolveConfig(options, options.env ?? process.env);
  const clock = options.clock ?? createSystemClock();
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o711 });
  // Traversable (not listable) by others: sandboxed instances run as their own uids and must reach
  // their code under <data-dir>/code; everything secret below has its own 0700/0600 mode.
  fs.chmodSync(config.dataDir, 0o711);
  const events = new EventBus((e) => logger.error('event listener failed', { err: coerceError(e) }));

  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const fn of closers.reverse()) {
      try {
        await fn();
      } catch (e: unknown) {
        logger.error('shutdown step failed', { err: coerceError(e) });
      }
    }
    closers.length = 0;
  };

  try {
    const store: MetadataStore = createSqliteMetadataStore(path.join(config.dataDir, 'openfc.db'), { secretBox: openSecretBox(config.dataDir) });
    closers.push(() => store.close());
    const accounts = createAccountService({ store, clock });
    const rootKey = config.rootAccessKeyId && config.rootAccessKeySecret ? { accessKeyId: config.rootAccessKeyId, accessKeySecret: config.rootAccessKeySecret } : undefined;
    const defaultAccount = accounts.ensureDefaultAccount(rootKey);

    const policyEngine = createPolicyEngine();
    const authorizer = createAuthorizer({ store, engine: policyEngine });
    const access = createAccessControl({ authorizer, clock, region: config.region });
    const validatePolicy = (doc: string, field: string) => void policyEngine.parse(doc, field);
    const sts = createStsService({ store, clock, validatePolicy });
    const ram = createRamOperations({ store, clock, validatePolicy, onChange: () => authorizer.invalidate() });
    const roleCredentials = createRoleCredentials({ sts, clock });

    const blobs = createFsBlobStore(path.join(config.dataDir, 'blobs'));
    const codeCache = createCodeCache({
      blobStore: blobs, root: path.join(config.dataDir, 'code'), limits: { maxUnpackedBytes: config.maxCodeUnpackedBytes, maxEntries: config.maxCodeEntries },
    });
    const codeUrls = createCodeUrlSigner(loadOrCreateKeyFile(path.join(config.dataDir, 'secrets', 'url-signing.key')));
    const newRequestId = createRequestIdFactory();

    const chosen = createSandboxDriver(config, clock);
    const driver = withStemCellPool(chosen.driver, {
      sizePerKey: config.stemCellPoolSize,
      prewarm: [{ runtimeFamily: 'nodejs', memoryMb: DEFAULT_MEMORY_MB, diskSizeMb: DISK_SIZES_MB[0], network: { internet: true } }],
      logger,
      clock,
      refillDelayMs: config.stemCellRefillDelayMs,
    });
    closers.push(() => driver.close());
    for (const warning of chosen.warnings) logger.warn(warning);
    const notIsolated = isolationWarning(driver);
    if (notIsolated) logger.warn(`WARNING: ${notIsolated}`);
    const vpcEndpoints = createVpcEndpointListeners({ port: config.vpcEndpointPort, limits: config });
    closers.push(() => vpcEndpoints.closeAll());
    const vpcs = createVpcService({ store, clock, driver, logger, reservedBlocks: instanceLinkBlocks(config.instanceSubnetBase), endpoints: vpcEndpoints });
    const vpcBindings = createVpcBindingService({ store, clock });
    await vpcs.restore();
    const controlPlaneAudit = createAuditLog(path.join(config.dataDir, 'audit', 'control-plane.log'), clock);
    closers.push(() => controlPlaneAudit.close());
    const layers = createLayerService({ store, blobs, codeCache, clock, config, codeUrls, logger, audit: controlPlaneAudit });
    const functions = createFunctionService({ store, blobs, codeCache, clock, config, codeUrls, isolationWarning: notIsolated, logger, audit: controlPlaneAudit, layers });
    functions.onChange((c) => {
      if (c.revision === undefined) vpcBindings.forgetFunction(c.accountId, c.functionName);
    });
    const versions = createVersionService({ store, functions, clock });
    const qualifiers = createQualifierResolver({ functions, versions });
    const concurrency = createConcurrencyConfigService({ store, functions, maxInstancesPerAccount: config.maxInstancesPerAccount });
    const asyncConfigs = createAsyncConfigService({ store, functions, clock, region: config.region, qualifiers });
    versions.onQualifierDeleted(({ accountId, functionName, qualifier }) => asyncConfigs.forgetQualifier(accountId, functionName, qualifier));
    const admission = createAdmission({
      clock, reservations: concurrency.reservations,
      limits: {
        maxInstancesPerAccount: config.maxInstancesPerAccount, scaleOutPerMinute: config.scaleOutPerMinute, maxVcpuPerAccount: config.maxVcpuPerAccount,
        maxMemoryMbPerAccount: config.maxMemoryMbPerAccount, nodeMemoryMb: Math.floor(os.totalmem() / 1024 / 1024), nodeMemoryCommitRatio: config.nodeMemoryCommitRatio,
      },
    });
    const logsFile = path.join(config.dataDir, 'logs.db');
    const logStore = createSqliteLogStore(logsFile);
    const functionLogs = createFunctionLogService({
      store: logStore, writer: createThreadedSqliteLogWriter({ file: logsFile, store: logStore, logger }), clock, logger, flushIntervalMs: config.logFlushIntervalMs,
      retentionMaxAgeMs: config.logRetentionMaxAgeMs, retentionMaxBytesPerAccount: config.logRetentionMaxBytesPerAccount, retentionIntervalMs: config.logRetentionIntervalMs,
    });
    closers.push(() => functionLogs.close());
    const scheduler = createScheduler({
      driver, codeCache, clock, events, logger, config, newRequestId, admission, networkOf: (fn) => vpcs.networkOf(fn),
      roleCredentials: (fn, roleArn) => {
        const { accessKeyId, accessKeySecret, securityToken } = roleCredentials.get(fn.accountId, fn.functionName, roleArn);
        return { accessKeyId, accessKeySecret, securityToken };
      },
      functionLogs,
      platformEnvOf: (fn) => vpcs.instanceEnvironmentOf(fn),
    });
    closers.push(() => scheduler.close());
    const provision = createProvisionService({ store, functions, scheduler, clock, logger, maxInstancesPerAccount: config.maxInstancesPerAccount });
    closers.push(() => provision.close());
    functions.onChange((change) => scheduler.onFunctionChange(change));
    versions.onVersionDeleted((deleted) => scheduler.onVersionDeleted(deleted));
    provision.start();
    const invoke = createInvokeService({ qualifiers, scheduler });
    const queue = createSqliteQueue(path.join(config.dataDir, 'queue.db'));
    closers.push(() => queue.close());
    const dispatcher = createAsyncDispatcher({ queue, functions, qualifiers, scheduler, asyncConfigs, clock, events, logger, config });
    closers.push(() => dispatcher.close());
    const asyncInvoker = createAsyncInvoker({ qualifiers, asyncConfigs, queue, clock, events, config, onEnqueued: () => dispatcher.notify() });
    const asyncTasks = createAsyncTaskService({ queue, functions, qualifiers, clock, events, abortAttempt: (eventId) => dispatcher.abort(eventId) });
    dispatcher.start();
    let triggerEndpoints: TriggerEndpoints | undefined;
    const triggers = createTriggerService({ store, functions, qualifiers, clock, endpoints: () => triggerEndpoints });
    const timers = createTimerScheduler({ store, asyncInvoker, checkRole: createInvocationRoleCheck({ store, authorizer, clock, region: config.region }), clock, events, logger });
    closers.push(() => timers.close());
    triggers.onChange((change) => timers.onTriggerChange(change));
    functions.onChange((change) => {
      if (change.revision === undefined) timers.onFunctionDeleted(change.accountId, change.functionName);
    });
    const httpTriggers = createHttpTriggerHandler({ triggers, invoke, asyncInvoker, authorizer, clock, logger, config, bindings: vpcBindings });


    const metrics = createMetrics(events);
    const router = createRouter({
      functions, invoke, asyncInvoker, asyncTasks, asyncCounts: () => queue.counts(), vpcs, scheduler, concurrency, asyncConfigs, provision, metrics, sandbox: driver, codeUrls, blobs, clock, config,
      ram, sts, authorizeRpc: access.authorizeRpc, layers, triggers, versions, qualifiers, vpcBindings, functionLogs,
      fc2: createFc2Service({ store, functions, clock }),
    });
    const signatures = createSignatureVerifier({ threads: config.signatureThreads, logger });
    closers.push(() => signatures.close());
    const authenticator = createAuthenticator({ accounts, sts, nonces: new NonceCache(config.signatureMaxSkewMs), signatures, clock, config });
    const limits = createRequestLimits({ config, clock });
    const handler = createApiHandler({ router, authenticator, clock, logger, newRequestId, limits, authorizeRoute: access.authorizeRoute, audit: controlPlaneAudit, httpTriggers });
    const audit = createAuditLog(path.join(config.dataDir, 'audit', 'exec.log'), clock);
    closers.push(() => audit.close());
    const upgrade = createUpgradeHandler({ router: createUpgradeRouter({ functions, scheduler, audit, clock, logger, authorize: access.authorizeExec }), authenticator, clock, logger, newRequestId, limits });
    const tls = await loadTlsMaterial({ dataDir: config.dataDir, certFile: config.tlsCertFile, keyFile: config.tlsKeyFile });
    const listeners: Listeners = await startListeners({
      handler, upgrade, tls, httpsHost: config.httpsHost, httpsPort: config.httpsPort, httpPort: config.httpPort,
      limits: { maxConnections: config.maxConnectionsPerListener, headersTimeoutMs: config.headersTimeoutMs, requestTimeoutMs: config.requestTimeoutMs, keepAliveTimeoutMs: config.keepAliveTimeoutMs, maxHeaderBytes: config.maxHeaderBytes },
      admitConnection: (socket) => limits.admitConnection(socket),
      onClientError: createClientErrorListener({ clock, logger, newRequestId, limits: config }),
    });
    closers.push(() => listeners.close());
    vpcEndpoints.serve({ handler, upgrade, admitConnection: (socket) => limits.admitConnection(socket), onClientError: createClientErrorListener({ clock, logger, newRequestId, limits: config }) });
    closers.push(() => functionLogs.endFollows());

    const httpsHostForClients = config.httpsHost === '0.0.0.0' || config.httpsHost === '::' ? LOOPBACK_HOST : config.httpsHost;
    const endpoints: Endpoints = {
      https: `https://${httpsHostForClients}:${listeners.httpsPort}`,
      ...(listeners.httpPort >= 0 && { http: `http://${LOOPBACK_HOST}:${listeners.httpPort}` }),
    };
    triggerEndpoints = endpoints;
    timers.start();
    writeJson0600(path.join(config.dataDir, 'credentials.json'), {
      accountId: defaultAccount.accountId,
      accessKeyId: defaultAccount.accessKeyId,
      accessKeySecret: defaultAccount.accessKeySecret,
      region: config.region,
      endpoints,
      tlsCertFile: tls.certFile,
    });
    const serveFile = path.join(config.dataDir, 'serve.json');
    writeJson0600(serveFile, { pid: process.pid, httpPort: listeners.httpPort, httpsPort: listeners.httpsPort, endpoints, sandbox: driver.name, startedAt: new Date(clock.now()).toISOString() });
    closers.push(() => fs.rmSync(serveFile, { force: true }));

    const platform: Platform = {
      config, events, accounts, functions, scheduler, driver, logger, functionLogs, defaultAccount, endpoints, routes: router.routes,
      httpPort: listeners.httpPort, httpsPort: listeners.httpsPort, tlsCertFile: tls.certFile,
      close,
      [Symbol.asyncDispose]: close,
    };
    return platform;
  } catch (e: unknown) {
    await close();
    throw e;
  }
}

/** The whole platform in-process, on free ports, in a fresh temporary data dir removed on close. */
export async function createTestPlatform(options: StartOptions = {}): Promise<Platform> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-test-'));
  const platform = await startPlatform({ httpsPort: 0, httpPort: 0, env: {}, logger: createLogger({ level: 'error' }), ...options, dataDir });
  const close = async () => {
    await platform.close();
    if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return { ...platform, close, [Symbol.asyncDispose]: close };
}
