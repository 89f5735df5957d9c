/**
 * @module functions/layer-service
 * The layer control plane: CreateLayerVersion, GetLayerVersion, GetLayerVersionByArn,
 * ListLayers, ListLayerVersions, DeleteLayerVersion and PutLayerACL (reference §5, §6.6), and
 * the check a deploy makes of a function's `layers`. Packages are validated like function code
 * (code-package.ts through the code cache), stored in the BlobStore and scanned for credentials.
 * A function records the code identity of its layers at deploy time, so deleting a layer version
 * or making it private later never breaks a function that already uses it; the package blobs of
 * deleted versions are therefore kept.
 */
import { createCodeStore, type StoredCode } from './code-store.js';
import type { ResolvedConfig } from '../config/index.js';
import { PlatformError, invalidArgument } from '../errors/index.js';
import type { AuditLog } from '../exec/index.js';
import type { Logger } from '../observability/logger.js';
import type { LayerVersionRecord } from '../store/layer-types.js';
import type { BlobStore, MetadataStore } from '../store/types.js';
import type { Clock } from '../time/clock.js';
import type { CodeCache } from './code-cache.js';
import type { CodeUrlSigner } from './code-url.js';
import { scanDirectory, summarizeFindings, type CredentialScanResult } from './credential-scan.js';
import { fcTime } from './function-service.js';
import { formatLayerVersionArn, parseLayerVersionArn, validateLayerName, validateLayerVersion } from './layer-arn.js';
import { pageLimit } from './paging.js';
import type { LayerCodeRef } from './types.js';

const MAX_DESCRIPTION_LENGTH = 256;
const MAX_LICENSE_LENGTH = 256;
const MAX_COMPATIBLE_RUNTIMES = 20;
/** The account id of official layers in their ARNs (`ListLayers?official=true`). */
export const OFFICIAL_LAYER_ACCOUNT = 'official';

/** FC's `Layer` output model (reference §6.6). */
export interface LayerView {
  layerName: string;
  version: number;
  layerVersionArn: string;
  description: string;
  license: string;
  compatibleRuntime: string[];
  /** "1" public, "0" private. */
  acl: '0' | '1';
  codeChecksum: string;
  codeSize: number;
  createTime: string;
  /** A signed download URL of the package, when the request's endpoint is known. */
  code?: { location: string; repositoryType: 'OSS' };
}

export interface ListLayersQuery {
  prefix?: string;
  limit?: string;
  nextToken?: string;
  /** "true": the public layers of every account instead of the caller's own. */
  public?: string;
  /** "true": official layers (account `official`). */
  official?: string;
}

export interface LayerRequestOptions {
  readonly requestId?: string;
  /** `https://host:port` the caller used, for the package download URL. */
  readonly endpoint?: string;
  /** Called with the credential scan's result when the version is created (not when scanning is off). */
  readonly onCredentialScan?: (result: CredentialScanResult) => void;
}

export interface LayerService {
  create(accountId: string, layerName: string, input: Record<string, unknown>, options?: LayerRequestOptions): Promise<LayerView>;
  get(accountId: string, layerName: string, version: string, endpoint?: string): LayerView;
  /** Any account's version by ARN: the caller's own, or another account's public one. */
  getByArn(accountId: string, arn: string, endpoint?: string): LayerView;
  list(accountId: string, query: ListLayersQuery, endpoint?: string): { layers: LayerView[]; nextToken?: string };
  listVersions(accountId: string, layerName: string, query: { startVersion?: string; limit?: string }, endpoint?: string): { layers: LayerView[]; nextVersion?: number };
  delete(accountId: string, layerName: string, version: string): void;
  /** `public=true|false` (newer SDKs) or `acl=1|0` (older ones). */
  putAcl(accountId: string, layerName: string, query: { public?: string; acl?: string }): void;
  /**
   * The code identities of a function's layers, in the order given; each must be the caller's own
   * version or another account's public one, else LayerVersionNotFound.
   */
  resolveForFunction(accountId: string, arns: readonly string[]): LayerCodeRef[];
}

