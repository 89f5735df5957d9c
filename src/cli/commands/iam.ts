/**
 * @module cli/commands/iam
 * `openfc iam …`: RAM users, their AccessKeys, custom policies and roles, and STS AssumeRole, over
 * the same API the official `@alicloud/ram20150501` and `@alicloud/sts20150401` SDKs call (this
 * command uses those SDKs). Everything is scoped to the account of the credentials in use.
 */
import fs from 'node:fs';
import RamModule, * as $Ram from '@alicloud/ram20150501';
import StsModule, * as $Sts from '@alicloud/sts20150401';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import type { Command } from 'commander';
import { addClientOptions, resolveClientConfig, type ClientConfig, type ClientFlags } from '../client-config.js';
import { API_TIMEOUT_MS } from '../fc-client.js';

type Ctor<T> = new (config: $OpenApiUtil.Config) => T;
const classOf = <T>(m: unknown): Ctor<T> => (typeof m === 'function' ? m : (m as { default: Ctor<T> }).default) as Ctor<T>;
const RamClient = classOf<RamModule.default>(RamModule);
const StsClient = classOf<StsModule.default>(StsModule);

type JsonFlags = ClientFlags & { json?: boolean };

function sdkConfig(c: ClientConfig): $OpenApiUtil.Config {
  return new $OpenApiUtil.Config({
    accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, endpoint: c.endpoint, protocol: c.protocol,
    ...(c.ca !== undefined && { ca: c.ca }), readTimeout: API_TIMEOUT_MS, connectTimeout: API_TIMEOUT_MS,
  });
}
const ram = (flags: ClientFlags) => new RamClient(sdkConfig(resolveClientConfig(flags, process.env)));
const sts = (flags: ClientFlags) => new StsClient(sdkConfig(resolveClientConfig(flags, process.env)));

const print = (value: unknown, isJson: boolean | undefined, text: () => string) => process.stdout.write((isJson ? JSON.stringify(value) : text()) + '\n');
/** A policy document given inline (JSON) or as @file. */
const documentArg = (v: string) => (v.startsWith('@') ? fs.readFileSync(v.slice(1), 'utf8') : v);

