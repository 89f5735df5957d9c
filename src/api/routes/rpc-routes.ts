/**
 * @module api/routes/rpc-routes
 * The RPC-style APIs the official RAM (`@alicloud/ram20150501`, version 2015-05-01) and STS
 * (`@alicloud/sts20150401`, version 2015-04-01) SDKs call: `POST /` with the operation in the
 * signed `x-acs-action` and `x-acs-version` headers and its parameters in the query. Answers are
 * RAM's PascalCase bodies with `RequestId`. A root key may call every operation of its account;
 * RAM users and role sessions need `ram:<Action>` / `sts:AssumeRole` in their policies.
 */
import { MAX_CONTROL_BODY_BYTES } from '../../config/index.js';
import { PlatformError } from '../../errors/index.js';
import { ramResourceFor, type RamOperation, type RpcParams, type StsService } from '../../iam/index.js';
import { principalArn, type Principal } from '../../iam/index.js';
import type { RequestContext, RouteHandler } from '../context.js';
import type { Route } from '../router.js';

export const RAM_API_VERSION = '2015-05-01';
export const STS_API_VERSION = '2015-04-01';

/** Throws AccessDenied unless `principal` may perform `action` on `resource` in this request. */
export type RequestAuthorizer = (ctx: RequestContext, action: string, resource: string) => void;

const paramsOf = (ctx: RequestContext): RpcParams => Object.fromEntries(ctx.query.entries());

export function rpcRoutes(deps: { ram: Readonly<Record<string, RamOperation>>; sts: StsService; authorize: RequestAuthorizer }): Route<RouteHandler>[] {
  function assumeRole(ctx: RequestContext, principal: Principal, params: RpcParams) {
    deps.authorize(ctx, 'sts:AssumeRole', params.RoleArn ?? '');
    const durationSeconds = params.DurationSeconds === undefined ? undefined : Number(params.DurationSeconds);
    const out = deps.sts.assumeRole({ principal }, { roleArn: params.RoleArn ?? '', roleSessionName: params.RoleSessionName ?? '', ...(durationSeconds !== undefined && { durationSeconds }), ...(params.Policy && { policy: params.Policy }) });
    return {
      Credentials: {
        AccessKeyId: out.credentials.accessKeyId, AccessKeySecret: out.credentials.accessKeySecret, SecurityToken: out.credentials.securityToken,
        Expiration: new Date(out.credentials.expiresAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
      AssumedRoleUser: { Arn: out.arn, AssumedRoleId: out.assumedRoleId },
    };
  }
  return [
    {
      method: 'POST', pattern: '/', action: 'RPC', bodyLimitBytes: MAX_CONTROL_BODY_BYTES,
      handler: (ctx) => {
        const action = String(ctx.req.headers['x-acs-action'] ?? '');
        const version = String(ctx.req.headers['x-acs-version'] ?? '');
        const params = { ...paramsOf(ctx), ...(ctx.body.length && ctx.req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') ? Object.fromEntries(new URLSearchParams(ctx.body.toString('utf8'))) : {}) };
        if (version === STS_API_VERSION && action === 'AssumeRole') return { status: 200, json: { RequestId: ctx.requestId, ...assumeRole(ctx, ctx.principal, params) } };
        if (version === STS_API_VERSION && action === 'GetCallerIdentity') {
          const p = ctx.principal;
          const identityType = p.kind === 'root' ? 'Account' : p.kind === 'user' ? 'RAMUser' : 'AssumedRoleUser';
          return { status: 200, json: { RequestId: ctx.requestId, AccountId: p.accountId, IdentityType: identityType, ...(p.userName && { UserId: p.userName }), Arn: principalArn(p) } };
        }
        const op = version === RAM_API_VERSION ? deps.ram[action] : undefined;
        if (!op) throw new PlatformError('PathNotSupported', `openfc has no operation ${action || '(no x-acs-action)'} of API version ${version || '(no x-acs-version)'}`);
        deps.authorize(ctx, `ram:${action}`, ramResourceFor(action, ctx.principal.accountId, params));
        return { status: 200, json: { RequestId: ctx.requestId, ...op(ctx.principal.accountId, params) } };
      },
    },
  ];
}
