/**
 * @module functions/qualifier-resolver
 * The one place that turns (function, qualifier) into the exact configuration and code to run:
 * `LATEST` (also no qualifier), a version id, or an alias name. An alias resolves to its version,
 * or, per invocation and by weight, to one of its `additionalVersionWeight` versions. A version
 * resolves to a FunctionRecord frozen at publishing, marked with its `versionId`.
 */
import { PlatformError, invalidArgument } from '../errors/index.js';
import type { FunctionRecord, VersionRecord } from '../store/types.js';
import { ALIAS_NAME_PATTERN, LATEST, VERSION_ID_PATTERN, pickVersion } from './alias-routing.js';
import type { FunctionService } from './function-service.js';
import type { FunctionConfig } from './types.js';
import type { VersionService } from './version-service.js';

/** What a qualifier resolved to. */
export interface ResolvedFunction {
  /** LATEST's record, or the frozen record of the version that runs (with `versionId` set). */
  readonly fn: FunctionRecord;
  /** The qualifier as asked: `LATEST`, a version id or an alias name. */
  readonly qualifier: string;
  /** The version that runs; undefined for LATEST. */
  readonly versionId?: string;
}

/**
 * How an alias with weights resolves: `weighted` picks per call (invocations), `primary` always
 * takes the alias's own version (GetFunction, GetFunctionCode).
 */
export type AliasPick = 'weighted' | 'primary';

export interface QualifierResolver {
  /** FunctionNotFound, VersionNotFound, AliasNotFound, or InvalidArgument for a malformed qualifier. */
  resolve(accountId: string, functionName: string, qualifier: string | null | undefined, options?: { pick?: AliasPick }): ResolvedFunction;
  /** Checks that the function and qualifier exist; returns the qualifier with none meaning `LATEST`. */
  check(accountId: string, functionName: string, qualifier: string | null | undefined): string;
  /** The same resolver, refusing (InvalidArgument) a configuration whose runtime is `invoke-blocked`. */
  forInvocation(): QualifierResolver;
}

/** A version's frozen configuration as a record the scheduler can run. */
export function versionFunctionRecord(latest: FunctionRecord, v: VersionRecord): FunctionRecord {
  return {
    accountId: v.accountId, functionName: v.functionName, functionId: latest.functionId, revision: v.revision, config: v.config,
    codeBlobKey: v.codeBlobKey, codeChecksum: v.codeChecksum, codeSize: v.codeSize, createdTime: v.createdTime, lastModifiedTime: v.lastModifiedTime, versionId: v.versionId,
  };
}

export function createQualifierResolver(deps: {
  functions: FunctionService;
  versions: Pick<VersionService, 'findVersion' | 'findAlias'>;
  /** A number in [0, 1) per weighted pick. @default Math.random */
  random?: () => number;
}): QualifierResolver {
  const { functions, versions } = deps;
  const random = deps.random ?? Math.random;

  function make(isForInvocation: boolean): QualifierResolver {
    const resolver: QualifierResolver = {
      resolve(accountId, functionName, qualifier, options = {}) {
        const latest = functions.resolve(accountId, functionName);
        const q = qualifier === null || qualifier === undefined || qualifier === '' ? LATEST : qualifier;
        let versionId: string;
        if (q === LATEST) {
          if (isForInvocation) functions.runtimes.check(String((latest.config as FunctionConfig).runtime), 'invoke');
          return { fn: latest, qualifier: LATEST };
        }
        if (VERSION_ID_PATTERN.test(q)) versionId = q;
        else if (ALIAS_NAME_PATTERN.test(q)) {
          const alias = versions.findAlias(accountId, functionName, q);
          if (!alias) throw new PlatformError('AliasNotFound', `alias '${q}' of function '${functionName}' does not exist`);
          versionId = options.pick === 'primary' ? alias.versionId : pickVersion(alias, random);
        } else if (/^\d+$/.test(q)) {
          throw new PlatformError('VersionNotFound', `version '${q}' of function '${functionName}' does not exist`);
        } else {
          throw invalidArgument(`qualifier '${q}' is not LATEST, a version id or an alias name`);
        }
        const v = versions.findVersion(accountId, functionName, versionId);
        if (!v) throw new PlatformError('VersionNotFound', `version '${versionId}' of function '${functionName}' does not exist`);
        if (isForInvocation) functions.runtimes.check(String((v.config as FunctionConfig).runtime), 'invoke');
        return { fn: versionFunctionRecord(latest, v), qualifier: q, versionId };
      },
      check(accountId, functionName, qualifier) {
        return resolver.resolve(accountId, functionName, qualifier, { pick: 'primary' }).qualifier;
      },
      forInvocation: () => invocable,
    };
    return resolver;
  }
  const plain = make(false);
  const invocable = make(true);
  return plain;
}
