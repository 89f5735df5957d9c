/** @module cli/commands/function — `openfc function create|get|list|update|delete`: manage functions through the FC 3.0 API. */
import fs from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { addClientOptions, type ClientFlags } from '../client-config.js';
import { $FC, connect } from '../fc-client.js';
import { zipDir } from '../zip-dir.js';
import { registerVersionCommands } from './version.js';

/** Page size used when following nextToken (the API's maximum). */
const LIST_PAGE_LIMIT = 100;

/** Function settings shared by create, update and deploy. */
export interface FunctionConfigFlags {
  runtime?: string;
  handler?: string;
  memory?: number;
  timeout?: number;
  concurrency?: number;
  env?: Record<string, string>;
  description?: string;
  initializer?: string;
  vpc?: string;
  internet?: boolean;
  layer?: string[];
  /** Custom runtimes: the server's argv (customRuntimeConfig.command + args). */
  customCommand?: string[];
  /** Custom runtimes: the port the server listens on (customRuntimeConfig.port). */
  customPort?: number;
  json?: boolean;
}

/** `--custom-command '["python3","server.py"]'`: a JSON array of strings. */
function parseArgv(value: string): string[] {
  let v: unknown;
  try {
    v = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('--custom-command takes a JSON array of strings, e.g. \'["/usr/bin/python3","server.py"]\'');
  }
  if (!Array.isArray(v) || v.length === 0 || v.some((a) => typeof a !== 'string')) throw new InvalidArgumentError('--custom-command takes a non-empty JSON array of strings');
  return v as string[];
}

interface CodeFlags {
  codeDir?: string;
  zip?: string;
}

type CreateFlags = FunctionConfigFlags & CodeFlags & ClientFlags & { name: string };
type UpdateFlags = FunctionConfigFlags & CodeFlags & ClientFlags;

