/**
 * @module scheduler/instance-starter
 * Brings one instance up: the code unpacked, a sandbox started (from a stem cell when the driver
 * pools them), its output wired to the function's log, the function assigned and its initializer
 * run within its timeout. A failed initializer is an {@link InitializationFailedError}: a function
 * error for the invocation that was waiting, not a platform fault.
 */
import type { ResolvedConfig } from '../config/index.js';
import { PlatformError } from '../errors/index.js';
import type { EventBus } from '../events/event-bus.js';
import type { CodeCache } from '../functions/code-cache.js';
import type { FunctionConfig } from '../functions/types.js';
import { runtimeFamilyOf } from '../functions/index.js';
import type { FunctionLogSink } from '../logs/index.js';
import type { Logger } from '../observability/logger.js';
import type { RequestIdFactory } from '../observability/request-id.js';
import { ChannelClosedError, type Credentials, type FunctionErrorBody } from '../sandbox/channel/index.js';
import type { NetworkSpec, SandboxDriver, SandboxExit } from '../sandbox/types.js';
import type { FunctionRecord } from '../store/types.js';
import type { Clock } from '../time/clock.js';
import { buildAssignHeader } from './assignment.js';
import { issueCredentials, type RoleCredentialSource } from './instance-credentials.js';
import type { Instance } from './instance.js';

/** An invocation could not run because its instance failed to initialize: a function error. */
export class InitializationFailedError extends Error {
  constructor(readonly body: FunctionErrorBody, readonly log: string | undefined, readonly instanceId: string) {
    super(body.errorMessage);
  }
}

export interface InstanceStarterDeps {
  driver: SandboxDriver;
  codeCache: CodeCache;
  clock: Clock;
  events: EventBus;
  logger: Logger;
  config: ResolvedConfig;
  functionLogs: FunctionLogSink;
  newRequestId: RequestIdFactory;
  networkOf: (fn: FunctionRecord) => NetworkSpec;
  /**
   * The current temporary credentials of the function's execution role (`role`), assumed by FC;
   * throws when the role cannot be assumed. Absent: functions get no credentials.
   */
  roleCredentials?: RoleCredentialSource;
  /** Environment the platform adds for an instance of `fn` (OPENFC_API_ENDPOINT of its VPC). Absent: none. */
  platformEnvOf?: (fn: FunctionRecord) => Record<string, string>;
}

/** Returns `start(inst)`; `onExit` hears of every started sandbox's exit. */
export function createInstanceStarter(deps: InstanceStarterDeps, onExit: (inst: Instance, exit: SandboxExit) => void): (inst: Instance) => Promise<void> {
  const { driver, codeCache, clock, events, logger, config, functionLogs, networkOf } = deps;
  /** The role's credentials for the instance; a role that cannot be assumed fails the start like an initializer would. */
  function assumeFor(inst: Instance, roleArn: string): Credentials {
    try {
      return issueCredentials(inst, roleArn, deps.roleCredentials!);
    } catch (e: unknown) {
      const message = `the execution role '${roleArn}' could not be assumed: ${e instanceof Error ? e.message : String(e)}`;
      throw new InitializationFailedError({ errorMessage: message, errorType: 'ExecutionRoleError', stackTrace: [] }, '', inst.id);
    }
  }

  return async function start(inst: Instance): Promise<void> {
    const cfg = inst.fn.config as FunctionConfig;
    const log = logger.child({ instanceId: inst.id, accountId: inst.fn.accountId, functionName: inst.fn.functionName });
    const startedAt = clock.now();
    const codeDir = await codeCache.ensureUnpacked(inst.fn.codeBlobKey);
    const layerDirs = await Promise.all((cfg.layerCode ?? []).map((l) => codeCache.ensureUnpacked(l.codeBlobKey)));
    const sandboxStartedAt = clock.now();
    const sandbox = await driver.start({
      sandboxId: inst.id, runtimeFamily: runtimeFamilyOf(cfg.runtime), memoryMb: cfg.memorySize, cpu: cfg.cpu, diskSizeMb: cfg.diskSize,
      network: networkOf(inst.fn), codeDir, ...(layerDirs.length > 0 && { layerDirs }),
    });
    inst.sandbox = sandbox;
    const assignStartedAt = clock.now();
    const functionLog = functionLogs.openInstance({ accountId: inst.fn.accountId, functionName: inst.fn.functionName, qualifier: inst.fn.versionId ?? 'LATEST', ...(inst.fn.versionId !== undefined && { versionId: inst.fn.versionId }), revision: inst.fn.revision, instanceId: inst.id });
    inst.log = functionLog;
    sandbox.onOutput((chunk) => {
      inst.recordOutput(chunk);
      functionLog.output(chunk);
    });
    void sandbox.exited.then((exit) => {
      functionLog.close();
      onExit(inst, exit);
    });
    if (inst.state === 'stopped') throw new PlatformError('ServiceUnavailable', 'the instance was stopped while starting');
    const init = cfg.instanceLifecycleConfig?.initializer;
    const initTimeoutMs = init?.handler ? (init.timeout ?? 3) * 1000 : config.instanceStartTimeoutMs;
    const initRequestId = deps.newRequestId(clock.now());
    let timedOut = false;
    const timer = clock.setTimeout(() => {
      timedOut = true;
      sandbox.channel.close();
    }, initTimeoutMs);
    try {
      const credentials = cfg.role && deps.roleCredentials ? assumeFor(inst, cfg.role) : undefined;
      const header = buildAssignHeader({ fn: inst.fn, instanceId: inst.id, codeDirInside: sandbox.codeDirInside, ...(sandbox.optDirInside && { optDirInside: sandbox.optDirInside }), region: config.region, initRequestId, readyTimeoutMs: Math.max(500, initTimeoutMs - 500), ...(credentials && { credentials }), ...(deps.platformEnvOf && { platformEnv: deps.platformEnvOf(inst.fn) }) });
      inst.env = header.env;
      const outcome = await sandbox.channel.assign(header);
      if (!outcome.ok) {
        functionLog.settle(initRequestId, { functionError: 'UnhandledInvocationError', body: outcome.error }, 'initializer');
        throw new InitializationFailedError(outcome.error, outcome.log, inst.id);
      }
    } catch (e: unknown) {
      if (e instanceof ChannelClosedError) {
        const msg = timedOut ? `Function initialization timed out after ${initTimeoutMs / 1000} seconds` : 'Process exited unexpectedly during initialization';
        throw new InitializationFailedError({ errorMessage: msg, errorType: timedOut ? 'InitializationTimeout' : 'ProcessExited', stackTrace: [] }, inst.linesOf(initRequestId), inst.id);
      }
      throw e;
    } finally {
      clock.clearTimeout(timer);
    }
    inst.transition('ready');
    const startMs = clock.now() - startedAt;
    log.debug('instance started', { startMs });
    events.emit('instance:started', {
      instanceId: inst.id, accountId: inst.fn.accountId, functionName: inst.fn.functionName, revision: inst.fn.revision, startMs,
      sandboxMs: assignStartedAt - sandboxStartedAt, assignMs: clock.now() - assignStartedAt, reason: inst.isProvisioned ? 'provisioned' : 'invocation',
    });
  };
}