export function registerIamCommand(program: Command): void {
  const iam = program.command('iam').description('RAM users, AccessKeys, policies and roles of the account, and temporary credentials (STS)');
  const sub = (parent: Command, name: string, description: string) => addClientOptions(parent.command(name).description(description).option('--json', 'print the response as JSON'));

  const user = iam.command('user').description('RAM users: identities with their own AccessKeys and only the rights their policies give');
  sub(user, 'create', 'create a RAM user').argument('<name>', 'user name').option('--display-name <text>', 'display name').action(async (name: string, f: JsonFlags & { displayName?: string }) => {
    const r = (await ram(f).createUser(new $Ram.CreateUserRequest({ userName: name, ...(f.displayName && { displayName: f.displayName }) }))).body!;
    print(r.user, f.json, () => `created user ${r.user!.userName} (${r.user!.userId})`);
  });
  sub(user, 'list', 'list the RAM users').action(async (f: JsonFlags) => {
    const users = (await ram(f).listUsers(new $Ram.ListUsersRequest({}))).body!.users?.user ?? [];
    print(users, f.json, () => users.map((u) => `${u.userName}  ${u.displayName ?? ''}  ${u.createDate ?? ''}`).join('\n'));
  });
  sub(user, 'delete', 'delete a RAM user, its AccessKeys and its policy attachments').argument('<name>', 'user name').action(async (name: string, f: JsonFlags) => {
    await ram(f).deleteUser(new $Ram.DeleteUserRequest({ userName: name }));
    print({ deleted: name }, f.json, () => `deleted user ${name}`);
  });

  const key = iam.command('key').description("a RAM user's AccessKeys (at most 2 each)");
  sub(key, 'create', 'create an AccessKey for a user; its secret is shown only now').requiredOption('--user <name>', 'user name').action(async (f: JsonFlags & { user: string }) => {
    const k = (await ram(f).createAccessKey(new $Ram.CreateAccessKeyRequest({ userName: f.user }))).body!.accessKey!;
    print(k, f.json, () => `accessKeyId: ${k.accessKeyId}\naccessKeySecret: ${k.accessKeySecret}\n(the secret is not shown again)`);
  });
  sub(key, 'list', "list a user's AccessKeys").requiredOption('--user <name>', 'user name').action(async (f: JsonFlags & { user: string }) => {
    const keys = (await ram(f).listAccessKeys(new $Ram.ListAccessKeysRequest({ userName: f.user }))).body!.accessKeys?.accessKey ?? [];
    print(keys, f.json, () => keys.map((k) => `${k.accessKeyId}  ${k.status}  ${k.createDate}`).join('\n'));
  });
  sub(key, 'delete', 'delete one of a user\'s AccessKeys').argument('<access-key-id>', 'the key').requiredOption('--user <name>', 'user name').action(async (id: string, f: JsonFlags & { user: string }) => {
    await ram(f).deleteAccessKey(new $Ram.DeleteAccessKeyRequest({ userName: f.user, userAccessKeyId: id }));
    print({ deleted: id }, f.json, () => `deleted AccessKey ${id}`);
  });

  const policy = iam.command('policy').description('custom RAM policies: which fc:, ram: and sts: actions on which resources (docs/permissions.md)');
  sub(policy, 'create', 'create a custom policy').argument('<name>', 'policy name').requiredOption('--document <json|@file>', 'the policy document, inline or @path').option('--description <text>', 'description')
    .action(async (name: string, f: JsonFlags & { document: string; description?: string }) => {
      const r = (await ram(f).createPolicy(new $Ram.CreatePolicyRequest({ policyName: name, policyDocument: documentArg(f.document), ...(f.description && { description: f.description }) }))).body!;
      print(r.policy, f.json, () => `created policy ${name}`);
    });
  sub(policy, 'list', 'list the custom policies').action(async (f: JsonFlags) => {
    const list = (await ram(f).listPolicies(new $Ram.ListPoliciesRequest({}))).body!.policies?.policy ?? [];
    print(list, f.json, () => list.map((p) => `${p.policyName}  ${p.description ?? ''}`).join('\n'));
  });
  sub(policy, 'get', 'show a policy and its document').argument('<name>', 'policy name').action(async (name: string, f: JsonFlags) => {
    const r = (await ram(f).getPolicy(new $Ram.GetPolicyRequest({ policyName: name, policyType: 'Custom' }))).body!;
    print(r, f.json, () => r.defaultPolicyVersion?.policyDocument ?? '');
  });
  sub(policy, 'delete', 'delete a policy that is attached to nobody').argument('<name>', 'policy name').action(async (name: string, f: JsonFlags) => {
    await ram(f).deletePolicy(new $Ram.DeletePolicyRequest({ policyName: name }));
    print({ deleted: name }, f.json, () => `deleted policy ${name}`);
  });
  for (const [verb, isAttach] of [['attach', true], ['detach', false]] as const) {
    sub(policy, verb, `${verb} a policy ${isAttach ? 'to' : 'from'} a user or a role`).argument('<name>', 'policy name').option('--user <name>', 'user name').option('--role <name>', 'role name')
      .action(async (name: string, f: JsonFlags & { user?: string; role?: string }) => {
        if (Boolean(f.user) === Boolean(f.role)) throw new Error('give exactly one of --user and --role');
        const c = ram(f);
        const common = { policyName: name, policyType: 'Custom' };
        if (f.user) await (isAttach ? c.attachPolicyToUser(new $Ram.AttachPolicyToUserRequest({ ...common, userName: f.user })) : c.detachPolicyFromUser(new $Ram.DetachPolicyFromUserRequest({ ...common, userName: f.user })));
        else await (isAttach ? c.attachPolicyToRole(new $Ram.AttachPolicyToRoleRequest({ ...common, roleName: f.role })) : c.detachPolicyFromRole(new $Ram.DetachPolicyFromRoleRequest({ ...common, roleName: f.role })));
        print({ policy: name, [f.user ? 'user' : 'role']: f.user ?? f.role }, f.json, () => `${verb}ed ${name} ${isAttach ? 'to' : 'from'} ${f.user ? `user ${f.user}` : `role ${f.role}`}`);
      });
  }

  const role = iam.command('role').description('RAM roles: rights that trusted principals (or FC, for execution roles) take on with temporary credentials');
  sub(role, 'create', 'create a role').argument('<name>', 'role name')
    .option('--trust <json|@file>', 'the trust policy (default: trust this account\'s principals)')
    .option('--trust-fc', 'trust the FC service, for a function execution role')
    .option('--max-session-duration <seconds>', 'longest session, 3600-43200', '3600')
    .action(async (name: string, f: JsonFlags & { trust?: string; trustFc?: boolean; maxSessionDuration: string }) => {
      const c = ram(f);
      let trust = f.trust ? documentArg(f.trust) : undefined;
      if (!trust) {
        const accountId = (await sts(f).getCallerIdentity()).body!.accountId!;
        const principal = f.trustFc ? { Service: ['fc.aliyuncs.com'] } : { RAM: [`acs:ram::${accountId}:root`] };
        trust = JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: principal }] });
      }
      const r = (await c.createRole(new $Ram.CreateRoleRequest({ roleName: name, assumeRolePolicyDocument: trust, maxSessionDuration: Number(f.maxSessionDuration) }))).body!;
      print(r.role, f.json, () => `created role ${r.role!.arn}`);
    });
  sub(role, 'list', 'list the roles').action(async (f: JsonFlags) => {
    const roles = (await ram(f).listRoles(new $Ram.ListRolesRequest({}))).body!.roles?.role ?? [];
    print(roles, f.json, () => roles.map((r) => `${r.roleName}  ${r.arn}`).join('\n'));
  });
  sub(role, 'delete', 'delete a role and its policy attachments').argument('<name>', 'role name').action(async (name: string, f: JsonFlags) => {
    await ram(f).deleteRole(new $Ram.DeleteRoleRequest({ roleName: name }));
    print({ deleted: name }, f.json, () => `deleted role ${name}`);
  });

  sub(iam, 'assume-role', 'get temporary credentials for a role (STS AssumeRole)').argument('<role-arn>', 'acs:ram::<accountId>:role/<name>')
    .option('--session <name>', 'role session name', 'openfc-cli').option('--duration <seconds>', 'lifetime, 900 up to the role\'s maximum', '3600').option('--policy <json|@file>', 'a policy that narrows the session')
    .action(async (roleArn: string, f: JsonFlags & { session: string; duration: string; policy?: string }) => {
      const r = (await sts(f).assumeRole(new $Sts.AssumeRoleRequest({ roleArn, roleSessionName: f.session, durationSeconds: Number(f.duration), ...(f.policy && { policy: documentArg(f.policy) }) }))).body!;
      const c = r.credentials!;
      print(c, f.json, () => `accessKeyId: ${c.accessKeyId}\naccessKeySecret: ${c.accessKeySecret}\nsecurityToken: ${c.securityToken}\nexpiration: ${c.expiration}`);
    });
}