export function parsePositiveInt(label: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${label} must be a positive integer, got '${value}'`);
    return n;
  };
}

/** Collects repeated `--env KEY=VALUE` into one object; the value may itself contain '='. */
export function collectEnv(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected KEY=VALUE, got '${value}'`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/**
 * Adds the function settings options. With `isCreate`, --runtime and --handler are required
 * (deploy passes its own handler default instead).
 */
export function addFunctionConfigOptions(command: Command, mode: { isCreate: boolean; defaultHandler?: string }): Command {
  const runtime = new Option('--runtime <runtime>', 'runtime, e.g. nodejs20, nodejs18, python3.10, python3.12, custom.debian12');
  const handler = new Option('--handler <file.export>', 'handler: the file (without extension) and the exported function, e.g. index.handler');
  if (mode.defaultHandler) handler.default(mode.defaultHandler);
  if (mode.isCreate) runtime.makeOptionMandatory();
  if (mode.isCreate && !mode.defaultHandler) handler.makeOptionMandatory();
  return command
    .addOption(runtime)
    .addOption(handler)
    .addOption(new Option('--memory <mb>', 'memory size in MB (default on create: 128)').argParser(parsePositiveInt('--memory')))
    .addOption(new Option('--timeout <seconds>', 'longest time one invocation may run, in seconds (default on create: 3)').argParser(parsePositiveInt('--timeout')))
    .addOption(new Option('--concurrency <n>', 'requests one instance handles at once (default on create: 1)').argParser(parsePositiveInt('--concurrency')))
    .addOption(new Option('--env <KEY=VALUE>', 'environment variable for the function; repeat for more (on update, replaces all of them)').argParser(collectEnv))
    .addOption(new Option('--description <text>', 'free-text description'))
    .addOption(new Option('--initializer <file.export>', 'initializer handler, run once when an instance starts'))
    .addOption(new Option('--vpc <vpc-id>', "attach instances to this VPC of the account (see 'openfc vpc'); '' detaches"))
    .addOption(new Option('--internet', 'give instances internet access (the default on create)').hideHelp())
    .addOption(new Option('--no-internet', 'no internet access for instances (only their VPC, if any)'))
    .addOption(new Option('--layer <arn>', "a layer version ARN (see 'openfc layer'); repeat for more, first listed wins at /opt (on update, replaces them; '' clears)").argParser(collectLayers))
    .addOption(new Option('--custom-command <json>', "custom runtimes: the server's command and arguments as a JSON array (default: the code's executable 'bootstrap')").argParser(parseArgv))
    .addOption(new Option('--custom-port <port>', "custom runtimes: the port the server listens on (default 9000)").argParser(parsePositiveInt('--custom-port')))
    .addOption(new Option('--json', 'print the API response body as JSON'));
}

/** Collects repeated `--layer <arn>` in order; an empty value means no layers. */
export function collectLayers(value: string, previous: string[] | undefined): string[] {
  return value === '' ? [] : [...(previous ?? []), value];
}

/** The fields of CreateFunctionInput/UpdateFunctionInput that the flags set (only those given). */
export function functionConfigFromFlags(flags: FunctionConfigFlags): Record<string, unknown> {
  return {
    ...(flags.runtime !== undefined && { runtime: flags.runtime }),
    ...(flags.handler !== undefined && { handler: flags.handler }),
    ...(flags.memory !== undefined && { memorySize: flags.memory }),
    ...(flags.timeout !== undefined && { timeout: flags.timeout }),
    ...(flags.concurrency !== undefined && { instanceConcurrency: flags.concurrency }),
    ...(flags.env !== undefined && { environmentVariables: flags.env }),
    ...(flags.description !== undefined && { description: flags.description }),
    ...(flags.vpc !== undefined && { vpcConfig: new $FC.VPCConfig({ vpcId: flags.vpc }) }),
    ...(flags.internet !== undefined && { internetAccess: flags.internet }),
    ...(flags.layer !== undefined && { layers: flags.layer }),
    ...((flags.customCommand !== undefined || flags.customPort !== undefined) && {
      customRuntimeConfig: new $FC.CustomRuntimeConfig({
        ...(flags.customCommand && { command: flags.customCommand.slice(0, 1), args: flags.customCommand.slice(1) }),
        ...(flags.customPort !== undefined && { port: flags.customPort }),
      }),
    }),
    ...(flags.initializer !== undefined && {
      instanceLifecycleConfig: new $FC.InstanceLifecycleConfig({ initializer: new $FC.LifecycleHook({ handler: flags.initializer }) }),
    }),
  };
}

function addCodeOptions(command: Command): Command {
  return command
    .addOption(new Option('--code-dir <dir>', 'directory to zip and upload as the code package').conflicts('zip'))
    .addOption(new Option('--zip <file>', 'zip file to upload as the code package').conflicts('codeDir'));
}

/** Reads the code package named by --code-dir or --zip, base64-encoded, or undefined when neither is given. */
async function loadCode(flags: CodeFlags): Promise<$FC.InputCodeLocation | undefined> {
  let zip: Buffer;
  if (flags.codeDir !== undefined) zip = (await zipDir(flags.codeDir)).zip;
  else if (flags.zip !== undefined) {
    try {
      zip = fs.readFileSync(flags.zip);
    } catch (e: unknown) {
      throw new Error(`cannot read zip file ${flags.zip}: ${(e as Error).message}`, { cause: e });
    }
  } else return undefined;
  return new $FC.InputCodeLocation({ zipFile: zip.toString('base64') });
}

/** Prints a function: a short summary, or with `json` the whole API body. */
export function printFunction(fn: $FC.Function | undefined, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(JSON.stringify(fn ?? {}, null, 2) + '\n');
    return;
  }
  const rows: [string, unknown][] = [
    ['name', fn?.functionName],
    ['runtime', fn?.runtime],
    ['handler', fn?.handler],
    ['memory', fn?.memorySize === undefined ? undefined : `${fn.memorySize} MB`],
    ['timeout', fn?.timeout === undefined ? undefined : `${fn.timeout} s`],
    ['concurrency', fn?.instanceConcurrency],
    ['code size', fn?.codeSize === undefined ? undefined : `${fn.codeSize} bytes`],
    ['code checksum', fn?.codeChecksum],
    ['last modified', fn?.lastModifiedTime],
  ];
  for (const [label, value] of rows) if (value !== undefined && value !== '') process.stdout.write(`${(label + ':').padEnd(15)}${String(value)}\n`);
}

function printFunctionTable(fns: $FC.Function[]): void {
  const rows = [['NAME', 'RUNTIME', 'MEMORY', 'LAST MODIFIED'], ...fns.map((f) => [f.functionName ?? '', f.runtime ?? '', f.memorySize === undefined ? '' : `${f.memorySize} MB`, f.lastModifiedTime ?? ''])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) process.stdout.write(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 2))).join('') + '\n');
}

