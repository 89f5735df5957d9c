/**
 * @module cli/commands/async-config
 * `openfc async-config put|get|delete|list`: how a function's async invocations are retried, how
 * old their events may get, and where their results go (PutAsyncInvokeConfig and friends).
 * put, get and list use the SDK's generic call so openfc's extension fields (maxAsyncConcurrency,
 * dedicatedQueue), which the SDK's models drop, get through both ways.
 */
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { addClientOptions, type ClientFlags } from '../client-config.js';
import { $FC, connect, type FcConnection } from '../fc-client.js';
import { parsePositiveInt } from './function.js';

/** Page size used when following nextToken (the API's maximum). */
const LIST_PAGE_LIMIT = 100;

/** An AsyncConfig as the server sends it, extensions included. */
interface AsyncConfigBody {
  asyncTask?: boolean;
  destinationConfig?: { onSuccess?: { destination?: string }; onFailure?: { destination?: string } };
  maxAsyncEventAgeInSeconds?: number;
  maxAsyncRetryAttempts?: number;
  functionArn?: string;
  createdTime?: string;
  lastModifiedTime?: string;
  maxAsyncConcurrency?: number;
  dedicatedQueue?: boolean;
}

interface PutFlags extends ClientFlags {
  qualifier?: string;
  maxRetries?: number;
  maxEventAge?: number;
  task?: boolean;
  onSuccess?: string;
  onFailure?: string;
  maxConcurrency?: number;
  dedicatedQueue?: boolean;
  json?: boolean;
}

const nonNegativeInt = (label: string) => (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`${label} must be a whole number of 0 or more, got '${value}'`);
  return n;
};

/** One FC call through the SDK's generic `callApi` (same signing and errors), with a query. Resolves to the JSON body. */
async function call(conn: FcConnection, op: { action: string; method: 'GET' | 'PUT'; pathname: string; query?: Record<string, string | undefined>; body?: unknown }): Promise<unknown> {
  const params = new $OpenApiUtil.Params({
    action: op.action, version: '2023-03-30', protocol: 'HTTPS', pathname: op.pathname, method: op.method, authType: 'AK', style: 'ROA', reqBodyType: 'json', bodyType: 'json',
  });
  const query = Object.fromEntries(Object.entries(op.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
  const req = new $OpenApiUtil.OpenApiRequest({ headers: {}, query, ...(op.body !== undefined && { body: op.body }) });
  return ((await conn.client.callApi(params, req, conn.runtime())) as { body?: unknown }).body;
}

const configPath = (functionName: string) => `/2023-03-30/functions/${encodeURIComponent(functionName)}/async-invoke-config`;

/** The PutAsyncInvokeConfig body the flags describe; left-out settings are left to the server's defaults. */
export function asyncConfigFromFlags(flags: PutFlags): Record<string, unknown> {
  const destinationConfig = {
    ...(flags.onSuccess !== undefined && { onSuccess: { destination: flags.onSuccess } }),
    ...(flags.onFailure !== undefined && { onFailure: { destination: flags.onFailure } }),
  };
  return {
    ...(flags.task && { asyncTask: true }),
    ...(flags.maxRetries !== undefined && { maxAsyncRetryAttempts: flags.maxRetries }),
    ...(flags.maxEventAge !== undefined && { maxAsyncEventAgeInSeconds: flags.maxEventAge }),
    ...(Object.keys(destinationConfig).length > 0 && { destinationConfig }),
    ...(flags.maxConcurrency !== undefined && { maxAsyncConcurrency: flags.maxConcurrency }),
    ...(flags.dedicatedQueue && { dedicatedQueue: true }),
  };
}

function printConfig(c: AsyncConfigBody, qualifier: string | undefined): void {
  const rows: [string, unknown][] = [
    ['function', c.functionArn],
    ['qualifier', qualifier || 'LATEST'],
    ['async task', c.asyncTask ? 'yes' : 'no'],
    ['max retries', c.maxAsyncRetryAttempts],
    ['max event age', c.maxAsyncEventAgeInSeconds === undefined ? undefined : `${c.maxAsyncEventAgeInSeconds} s`],
    ['on success', c.destinationConfig?.onSuccess?.destination],
    ['on failure', c.destinationConfig?.onFailure?.destination],
    ['max concurrency', c.maxAsyncConcurrency],
    ['dedicated queue', c.dedicatedQueue === undefined ? undefined : c.dedicatedQueue ? 'yes' : 'no'],
    ['last modified', c.lastModifiedTime],
  ];
  for (const [label, value] of rows) if (value !== undefined && value !== '') process.stdout.write(`${(label + ':').padEnd(17)}${String(value)}\n`);
}

function printTable(configs: AsyncConfigBody[]): void {
  const rows = [
    ['FUNCTION', 'RETRIES', 'EVENT AGE', 'TASK', 'ON SUCCESS', 'ON FAILURE'],
    ...configs.map((c) => [
      c.functionArn?.split(':functions/')[1] ?? '', String(c.maxAsyncRetryAttempts ?? ''), c.maxAsyncEventAgeInSeconds === undefined ? '' : `${c.maxAsyncEventAgeInSeconds} s`,
      c.asyncTask ? 'yes' : 'no', c.destinationConfig?.onSuccess?.destination ?? '-', c.destinationConfig?.onFailure?.destination ?? '-',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) process.stdout.write(r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]! + 2))).join('') + '\n');
}

