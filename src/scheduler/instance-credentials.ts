/**
 * @module scheduler/instance-credentials
 * The execution-role credentials an instance holds: issued with its assignment, and handed on with
 * an invocation whenever the source has renewed them since (the source renews before expiry).
 * The instance remembers which AccessKeyId it holds, so unchanged credentials are never resent.
 */
import { coerceError } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import type { Credentials } from '../sandbox/channel/index.js';
import type { FunctionRecord } from '../store/types.js';
import type { Instance } from './instance.js';

/** The current credentials of a function's execution role; throws when the role cannot be assumed. */
export type RoleCredentialSource = (fn: FunctionRecord, roleArn: string) => Credentials;

/** Credentials for the instance's assignment. Throws what the source throws. */
export function issueCredentials(inst: Instance, roleArn: string, source: RoleCredentialSource): Credentials {
  const c = source(inst.fn, roleArn);
  inst.credentialsKeyId = c.accessKeyId;
  return c;
}

/** Credentials newer than the instance holds, or undefined; if renewal fails the instance keeps its own. */
export function renewedCredentials(inst: Instance, roleArn: string, source: RoleCredentialSource, logger: Logger): Credentials | undefined {
  try {
    const c = source(inst.fn, roleArn);
    if (c.accessKeyId === inst.credentialsKeyId) return undefined;
    inst.credentialsKeyId = c.accessKeyId;
    return c;
  } catch (e: unknown) {
    logger.warn('the execution role could not be renewed; the instance keeps its current credentials', { instanceId: inst.id, err: coerceError(e) });
    return undefined;
  }
}
