/**
 * @module iam/authorize
 * Whether a principal may perform an action on a resource, by RAM's rules: an account's root may
 * do everything in its own account (other accounts' resources are never even found); a RAM user
 * may do what the policies attached to it allow; a role session may do what the role's policies
 * allow AND what the policy passed to AssumeRole allows. An explicit Deny always wins, and nothing
 * is allowed without a policy that allows it. Parsed policies are cached per principal and dropped
 * on every RAM change.
 */
import { PlatformError } from '../errors/index.js';
import type { MetadataStore, RamPrincipalType } from '../store/types.js';
import { principalArn, type Principal } from './types.js';

const MAX_CACHED_SESSION_POLICIES = 1000;

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

/** The condition keys of one request (`acs:SourceIp`, `acs:SecureTransport`, `acs:CurrentTime`, `acs:SourceVpc`). */
export type RequestConditions = Readonly<Record<string, string | boolean | number | undefined>>;

/** The policy language (iam/policy): parsing documents and evaluating a request against them. */
export interface PolicyEngine<P = unknown> {
  parse(document: string, field: string): P;
  evaluate(policies: readonly P[], request: { action: string; resource: string; conditions: RequestConditions }): Decision;
}

export interface Authorizer {
  /** Throws AccessDenied when the principal may not. */
  check(principal: Principal, action: string, resource: string, conditions: RequestConditions): void;
  decide(principal: Principal, action: string, resource: string, conditions: RequestConditions): Decision;
  /** Drops cached policies (after any RAM change). */
  invalidate(): void;
}

export function createAuthorizer<P>(deps: { store: MetadataStore; engine: PolicyEngine<P> }): Authorizer {
  const { store, engine } = deps;
  const cache = new Map<string, readonly P[]>();
  const attached = (accountId: string, type: RamPrincipalType, name: string): readonly P[] => {
    const key = `${accountId}\n${type}\n${name}`;
    let policies = cache.get(key);
    if (!policies) {
      policies = store.listRamAttachments(accountId, { principalType: type, principalName: name }).flatMap((a) => {
        const doc = store.getRamPolicy(accountId, a.policyName);
        return doc ? [engine.parse(doc.policyDocument, a.policyName)] : [];
      });
      cache.set(key, policies);
    }
    return policies;
  };
  /** Parsed AssumeRole policies by their text; bounded, since sessions come and go without RAM changes. */
  const sessionPolicies = new Map<string, P>();

  function decide(principal: Principal, action: string, resource: string, conditions: RequestConditions): Decision {
    if (principal.kind === 'root') return principal.accountId !== '' ? 'Allow' : 'ImplicitDeny';
    const request = { action, resource, conditions };
    if (principal.kind === 'user') return engine.evaluate(attached(principal.accountId, 'User', principal.userName!), request);
    if (principal.kind === 'role-session') {
      const byRole = engine.evaluate(attached(principal.accountId, 'Role', principal.roleName!), request);
      if (byRole !== 'Allow' || !principal.sessionPolicy) return byRole;
      let session = sessionPolicies.get(principal.sessionPolicy);
      if (!session) {
        if (sessionPolicies.size >= MAX_CACHED_SESSION_POLICIES) sessionPolicies.clear();
        sessionPolicies.set(principal.sessionPolicy, (session = engine.parse(principal.sessionPolicy, 'Policy')));
      }
      return engine.evaluate([session], request);
    }
    return 'ImplicitDeny';
  }

  return {
    decide,
    check(principal, action, resource, conditions) {
      const decision = decide(principal, action, resource, conditions);
      if (decision === 'Allow') return;
      const why = decision === 'ExplicitDeny' ? 'an explicit Deny in its policies' : 'no policy allows it';
      throw new PlatformError('AccessDenied', `${principalArn(principal)} is not allowed to ${action} on ${resource}: ${why}`);
    },
    invalidate() {
      cache.clear();
    },
  };
}
