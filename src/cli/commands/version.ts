/**
 * @module cli/commands/version
 * `openfc function publish|versions|delete-version`: publish LATEST as an immutable version, list
 * a function's versions, delete one. Registered under `openfc function`.
 */
import type { Command } from 'commander';
import { addClientOptions, type ClientFlags } from '../client-config.js';
import { $FC, connect } from '../fc-client.js';

type JsonFlags = ClientFlags & { json?: boolean };

function printVersion(v: $FC.Version | undefined): void {
  process.stdout.write(`version ${v?.versionId ?? '?'}  created ${v?.createdTime ?? ''}${v?.description ? `  ${v.description}` : ''}\n`);
}

/** Adds the version subcommands to `openfc function`. */
export function registerVersionCommands(fn: Command): void {
  addClientOptions(
    fn
      .command('publish')
      .description("publish the function's current code and configuration (LATEST) as a new, immutable version")
      .argument('<name>', 'function name')
      .option('--description <text>', 'what this version is')
      .option('--json', 'print the API response body as JSON')
      .addHelpText('after', '\nVersion ids count up from 1 and are never reused. Publishing when nothing changed since the newest version is refused (VersionNotChanged).'),
  ).action(async (name: string, flags: JsonFlags & { description?: string }) => {
    const { client, runtime } = connect(flags);
    const r = await client.publishFunctionVersionWithOptions(name, new $FC.PublishFunctionVersionRequest({ body: new $FC.PublishVersionInput({ description: flags.description }) }), {}, runtime());
    if (flags.json) process.stdout.write(JSON.stringify(r.body ?? {}, null, 2) + '\n');
    else printVersion(r.body);
  });

  addClientOptions(
    fn
      .command('versions')
      .description("list a function's versions, newest first (all pages)")
      .argument('<name>', 'function name')
      .option('--oldest-first', 'list oldest first (direction FORWARD)')
      .option('--json', 'print JSON: {versions: [...]}'),
  ).action(async (name: string, flags: JsonFlags & { oldestFirst?: boolean }) => {
    const { client, runtime } = connect(flags);
    const versions: $FC.Version[] = [];
    let nextToken: string | undefined;
    do {
      const r = await client.listFunctionVersionsWithOptions(name, new $FC.ListFunctionVersionsRequest({ direction: flags.oldestFirst ? 'FORWARD' : 'BACKWARD', limit: 100, nextToken }), {}, runtime());
      versions.push(...(r.body?.versions ?? []));
      nextToken = r.body?.nextToken || undefined;
    } while (nextToken);
    if (flags.json) process.stdout.write(JSON.stringify({ versions }, null, 2) + '\n');
    else if (versions.length === 0) process.stdout.write('no versions\n');
    else for (const v of versions) printVersion(v);
  });

  addClientOptions(
    fn
      .command('delete-version')
      .description('delete a version (refused while an alias routes to it)')
      .argument('<name>', 'function name')
      .argument('<version-id>', 'the version id'),
  ).action(async (name: string, versionId: string, flags: ClientFlags) => {
    const { client, runtime } = connect(flags);
    await client.deleteFunctionVersionWithOptions(name, versionId, {}, runtime());
    process.stdout.write(`deleted version ${versionId} of ${name}\n`);
  });
}
