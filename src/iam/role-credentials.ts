/**
 * @module iam/role-credentials
 * Execution roles: a function whose `role` names a RAM role of its account runs with temporary
 * credentials of that role, assumed by the FC service (so the role's trust policy must name
 * `fc.aliyuncs.com`), for the STS default of an hour. Credentials are kept per (account, function, role) and renewed once less
 * than `refreshBeforeMs` of their life is left, so an instance always holds valid ones.
 */
import type { Clock } from '../time/clock.js';
import { FC_SERVICE_PRINCIPAL, type StsService, type TemporaryCredentials } from './sts-service.js';

/** Credentials are renewed when less than this much of their life is left. @default 5 min */
export const DEFAULT_REFRESH_BEFORE_MS = 5 * 60 * 1000;

export interface RoleCredentials {
  /** The role's current credentials for this function; assumes the role when none are fresh. Throws when it cannot be assumed. */
  get(accountId: string, functionName: string, roleArn: string): TemporaryCredentials;
  /** Whether credentials expiring at `expiresAtMs` are due for renewal. */
  isDue(expiresAtMs: number): boolean;
}

export function createRoleCredentials(deps: { sts: StsService; clock: Clock; refreshBeforeMs?: number }): RoleCredentials {
  const { sts, clock } = deps;
  const refreshBeforeMs = deps.refreshBeforeMs ?? DEFAULT_REFRESH_BEFORE_MS;
  const cache = new Map<string, TemporaryCredentials>();
  const isDue = (expiresAtMs: number) => expiresAtMs - clock.now() < refreshBeforeMs;
  return {
    isDue,
    get(accountId, functionName, roleArn) {
      const key = `${accountId}\n${functionName}\n${roleArn}`;
      const cached = cache.get(key);
      if (cached && !isDue(cached.expiresAtMs)) return cached;
      const sessionName = `fc-${functionName}`.slice(0, 64).replace(/[^a-zA-Z0-9.@_-]/g, '_');
      const { credentials } = sts.assumeRole({ service: FC_SERVICE_PRINCIPAL, accountId }, { roleArn, roleSessionName: sessionName.length >= 2 ? sessionName : 'fc-function' });
      cache.set(key, credentials);
      return credentials;
    },
  };
}
