/**
 * @module cli/commands/trigger
 * `openfc trigger create|get|list|update|delete`: a function's triggers (CreateTrigger and
 * friends). HTTP and timer triggers get convenience flags that build `triggerConfig`; any type can
 * take the raw JSON with `--config`. Calls go through the SDK's generic call so openfc's
 * `stateReason` gets through.
 */
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { InvalidArgumentError, type Command } from 'commander';
import { addClientOptions, type ClientFlags } from '../client-config.js';
import { connect, type FcConnection } from '../fc-client.js';

interface TriggerBody {
  triggerName: string;
  triggerType: string;
  triggerId: string;
  triggerConfig: string;
  qualifier: string;
  invocationRole?: string;
  sourceArn?: string;
  description?: string;
  status: string;
  stateReason?: string;
  createdTime: string;
  lastModifiedTime: string;
  httpTrigger?: { urlInternet?: string; urlIntranet?: string };
}

interface ConfigFlags extends ClientFlags {
  type?: string;
  config?: string;
  cron?: string;
  payload?: string;
  disable?: boolean;
  enable?: boolean;
  authType?: string;
  methods?: string;
  disableInternet?: boolean;
  qualifier?: string;
  role?: string;
  sourceArn?: string;
  description?: string;
  json?: boolean;
}