async function listAll(flags: ClientFlags & { prefix?: string; limit?: number }): Promise<$FC.Function[]> {
  const { client, runtime } = connect(flags);
  const out: $FC.Function[] = [];
  let nextToken: string | undefined;
  do {
    const limit = flags.limit === undefined ? LIST_PAGE_LIMIT : Math.min(LIST_PAGE_LIMIT, flags.limit - out.length);
    const r = await client.listFunctionsWithOptions(new $FC.ListFunctionsRequest({ prefix: flags.prefix, limit, nextToken }), {}, runtime());
    out.push(...(r.body?.functions ?? []));
    nextToken = r.body?.nextToken || undefined;
  } while (nextToken && (flags.limit === undefined || out.length < flags.limit));
  return out;
}

export function registerFunctionCommand(program: Command): void {
  const fn = program.command('function').description('create, inspect, update and delete functions on an openfc server');

  const create = fn
    .command('create')
    .description('create a function from a code directory or a zip file')
    .requiredOption('--name <name>', 'function name (letters, digits, _ and -, starting with a letter or _)');
  addCodeOptions(create);
  addFunctionConfigOptions(create, { isCreate: true });
  addClientOptions(create).action(async (flags: CreateFlags, cmd: Command) => {
    const code = await loadCode(flags);
    if (!code) cmd.error('error: give the code with --code-dir <dir> or --zip <file>');
    const { client, runtime } = connect(flags);
    const body = new $FC.CreateFunctionInput({ functionName: flags.name, code, ...functionConfigFromFlags(flags) });
    const r = await client.createFunctionWithOptions(new $FC.CreateFunctionRequest({ body }), {}, runtime());
    printFunction(r.body, flags.json);
  });

  addClientOptions(
    fn
      .command('get')
      .description("show a function's configuration")
      .argument('<name>', 'function name')
      .option('--qualifier <version-or-alias>', 'version or alias to show (default LATEST)')
      .option('--json', 'print the API response body as JSON'),
  ).action(async (name: string, flags: ClientFlags & { qualifier?: string; json?: boolean }) => {
    const { client, runtime } = connect(flags);
    const r = await client.getFunctionWithOptions(name, new $FC.GetFunctionRequest({ qualifier: flags.qualifier }), {}, runtime());
    printFunction(r.body, flags.json);
  });

  addClientOptions(
    fn
      .command('list')
      .description('list functions (all pages, unless --limit)')
      .option('--prefix <prefix>', 'only functions whose name starts with this')
      .addOption(new Option('--limit <n>', 'list at most this many').argParser(parsePositiveInt('--limit')))
      .option('--json', 'print JSON: {functions: [...]} with the API fields of each function'),
  ).action(async (flags: ClientFlags & { prefix?: string; limit?: number; json?: boolean }) => {
    const functions = await listAll(flags);
    if (flags.json) process.stdout.write(JSON.stringify({ functions }, null, 2) + '\n');
    else if (functions.length === 0) process.stdout.write('no functions\n');
    else printFunctionTable(functions);
  });

  const update = fn
    .command('update')
    .description("change a function's settings or code; only the options given change")
    .argument('<name>', 'function name');
  addCodeOptions(update);
  addFunctionConfigOptions(update, { isCreate: false });
  addClientOptions(update).action(async (name: string, flags: UpdateFlags, cmd: Command) => {
    const code = await loadCode(flags);
    const changes = functionConfigFromFlags(flags);
    if (!code && Object.keys(changes).length === 0) cmd.error('error: nothing to update; give --code-dir, --zip or a setting such as --memory (see --help)');
    const { client, runtime } = connect(flags);
    const body = new $FC.UpdateFunctionInput({ ...(code && { code }), ...changes });
    const r = await client.updateFunctionWithOptions(name, new $FC.UpdateFunctionRequest({ body }), {}, runtime());
    printFunction(r.body, flags.json);
  });

  addClientOptions(
    fn.command('delete').description('delete a function').argument('<name>', 'function name'),
  ).action(async (name: string, flags: ClientFlags) => {
    const { client, runtime } = connect(flags);
    await client.deleteFunctionWithOptions(name, {}, runtime());
    process.stdout.write(`deleted function ${name}\n`);
  });

  registerVersionCommands(fn);
}