const qualifierOption = () => new Option('--qualifier <version-or-alias>', 'version or alias the config is for (default LATEST)');

export function registerAsyncConfigCommand(program: Command): void {
  const cmd = program
    .command('async-config')
    .description("a function's async invoke config: retries, event age, async tasks, success/failure destinations (and openfc's concurrency cap and dedicated queue)");

  addClientOptions(
    cmd
      .command('put')
      .description('set the async invoke config of a function; it replaces the whole config, so settings left out go back to their defaults')
      .argument('<function>', 'function name')
      .addOption(qualifierOption())
      .addOption(new Option('--max-retries <n>', 'retries after a failed async invocation, 0 to 8 (default 3)').argParser(nonNegativeInt('--max-retries')))
      .addOption(new Option('--max-event-age <seconds>', 'drop events older than this, 1 to 604800 (default 86400)').argParser(parsePositiveInt('--max-event-age')))
      .addOption(new Option('--task', 'track async invocations as async tasks (GetAsyncTask, ListAsyncTasks, StopAsyncTask)'))
      .addOption(new Option('--on-success <arn-or-url>', 'where the record of a successful invocation goes: acs:fc:<region>:<account>:functions/<name>[/<qualifier>] or an http(s):// URL (openfc)'))
      .addOption(new Option('--on-failure <arn-or-url>', 'where the record of a failed invocation goes (same forms as --on-success)'))
      .addOption(new Option('--max-concurrency <n>', 'openfc: at most this many async attempts of the function at once, 1 to 1000').argParser(parsePositiveInt('--max-concurrency')))
      .addOption(new Option('--dedicated-queue', "openfc: give the function's events their own queue instead of sharing the account's"))
      .addOption(new Option('--json', 'print the API response body as JSON')),
  ).action(async (functionName: string, flags: PutFlags) => {
    const conn = connect(flags);
    const body = (await call(conn, { action: 'PutAsyncInvokeConfig', method: 'PUT', pathname: configPath(functionName), query: { qualifier: flags.qualifier }, body: asyncConfigFromFlags(flags) })) as AsyncConfigBody;
    if (flags.json) process.stdout.write(JSON.stringify(body) + '\n');
    else printConfig(body, flags.qualifier);
  });

  addClientOptions(
    cmd.command('get').description("show a function's async invoke config").argument('<function>', 'function name').addOption(qualifierOption()).option('--json', 'print the API response body as JSON'),
  ).action(async (functionName: string, flags: ClientFlags & { qualifier?: string; json?: boolean }) => {
    const conn = connect(flags);
    const body = (await call(conn, { action: 'GetAsyncInvokeConfig', method: 'GET', pathname: configPath(functionName), query: { qualifier: flags.qualifier } })) as AsyncConfigBody;
    if (flags.json) process.stdout.write(JSON.stringify(body) + '\n');
    else printConfig(body, flags.qualifier);
  });

  addClientOptions(
    cmd.command('delete').description("delete a function's async invoke config (async invocations go back to the defaults)").argument('<function>', 'function name').addOption(qualifierOption()),
  ).action(async (functionName: string, flags: ClientFlags & { qualifier?: string }) => {
    const { client, runtime } = connect(flags);
    await client.deleteAsyncInvokeConfigWithOptions(functionName, new $FC.DeleteAsyncInvokeConfigRequest({ qualifier: flags.qualifier }), {}, runtime());
    process.stdout.write(`deleted the async invoke config of ${functionName}\n`);
  });

  addClientOptions(
    cmd
      .command('list')
      .description("list the account's async invoke configs (all pages, unless --limit)")
      .option('--prefix <prefix>', 'only functions whose name starts with this')
      .addOption(new Option('--limit <n>', 'list at most this many').argParser(parsePositiveInt('--limit')))
      .option('--json', 'print JSON: {configs: [...]} with the API fields of each config'),
  ).action(async (flags: ClientFlags & { prefix?: string; limit?: number; json?: boolean }) => {
    const conn = connect(flags);
    const configs: AsyncConfigBody[] = [];
    let nextToken: string | undefined;
    do {
      const limit = flags.limit === undefined ? LIST_PAGE_LIMIT : Math.min(LIST_PAGE_LIMIT, flags.limit - configs.length);
      const page = (await call(conn, { action: 'ListAsyncInvokeConfigs', method: 'GET', pathname: '/2023-03-30/async-invoke-configs', query: { functionName: flags.prefix, limit: String(limit), nextToken } })) as {
        configs?: AsyncConfigBody[];
        nextToken?: string;
      };
      configs.push(...(page.configs ?? []));
      nextToken = page.nextToken || undefined;
    } while (nextToken && (flags.limit === undefined || configs.length < flags.limit));
    if (flags.json) process.stdout.write(JSON.stringify({ configs }) + '\n');
    else if (configs.length === 0) process.stdout.write('no async invoke configs\n');
    else printTable(configs);
  });
}
