/**
 * @module cli/commands/alias
 * `openfc alias create|get|list|update|delete`: named pointers to a function's versions, with
 * optional weighted canary versions (`--weight <version>=<share>`).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { addClientOptions, type ClientFlags } from '../client-config.js';
import { $FC, connect } from '../fc-client.js';

type JsonFlags = ClientFlags & { json?: boolean };
interface AliasFlags extends JsonFlags {
  version?: string;
  description?: string;
  weight?: Record<string, number>;
  clearWeights?: boolean;
}

/** Collects repeated `--weight VERSION=SHARE` into additionalVersionWeight. */
export function collectWeight(value: string, previous: Record<string, number> | undefined): Record<string, number> {
  const m = /^(\d+)=(\d*\.?\d+)$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`expected VERSION=SHARE such as 2=0.1, got '${value}'`);
  return { ...previous, [m[1]!]: Number(m[2]) };
}

function printAlias(a: $FC.Alias | undefined, isJson?: boolean): void {
  if (isJson) return void process.stdout.write(JSON.stringify(a ?? {}, null, 2) + '\n');
  const weights = Object.entries(a?.additionalVersionWeight ?? {}).map(([v, w]) => `version ${v} ${w}`);
  process.stdout.write(`${a?.aliasName ?? '?'} -> version ${a?.versionId ?? '?'}${weights.length ? ` (also ${weights.join(', ')})` : ''}${a?.description ? `  ${a.description}` : ''}\n`);
}

function addAliasOptions(command: Command): Command {
  return command
    .option('--description <text>', 'free-text description')
    .option('--weight <version=share>', 'also send this share (0 to 1) of invocations to another version; repeat for more', collectWeight)
    .option('--json', 'print the API response body as JSON');
}

export function registerAliasCommand(program: Command): void {
  const alias = program
    .command('alias')
    .description("manage a function's aliases: names that point at a version (invoke them with --qualifier <alias>)");

  addClientOptions(
    addAliasOptions(alias.command('create').description('create an alias').argument('<function>', 'function name').argument('<alias>', 'alias name').requiredOption('--version <id>', 'the version it points at')),
  ).action(async (functionName: string, aliasName: string, flags: AliasFlags) => {
    const { client, runtime } = connect(flags);
    const body = new $FC.CreateAliasInput({ aliasName, versionId: flags.version, description: flags.description, ...(flags.weight && { additionalVersionWeight: flags.weight }) });
    printAlias((await client.createAliasWithOptions(functionName, new $FC.CreateAliasRequest({ body }), {}, runtime())).body, flags.json);
  });

  addClientOptions(
    alias.command('get').description('show an alias').argument('<function>', 'function name').argument('<alias>', 'alias name').option('--json', 'print the API response body as JSON'),
  ).action(async (functionName: string, aliasName: string, flags: JsonFlags) => {
    const { client, runtime } = connect(flags);
    printAlias((await client.getAliasWithOptions(functionName, aliasName, {}, runtime())).body, flags.json);
  });

  addClientOptions(
    alias.command('list').description("list a function's aliases (all pages)").argument('<function>', 'function name').option('--prefix <prefix>', 'only aliases whose name starts with this').option('--json', 'print JSON: {aliases: [...]}'),
  ).action(async (functionName: string, flags: JsonFlags & { prefix?: string }) => {
    const { client, runtime } = connect(flags);
    const aliases: $FC.Alias[] = [];
    let nextToken: string | undefined;
    do {
      const r = await client.listAliasesWithOptions(functionName, new $FC.ListAliasesRequest({ prefix: flags.prefix, limit: 100, nextToken }), {}, runtime());
      aliases.push(...(r.body?.aliases ?? []));
      nextToken = r.body?.nextToken || undefined;
    } while (nextToken);
    if (flags.json) process.stdout.write(JSON.stringify({ aliases }, null, 2) + '\n');
    else if (aliases.length === 0) process.stdout.write('no aliases\n');
    else for (const a of aliases) printAlias(a);
  });

  addClientOptions(
    addAliasOptions(alias.command('update').description('change an alias; only the options given change').argument('<function>', 'function name').argument('<alias>', 'alias name'))
      .option('--version <id>', 'point it at this version')
      .option('--clear-weights', 'send every invocation to its version again (no canary versions)'),
  ).action(async (functionName: string, aliasName: string, flags: AliasFlags, cmd: Command) => {
    if (flags.weight && flags.clearWeights) cmd.error('error: give --weight or --clear-weights, not both');
    const weights = flags.clearWeights ? {} : flags.weight;
    if (flags.version === undefined && flags.description === undefined && weights === undefined) cmd.error('error: nothing to update; give --version, --description, --weight or --clear-weights');
    const { client, runtime } = connect(flags);
    const body = new $FC.UpdateAliasInput({ versionId: flags.version, description: flags.description, ...(weights && { additionalVersionWeight: weights }) });
    printAlias((await client.updateAliasWithOptions(functionName, aliasName, new $FC.UpdateAliasRequest({ body }), {}, runtime())).body, flags.json);
  });

  addClientOptions(alias.command('delete').description('delete an alias').argument('<function>', 'function name').argument('<alias>', 'alias name')).action(
    async (functionName: string, aliasName: string, flags: ClientFlags) => {
      const { client, runtime } = connect(flags);
      await client.deleteAliasWithOptions(functionName, aliasName, {}, runtime());
      process.stdout.write(`deleted alias ${aliasName} of ${functionName}\n`);
    },
  );
}
