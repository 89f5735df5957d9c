/**
 * @module triggers/invocation-role
 * A trigger's `invocationRole`: the role the event source acts as when it invokes the function.
 * Before each fire the role must exist in the function's account, trust `fc.aliyuncs.com`, and
 * have a policy that allows `fc:InvokeFunction` on the function (and qualifier); otherwise the
 * fire is refused with AccessDenied.
 */
import { PlatformError } from '../errors/index.js';
import { FC_SERVICE_PRINCIPAL, trusts, type Authorizer, type Principal } from '../iam/index.js';
import { fcActionFor } from '../iam/policy/index.js';
import type { MetadataStore, TriggerRecord } from '../store/types.js';
import type { Clock } from '../time/clock.js';

const ROLE_ARN = /^acs:ram::(\d+):role\/([A-Za-z0-9._-]{1,64})$/;

/** Throws AccessDenied when the trigger's role may not invoke its function; does nothing when it has no role. */
export type InvocationRoleCheck = (trigger: TriggerRecord) => void;

export function createInvocationRoleCheck(deps: { store: Pick<MetadataStore, 'getRamRole'>; authorizer: Authorizer; clock: Clock; region: string }): InvocationRoleCheck {
  const { store, authorizer, clock, region } = deps;
  return (t) => {
    if (t.invocationRole === '') return;
    const m = ROLE_ARN.exec(t.invocationRole);
    const role = m && m[1] === t.accountId ? store.getRamRole(t.accountId, m[2]!) : undefined;
    if (!role) throw new PlatformError('AccessDenied', `invocationRole '${t.invocationRole}' does not exist in account ${t.accountId}`);
    if (!trusts(role, { service: FC_SERVICE_PRINCIPAL, accountId: t.accountId })) {
      throw new PlatformError('AccessDenied', `the trust policy of role '${role.roleName}' does not allow ${FC_SERVICE_PRINCIPAL} to assume it`);
    }
    const session: Principal = { accountId: t.accountId, accessKeyId: '', kind: 'role-session', roleName: role.roleName, sessionName: `trigger-${t.triggerName}`.slice(0, 64), sessionPolicy: '' };
    const { action, resource } = fcActionFor('InvokeFunction', { region, accountId: t.accountId, functionName: t.functionName, qualifier: t.qualifier });
    authorizer.check(session, action, resource, { 'acs:CurrentTime': new Date(clock.now()).toISOString() });
  };
}