async function call(conn: FcConnection, op: { action: string; method: 'GET' | 'POST' | 'PUT' | 'DELETE'; pathname: string; query?: Record<string, string | undefined>; body?: unknown }): Promise<unknown> {
  const params = new $OpenApiUtil.Params({
    action: op.action, version: '2023-03-30', protocol: 'HTTPS', pathname: op.pathname, method: op.method, authType: 'AK', style: 'ROA', reqBodyType: 'json', bodyType: op.method === 'DELETE' ? 'none' : 'json',
  });
  const query = Object.fromEntries(Object.entries(op.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
  const req = new $OpenApiUtil.OpenApiRequest({ headers: {}, query, ...(op.body !== undefined && { body: op.body }) });
  return ((await conn.client.callApi(params, req, conn.runtime())) as { body?: unknown }).body;
}

const triggersPath = (fn: string) => `/2023-03-30/functions/${encodeURIComponent(fn)}/triggers`;
const triggerPath = (fn: string, t: string) => `${triggersPath(fn)}/${encodeURIComponent(t)}`;

function print(t: TriggerBody, isJson?: boolean): void {
  if (isJson) return void process.stdout.write(JSON.stringify(t) + '\n');
  const lines = [`${t.triggerName}  ${t.triggerType}  ${t.status}  ${t.triggerId}`, `  config    ${t.triggerConfig}`, `  qualifier ${t.qualifier}`];
  if (t.httpTrigger?.urlInternet) lines.push(`  url       ${t.httpTrigger.urlInternet}${t.httpTrigger.urlIntranet ? `  (intranet ${t.httpTrigger.urlIntranet})` : ''}`);
  if (t.invocationRole) lines.push(`  role      ${t.invocationRole}`);
  if (t.sourceArn) lines.push(`  source    ${t.sourceArn}`);
  if (t.stateReason) lines.push(`  note      ${t.stateReason}`);
  if (t.description) lines.push(`  ${t.description}`);
  lines.push(`  created ${t.createdTime}, modified ${t.lastModifiedTime}`);
  process.stdout.write(lines.join('\n') + '\n');
}

/** The triggerConfig string the flags describe, or undefined when they describe none. */
export function triggerConfigFromFlags(type: string | undefined, f: ConfigFlags): string | undefined {
  if (f.config !== undefined) return f.config;
  if (type === 'timer' && (f.cron !== undefined || f.payload !== undefined || f.disable || f.enable)) {
    if (f.cron === undefined) throw new InvalidArgumentError('--cron is required with --payload, --enable or --disable (the whole timer config is replaced)');
    return JSON.stringify({ cronExpression: f.cron, ...(f.payload !== undefined && { payload: f.payload }), enable: !f.disable });
  }
  if (type === 'http' && (f.authType !== undefined || f.methods !== undefined || f.disableInternet)) {
    return JSON.stringify({
      ...(f.authType !== undefined && { authType: f.authType }), ...(f.methods !== undefined && { methods: f.methods.split(',').map((m) => m.trim().toUpperCase()) }),
      ...(f.disableInternet && { disableURLInternet: true }),
    });
  }
  return undefined;
}

function withConfigOptions(cmd: Command): Command {
  return cmd
    .option('--config <json>', 'the whole triggerConfig as a JSON string (any trigger type)')
    .option('--cron <expression>', "timer: cronExpression, six fields with seconds ('0 0/5 * * * *'), 'CRON_TZ=Asia/Shanghai 0 0 4 * * *' or '@every 1m30s'")
    .option('--payload <text>', 'timer: the payload passed in the timer event')
    .option('--disable', 'timer: store the timer disabled (enable: false)')
    .option('--enable', 'timer: enabled (the default)')
    .option('--auth-type <type>', 'http: anonymous, or function (the default: requests signed by the account)')
    .option('--methods <list>', 'http: accepted methods, comma-separated (default: all)')
    .option('--disable-internet', 'http: refuse the internet (HTTPS) URL; the intranet URL keeps working')
    .option('--qualifier <q>', 'the version or alias the trigger invokes (default LATEST)')
    .option('--role <arn>', 'invocationRole: a role that trusts fc.aliyuncs.com and may fc:InvokeFunction')
    .option('--description <text>', 'free-text description')
    .option('--json', 'print the API response body as JSON');
}

export function registerTriggerCommand(program: Command): void {
  const trigger = program
    .command('trigger')
    .description("manage a function's triggers: HTTP (a URL served by openfc) and timer (cron or @every); other FC types are stored but not fired");
  addClientOptions(
    withConfigOptions(
      trigger
        .command('create')
        .description('create a trigger')
        .argument('<function>', 'the function name')
        .argument('<trigger>', 'the trigger name')
        .requiredOption('--type <type>', 'http, timer, or a stored-only type: oss, log, mns_topic, cdn_events, tablestore, eventbridge')
        .option('--source-arn <arn>', 'the event source ARN (stored-only types)'),
    ),
  ).action(async (fn: string, name: string, flags: ConfigFlags) => {
    const conn = connect(flags);
    const config = triggerConfigFromFlags(flags.type, flags) ?? (flags.type === 'http' ? '{}' : undefined);
    const body = {
      triggerName: name, triggerType: flags.type, ...(config !== undefined && { triggerConfig: config }), ...(flags.qualifier !== undefined && { qualifier: flags.qualifier }),
      ...(flags.role !== undefined && { invocationRole: flags.role }), ...(flags.sourceArn !== undefined && { sourceArn: flags.sourceArn }), ...(flags.description !== undefined && { description: flags.description }),
    };
    print((await call(conn, { action: 'CreateTrigger', method: 'POST', pathname: triggersPath(fn), body })) as TriggerBody, flags.json);
  });
  addClientOptions(trigger.command('get').description('show a trigger').argument('<function>', 'the function name').argument('<trigger>', 'the trigger name').option('--json', 'print the API response body as JSON')).action(
    async (fn: string, name: string, flags: ConfigFlags) => {
      print((await call(connect(flags), { action: 'GetTrigger', method: 'GET', pathname: triggerPath(fn, name) })) as TriggerBody, flags.json);
    },
  );
  addClientOptions(trigger.command('list').description("list a function's triggers (every page)").argument('<function>', 'the function name').option('--prefix <p>', 'only names starting with this').option('--json', 'print JSON: {triggers: [...]}')).action(
    async (fn: string, flags: ConfigFlags & { prefix?: string }) => {
      const conn = connect(flags);
      const all: TriggerBody[] = [];
      let nextToken: string | undefined;
      do {
        const page = (await call(conn, { action: 'ListTriggers', method: 'GET', pathname: triggersPath(fn), query: { prefix: flags.prefix, limit: '100', nextToken } })) as { triggers: TriggerBody[]; nextToken?: string };
        all.push(...page.triggers);
        nextToken = page.nextToken;
      } while (nextToken);
      if (flags.json) process.stdout.write(JSON.stringify({ triggers: all }) + '\n');
      else for (const t of all) print(t);
    },
  );
  addClientOptions(withConfigOptions(trigger.command('update').description("change a trigger's config, qualifier, role or description (type and name are fixed)").argument('<function>', 'the function name').argument('<trigger>', 'the trigger name'))).action(
    async (fn: string, name: string, flags: ConfigFlags) => {
      const conn = connect(flags);
      const current = (await call(conn, { action: 'GetTrigger', method: 'GET', pathname: triggerPath(fn, name) })) as TriggerBody;
      const config = triggerConfigFromFlags(current.triggerType, flags);
      const body = {
        ...(config !== undefined && { triggerConfig: config }), ...(flags.qualifier !== undefined && { qualifier: flags.qualifier }),
        ...(flags.role !== undefined && { invocationRole: flags.role }), ...(flags.description !== undefined && { description: flags.description }),
      };
      print((await call(conn, { action: 'UpdateTrigger', method: 'PUT', pathname: triggerPath(fn, name), body })) as TriggerBody, flags.json);
    },
  );
  addClientOptions(trigger.command('delete').description('delete a trigger').argument('<function>', 'the function name').argument('<trigger>', 'the trigger name')).action(async (fn: string, name: string, flags: ClientFlags) => {
    await call(connect(flags), { action: 'DeleteTrigger', method: 'DELETE', pathname: triggerPath(fn, name) });
    process.stdout.write(`deleted trigger ${name} of ${fn}\n`);
  });
}