export function createLayerService(deps: {
  store: MetadataStore;
  blobs: BlobStore;
  codeCache: CodeCache;
  clock: Clock;
  config: ResolvedConfig;
  codeUrls: CodeUrlSigner;
  logger?: Logger;
  /** The control-plane audit log: `credentials.found` entries. */
  audit?: Pick<AuditLog, 'write'>;
}): LayerService {
  const { store, blobs, codeCache, clock, config, codeUrls, logger, audit } = deps;
  const arnOf = (r: { accountId: string; layerName: string; version: number }) => formatLayerVersionArn({ region: config.region, ...r });
  const notFound = (what: string) => new PlatformError('LayerVersionNotFound', `layer version '${what}' does not exist`);

  function toView(r: LayerVersionRecord, endpoint: string | undefined): LayerView {
    return {
      layerName: r.layerName, version: r.version, layerVersionArn: arnOf(r), description: r.description, license: r.license, compatibleRuntime: [...r.compatibleRuntime],
      acl: r.isPublic ? '1' : '0', codeChecksum: r.codeChecksum, codeSize: r.codeSize, createTime: r.createdTime,
      ...(endpoint && { code: { location: endpoint + codeUrls.sign({ accountId: r.accountId, blobKey: r.codeBlobKey, expiresAtMs: clock.now() + config.codeUrlTtlMs }), repositoryType: 'OSS' as const } }),
    };
  }

  /** A version the caller may read: its own, or another account's public one (same region). */
  function readable(accountId: string, arn: string): LayerVersionRecord {
    const ref = parseLayerVersionArn(arn);
    if (!ref || ref.region !== config.region) throw notFound(arn);
    const r = store.getLayerVersion(ref.accountId, ref.layerName, ref.version);
    if (!r || (r.accountId !== accountId && !r.isPublic)) throw notFound(arn);
    return r;
  }

  function stringField(input: Record<string, unknown>, field: string, max: number): string {
    const v = input[field];
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string' || v.length > max) throw invalidArgument(`${field} must be a string of at most ${max} characters`);
    return v;
  }

  function compatibleRuntimes(v: unknown): string[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.length > MAX_COMPATIBLE_RUNTIMES || v.some((r) => typeof r !== 'string' || r === '' || r.length > 64)) {
      throw invalidArgument(`compatibleRuntime must be an array of at most ${MAX_COMPATIBLE_RUNTIMES} runtime names, such as ["nodejs20", "python3.10"]`);
    }
    return [...new Set(v as string[])];
  }

  const codeStore = createCodeStore({ blobs, codeCache, config });

  /** The same screening CreateFunction does: log and audit a find, then warn or refuse (CredentialsInCode). */
  async function screenCredentials(scope: Record<string, string>, code: StoredCode, options: LayerRequestOptions | undefined): Promise<void> {
    if (config.credentialScan === 'off') return;
    const result = await scanDirectory(code.dir);
    if (result.skipped.length > 0) logger?.warn('credential scan skipped files larger than its limit', { ...scope, skipped: result.skipped });
    if (result.findings.length > 0) {
      const outcome = config.credentialScan === 'refuse' ? 'refused' : 'warned';
      const findings = result.findings.map((f) => ({ location: f.location, line: f.line, kind: f.kind, masked: f.masked }));
      logger?.warn('credentials found in a deploy', { ...scope, outcome, findings });
      audit?.write('credentials.found', { ...scope, outcome, findings });
      if (outcome === 'refused') {
        if (code.isNew) {
          await codeStore.discard(code);
        }
        throw new PlatformError(
          'CredentialsInCode',
          `the layer version was refused because it contains credentials (${summarizeFindings(result.findings)}); remove them and let functions use a role (context.credentials) or a secret store instead`,
          { fields: { findings } },
        );
      }
    }
    options?.onCredentialScan?.(result);
  }

  return {
    async create(accountId, rawName, input, options) {
      const layerName = validateLayerName(rawName);
      const description = stringField(input, 'description', MAX_DESCRIPTION_LENGTH);
      const license = stringField(input, 'license', MAX_LICENSE_LENGTH);
      const compatibleRuntime = compatibleRuntimes(input.compatibleRuntime);
      const code = await codeStore.store(input.code, 'the layer');
      const scope = { accountId, layerName, operation: 'CreateLayerVersion', ...(options?.requestId && { requestId: options.requestId }) };
      await screenCredentials(scope, code, options);
      const record = store.createLayerVersion({
        accountId, layerName, description, license, compatibleRuntime, ...code.identity, createdTime: fcTime(clock.now()),
      });
      logger?.info('layer version created', { accountId, layerName, version: record.version });
      return toView(record, options?.endpoint);
    },
    get(accountId, rawName, rawVersion, endpoint) {
      const layerName = validateLayerName(rawName);
      const version = validateLayerVersion(rawVersion);
      const r = store.getLayerVersion(accountId, layerName, version);
      if (!r) throw notFound(`${layerName}/versions/${version}`);
      return toView(r, endpoint);
    },
    getByArn(accountId, arn, endpoint) {
      return toView(readable(accountId, arn), endpoint);
    },
    list(accountId, query, endpoint) {
      const limit = pageLimit(query.limit);
      const isOfficial = query.official === 'true';
      const isPublicOnly = !isOfficial && query.public === 'true';
      const page = store.listLayers({
        accountId: isOfficial ? OFFICIAL_LAYER_ACCOUNT : isPublicOnly ? undefined : accountId, isPublicOnly, limit,
        ...(query.prefix && { prefix: query.prefix }), ...(query.nextToken && { nextToken: query.nextToken }),
      });
      // Official layers are readable by everyone; other accounts' layers only when public.
      const items = page.items.filter((r) => r.accountId === accountId || r.isPublic || isOfficial);
      return { layers: items.map((r) => toView(r, endpoint)), ...(page.nextToken && { nextToken: page.nextToken }) };
    },
    listVersions(accountId, rawName, query, endpoint) {
      const layerName = validateLayerName(rawName);
      const limit = pageLimit(query.limit);
      const startVersion = query.startVersion ? validateLayerVersion(query.startVersion) : undefined;
      const page = store.listLayerVersions(accountId, layerName, { limit, ...(startVersion && { startVersion }) });
      return { layers: page.items.map((r) => toView(r, endpoint)), ...(page.nextVersion !== undefined && { nextVersion: page.nextVersion }) };
    },
    delete(accountId, rawName, rawVersion) {
      const layerName = validateLayerName(rawName);
      const version = validateLayerVersion(rawVersion);
      if (!store.deleteLayerVersion(accountId, layerName, version)) throw notFound(`${layerName}/versions/${version}`);
    },
    putAcl(accountId, rawName, query) {
      const layerName = validateLayerName(rawName);
      let isPublic: boolean;
      if (query.public === 'true' || query.public === 'false') isPublic = query.public === 'true';
      else if (query.acl === '1' || query.acl === '0') isPublic = query.acl === '1';
      else throw invalidArgument('PutLayerACL needs public=true|false (or acl=1|0)');
      if (!store.setLayerPublic(accountId, layerName, isPublic)) throw new PlatformError('LayerVersionNotFound', `layer '${layerName}' has no version in this account`);
    },
    resolveForFunction(accountId, arns) {
      return arns.map((arn) => {
        const r = readable(accountId, arn);
        return { arn, codeBlobKey: r.codeBlobKey, codeChecksum: r.codeChecksum, codeSize: r.codeSize };
      });
    },
  };
}
