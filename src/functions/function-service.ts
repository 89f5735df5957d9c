/**
 * @module functions/function-service
 * The function control plane: CreateFunction, GetFunction, ListFunctions, UpdateFunction,
 * DeleteFunction and GetFunctionCode, on top of the MetadataStore, the BlobStore and the code
 * cache. Every change bumps the function's revision and is announced to the scheduler. Deploys are
 * checked against the runtime catalogue and scanned for credentials (`credentialScan`).
 */
import { createCodeStore, type StoredCode } from './code-store.js';
import { randomUUID } from 'node:crypto';
import type { ResolvedConfig } from '../config/index.js';
import { PlatformError, invalidArgument } from '../errors/index.js';
import type { AuditLog } from '../exec/index.js';
import type { Logger } from '../observability/logger.js';
import type { BlobStore, FunctionRecord, MetadataStore } from '../store/types.js';
import type { Clock } from '../time/clock.js';
import type { CodeCache } from './code-cache.js';
import { CODE_DOWNLOAD_PATH, type CodeUrlSigner } from './code-url.js';
import { MAX_SCAN_FILE_BYTES, scanDirectory, scanEnvironment, summarizeFindings, type CredentialFinding, type CredentialScanResult } from './credential-scan.js';
import { createRuntimeCatalogue, type RuntimeCatalogue } from './runtimes.js';
import type { FunctionConfig, FunctionView } from './types.js';
import type { LayerService } from './layer-service.js';
import { pageLimit } from './paging.js';
import { buildFunctionConfig, validateFunctionName } from './validation.js';

export interface FunctionChange {
  readonly accountId: string;
  readonly functionName: string;
  /** The new revision, or undefined when the function was deleted. */
  readonly revision: number | undefined;
}

export interface ListFunctionsQuery {
  prefix?: string;
  limit?: string | number;
  nextToken?: string;
}

/** Per-request extras of CreateFunction and UpdateFunction. */
export interface DeployOptions {
  /** Recorded with audit entries. */
  readonly requestId?: string;
  /** Called with the credential scan's result when the deploy succeeds (not when scanning is off). */
  readonly onCredentialScan?: (result: CredentialScanResult) => void;
  /** Set by the FC 2.0 API only: CreateFunction may use the `<serviceName>$<functionName>` form. */
  readonly isServiceFunction?: boolean;
}

export interface FunctionService {
  create(accountId: string, input: Record<string, unknown>, options?: DeployOptions): Promise<FunctionView>;
  get(accountId: string, functionName: string): FunctionView;
  list(accountId: string, query: ListFunctionsQuery): { functions: FunctionView[]; nextToken?: string };
  update(accountId: string, functionName: string, input: Record<string, unknown>, options?: DeployOptions): Promise<FunctionView>;
  delete(accountId: string, functionName: string): void;
  /**
   * A signed download URL for the function's code package, valid for `codeUrlTtlMs`: LATEST's, or
   * that of `record` (a version's frozen record from the qualifier resolver) when given.
   */
  getCode(accountId: string, functionName: string, endpoint: string, record?: FunctionRecord): { url: string; checksum: string };
  /** The stored record, from an in-memory cache kept in step with every change. */
  resolve(accountId: string, functionName: string): FunctionRecord;
  /**
   * The same service, except that `resolve` refuses (InvalidArgument) a function whose runtime is
   * in the `invoke-blocked` phase: for the invocation paths.
   */
  forInvocation(): FunctionService;
  /** Runtime phases in force (built-in ones with `runtimePhases` on top). */
  readonly runtimes: RuntimeCatalogue;
  onChange(fn: (change: FunctionChange) => void): void;
  functionArn(accountId: string, functionName: string): string;
  toView(record: FunctionRecord): FunctionView;
}


