/**
 * @module api/access-control
 * Where the API asks iam/authorize whether a RAM user or role session may do what it asks: every
 * FC route (its action and resource from the one table in iam/policy/fc-actions), the RAM and STS
 * RPC operations, and InstanceExec. The request's condition keys come from api/request-conditions.
 */
import type { IncomingMessage } from 'node:http';
import type { Authorizer, Principal } from '../iam/index.js';
import { PlatformError } from '../errors/index.js';
import { fcActionFor, fcOperation, placeholders } from '../iam/policy/index.js';
import { FC2_OPERATION_PREFIX, fc2ActionFor, fc2Operation } from '../iam/policy/index.js';
import type { Clock } from '../time/clock.js';
import type { RequestContext } from './context.js';
import { requestConditions } from './request-conditions.js';
import { sourceVpcOf } from './source-vpc.js';
import type { ExecAuthorizer } from './routes/exec-routes.js';
import type { RequestAuthorizer } from './routes/rpc-routes.js';

export interface AccessControl {
  authorizeRoute(ctx: RequestContext, operation: string): void;
  authorizeRpc: RequestAuthorizer;
  authorizeExec: ExecAuthorizer;
}

export function createAccessControl(deps: { authorizer: Authorizer; clock: Clock; region: string }): AccessControl {
  const { authorizer, clock, region } = deps;
  const check = (principal: Principal, req: IncomingMessage, action: string, resource: string) => authorizer.check(principal, action, resource, requestConditions(req, clock, sourceVpcOf(req.socket)));
  /** FC 2.0 routes: FC 2.0's resource ARNs (iam/policy/fc2-actions); a name the request does not give is '*'. */
  function authorizeFc2(ctx: RequestContext, operation: string): void {
    const entry = fc2Operation(operation);
    if (!entry) throw new PlatformError('AccessDenied', `no RAM action governs ${operation}, so only the account's root may call it`);
    const params: { region: string; accountId: string; serviceName?: string; functionName?: string } = { region, accountId: ctx.principal.accountId, ...ctx.params };
    Object.assign(params, bodyParams(ctx, entry.fromBody));
    params.serviceName ??= '*';
    params.functionName ??= '*';
    checkOperation(ctx, entry.action, () => fc2ActionFor(operation, params));
  }
  /**
   * Checks the operation's action on its resource (an ARN that cannot be built, from a malformed
   * request, is authorized as '*'), then any role the request hands to openfc.
   */
  function checkOperation(ctx: RequestContext, action: string, target: () => { action: string; resource: string }): void {
    let t;
    try {
      t = target();
    } catch {
      t = { action, resource: '*' };
    }
    check(ctx.principal, ctx.req, t.action, t.resource);
    checkPassRole(ctx);
  }
  /**
   * A request that hands a role to openfc (a function's or service's `role`, a trigger's
   * `invocationRole`) lets the function act as that role, so a RAM user or role session also needs
   * `ram:PassRole` on it, as on Alibaba Cloud; otherwise fc:UpdateFunction alone would reach any
   * role of the account that trusts FC.
   */
  function checkPassRole(ctx: RequestContext): void {
    if (ctx.principal.kind === 'root' || (ctx.req.method !== 'POST' && ctx.req.method !== 'PUT')) return;
    for (const role of Object.values(bodyParams(ctx, PASSED_ROLE_FIELDS))) check(ctx.principal, ctx.req, 'ram:PassRole', role);
  }
  return {
    authorizeRoute(ctx, operation) {
      if (operation === 'RPC') return;
      if (operation.startsWith(FC2_OPERATION_PREFIX)) return authorizeFc2(ctx, operation);
      const entry = fcOperation(operation);
      if (!entry || entry.isPublic) throw new PlatformError('AccessDenied', `no RAM action governs ${operation}, so only the account's root may call it`);
      const params: { region: string; accountId: string; [name: string]: string } = { region, accountId: ctx.principal.accountId };
      for (const name of ['functionName', 'qualifier'] as const) {
        const v = ctx.query.get(name);
        if (v) params[name] = v;
      }
      Object.assign(params, ctx.params);
      Object.assign(params, bodyParams(ctx, entry.fromBody));
      // A name the request does not give (a malformed request) is authorized as '*': only a policy
      // that allows every such resource lets it through to be refused by validation.
      for (const name of placeholders(entry.resources[entry.resources.length - 1]!)) params[name] ??= '*';
      checkOperation(ctx, entry.action, () => fcActionFor(operation, params));
    },
    authorizeRpc(ctx, action, resource) {
      check(ctx.principal, ctx.req, action, resource);
    },
    authorizeExec(principal, req, functionName, instanceId) {
      const { action, resource } = fcActionFor('InstanceExec', { region, accountId: principal.accountId, functionName, instanceId });
      check(principal, req, action, resource);
    },
  };
}

/** Body fields that name a role for openfc to use. */
const PASSED_ROLE_FIELDS = ['role', 'invocationRole'] as const;

/**
 * The resource names an operation takes from its JSON body (CreateFunction's functionName, …).
 * A body that does not parse gives none: the handler answers it, and authorization uses wildcards
 * for what it cannot read.
 */
function bodyParams(ctx: RequestContext, names: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  if (names.length === 0) return params;
  let body: Record<string, unknown> = {};
  try {
    body = ctx.json();
  } catch {
    return params;
  }
  for (const name of names) if (typeof body[name] === 'string' && body[name] !== '') params[name] = body[name] as string;
  return params;
}