/** FC's time format: ISO 8601 UTC with second precision. */
export function fcTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function createFunctionService(deps: {
  store: MetadataStore;
  blobs: BlobStore;
  codeCache: CodeCache;
  clock: Clock;
  config: ResolvedConfig;
  codeUrls: CodeUrlSigner;
  /** Set when the sandbox driver does not isolate instances: every Function view carries it in stateReason. */
  isolationWarning?: string;
  logger?: Logger;
  /** The control-plane audit log: `credentials.found` entries. */
  audit?: Pick<AuditLog, 'write'>;
  /** Checks `layers` and records their code identity; absent: a function cannot use layers. */
  layers?: Pick<LayerService, 'resolveForFunction'>;
}): FunctionService {
  const { store, blobs, codeCache, clock, config, codeUrls, logger, audit } = deps;
  const runtimes = createRuntimeCatalogue(config.runtimePhases);
  const stateReason = deps.isolationWarning ?? '';
  const cache = new Map<string, FunctionRecord>();
  const listeners: ((c: FunctionChange) => void)[] = [];
  const cacheKey = (a: string, f: string) => `${a}\u0000${f}`;
  const notFound = (name: string) => new PlatformError('FunctionNotFound', `function '${name}' does not exist`);

  const functionArn = (accountId: string, functionName: string) => `acs:fc:${config.region}:${accountId}:functions/${functionName}`;

  function toView(r: FunctionRecord): FunctionView {
    const { layerCode, ...cfg } = r.config as FunctionConfig;
    return {
      ...cfg,
      functionName: r.functionName,
      functionId: r.functionId,
      functionArn: functionArn(r.accountId, r.functionName),
      codeChecksum: r.codeChecksum,
      codeSize: r.codeSize,
      createdTime: r.createdTime,
      lastModifiedTime: r.lastModifiedTime,
      state: 'Active',
      stateReason,
      stateReasonCode: stateReason ? 'InstancesNotIsolated' : '',
      lastUpdateStatus: 'Successful',
      lastUpdateStatusReason: '',
      lastUpdateStatusReasonCode: '',
      layers: (layerCode ?? []).map((l) => ({ arn: l.arn, size: l.codeSize })),
    };
  }

  /** Resolves the layers a request sets (each the caller's own or a public one) into their code identity. */
  function applyLayers(accountId: string, cfg: FunctionConfig, isSent: boolean): void {
    if (!isSent) return;
    if (cfg.layers.length > 0 && !deps.layers) throw new PlatformError('LayerVersionNotFound', `layer version '${cfg.layers[0]}' does not exist`);
    cfg.layerCode = deps.layers ? deps.layers.resolveForFunction(accountId, cfg.layers) : [];
  }

  /** vpcConfig must name one of the account's own VPCs (another account's looks the same as none). */
  function checkVpcConfig(accountId: string, cfg: FunctionConfig): void {
    const vpc = (cfg as { vpcConfig?: unknown }).vpcConfig;
    if (vpc === undefined || vpc === null) return;
    if (typeof vpc !== 'object' || Array.isArray(vpc)) throw invalidArgument('vpcConfig must be an object with vpcId');
    const vpcId = (vpc as { vpcId?: unknown }).vpcId;
    if (vpcId === undefined || vpcId === '') return;
    if (typeof vpcId !== 'string') throw invalidArgument('vpcConfig.vpcId must be a string');
    const record = store.getVpc(vpcId);
    if (!record || record.accountId !== accountId) throw new PlatformError('VpcNotFound', `VPC '${vpcId}' does not exist in this account (create it with CreateVpc or 'openfc vpc create')`);
  }

  function announce(change: FunctionChange): void {
    for (const fn of listeners) fn(change);
  }

  const codeStore = createCodeStore({ blobs, codeCache, config });
  const storeCode = (code: unknown) => codeStore.store(code, 'the function');
  const discardCode = (code: StoredCode | undefined) => codeStore.discard(code);

  /** The environment variables' findings, when the request sets them and scanning is on. */
  function scanEnv(env: Record<string, string> | undefined): CredentialFinding[] {
    return config.credentialScan !== 'off' && env ? scanEnvironment(env) : [];
  }

  /**
   * Scans what the request sends for credentials: `envFindings` from {@link scanEnv}, and the code
   * package when given. A find is logged and audited without the secret, then reported (`warn`) or
   * refused with CredentialsInCode after discarding a package this request stored (`refuse`).
   * Callers refuse environment findings before storing any code, so a package is only ever
   * discarded for its own findings, which any concurrent deploy of the same package shares.
   */
  async function screenCredentials(
    target: { accountId: string; functionName: string; operation: 'CreateFunction' | 'UpdateFunction' },
    envFindings: CredentialFinding[],
    code: StoredCode | undefined,
    options: DeployOptions | undefined,
  ): Promise<void> {
    if (config.credentialScan === 'off') return;
    const scanned = code ? await scanDirectory(code.dir) : { findings: [], skipped: [], scannedFiles: 0, scannedBytes: 0, maxFileBytes: MAX_SCAN_FILE_BYTES };
    const result: CredentialScanResult = { ...scanned, findings: [...envFindings, ...scanned.findings] };
    const scope = { ...target, ...(options?.requestId && { requestId: options.requestId }) };
    if (result.skipped.length > 0) {
      logger?.warn('credential scan skipped files larger than its limit', { ...scope, skipped: result.skipped });
    }
    if (result.findings.length > 0) {
      const outcome = config.credentialScan === 'refuse' ? 'refused' : 'warned';
      const findings = result.findings.map((f: CredentialFinding) => ({ location: f.location, line: f.line, kind: f.kind, masked: f.masked }));
      logger?.warn('credentials found in a deploy', { ...scope, outcome, findings });
      audit?.write('credentials.found', { ...scope, outcome, findings });
      if (outcome === 'refused') {
        await discardCode(code);
        throw new PlatformError(
          'CredentialsInCode',
          `the deploy was refused because it contains credentials (${summarizeFindings(result.findings)}); ` +
            'remove them and give the function a role (context.credentials) or a secret store instead',
          { fields: { findings } },
        );
      }
    }
    options?.onCredentialScan?.(result);
  }

  function resolve(accountId: string, functionName: string): FunctionRecord {
    const k = cacheKey(accountId, functionName);
    let r = cache.get(k);
    if (!r) {
      r = store.getFunction(accountId, functionName);
      if (!r) throw notFound(functionName);
      cache.set(k, r);
    }
    return r;
  }


  const service: FunctionService = {
    functionArn,
    toView,
    resolve,
    runtimes,
    forInvocation: () => invocable,
    onChange(fn) {
      listeners.push(fn);
    },
    async create(accountId, input, options) {
      const functionName = validateFunctionName(input.functionName);
      if (functionName.includes('$') && !options?.isServiceFunction) throw invalidArgument(`functionName '${functionName}' names a function of an FC 2.0 service; create it with the FC 2.0 API (CreateFunction in service '${functionName.split('$')[0]}')`);
      if (store.getFunction(accountId, functionName)) throw new PlatformError('FunctionAlreadyExists', `function '${functionName}' already exists`);
      const fnConfig = buildFunctionConfig(input, undefined, runtimes);
      checkVpcConfig(accountId, fnConfig);
      applyLayers(accountId, fnConfig, true);
      if (input.code === undefined) throw invalidArgument('code is required: send the code package as code.zipFile (base64 of a zip)');
      const target = { accountId, functionName, operation: 'CreateFunction' } as const;
      const envFindings = scanEnv(fnConfig.environmentVariables);
      if (envFindings.length > 0 && config.credentialScan === 'refuse') await screenCredentials(target, envFindings, undefined, options);
      const code = await storeCode(input.code);
      await screenCredentials(target, envFindings, code, options);
      const now = fcTime(clock.now());
      const record: FunctionRecord = {
        accountId, functionName, functionId: randomUUID(), revision: 1, config: fnConfig, ...code.identity, createdTime: now, lastModifiedTime: now,
      };
      store.createFunction(record);
      cache.set(cacheKey(accountId, functionName), record);
      announce({ accountId, functionName, revision: 1 });
      return toView(record);
    },
    get(accountId, functionName) {
      return toView(resolve(accountId, validateFunctionName(functionName)));
    },
    list(accountId, query) {
      const limit = pageLimit(query.limit);
      const page = store.listFunctions(accountId, { prefix: query.prefix || undefined, limit, nextToken: query.nextToken || undefined });
      return { functions: page.items.map(toView), ...(page.nextToken && { nextToken: page.nextToken }) };
    },
    async update(accountId, functionName, input, options) {
      validateFunctionName(functionName);
      const current = store.getFunction(accountId, functionName);
      if (!current) throw notFound(functionName);
      if (input.functionName !== undefined && input.functionName !== functionName) throw invalidArgument('functionName cannot be changed');
      const fnConfig = buildFunctionConfig(input, current.config as FunctionConfig, runtimes);
      checkVpcConfig(accountId, fnConfig);
      applyLayers(accountId, fnConfig, input.layers !== undefined && input.layers !== null);
      const target = { accountId, functionName, operation: 'UpdateFunction' } as const;
      const isEnvSent = input.environmentVariables !== undefined && input.environmentVariables !== null;
      const envFindings = scanEnv(isEnvSent ? fnConfig.environmentVariables : undefined);
      if (envFindings.length > 0 && config.credentialScan === 'refuse') await screenCredentials(target, envFindings, undefined, options);
      const code = input.code !== undefined ? await storeCode(input.code) : undefined;
      await screenCredentials(target, envFindings, code, options);
      const record: FunctionRecord = { ...current, ...code?.identity, config: fnConfig, revision: current.revision + 1, lastModifiedTime: fcTime(clock.now()) };
      store.updateFunction(record, current.revision);
      cache.set(cacheKey(accountId, functionName), record);
      announce({ accountId, functionName, revision: record.revision });
      return toView(record);
    },
    delete(accountId, functionName) {
      validateFunctionName(functionName);
      if (!store.deleteFunction(accountId, functionName)) throw notFound(functionName);
      cache.delete(cacheKey(accountId, functionName));
      announce({ accountId, functionName, revision: undefined });
    },
    getCode(accountId, functionName, endpoint, record) {
      const r = record ?? resolve(accountId, validateFunctionName(functionName));
      const path = codeUrls.sign({ accountId, blobKey: r.codeBlobKey, expiresAtMs: clock.now() + config.codeUrlTtlMs });
      return { url: endpoint + path, checksum: r.codeChecksum };
    },
  };
  const invocable: FunctionService = {
    ...service,
    resolve(accountId, functionName) {
      const r = resolve(accountId, functionName);
      runtimes.check(String((r.config as FunctionConfig).runtime), 'invoke');
      return r;
    },
    forInvocation: () => invocable,
  };
  return service;
}

export { CODE_DOWNLOAD_PATH };
