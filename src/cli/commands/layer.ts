/**
 * @module cli/commands/layer
 * `openfc layer publish|list|get|delete|acl`: publish a directory or zip as a new layer version,
 * list layers (or one layer's versions), show, delete and share them through the FC 3.0 API.
 */
import fs from 'node:fs';
import { Option, type Command } from 'commander';
import { addClientOptions, type ClientFlags } from '../client-config.js';
import { $FC, connect } from '../fc-client.js';
import { zipDir } from '../zip-dir.js';
import { parsePositiveInt } from './function.js';

/** Page size used when following nextToken / nextVersion (the API's maximum). */
const LIST_PAGE_LIMIT = 100;

type JsonFlags = ClientFlags & { json?: boolean };

function printLayer(l: $FC.Layer, isJson?: boolean): void {
  if (isJson) return void process.stdout.write(JSON.stringify(l) + '\n');
  const rows: [string, string][] = [
    ['arn', l.layerVersionArn ?? ''], ['name', l.layerName ?? ''], ['version', String(l.version ?? '')], ['acl', l.acl === '1' ? 'public' : 'private'],
    ['size', `${l.codeSize ?? 0} bytes`], ['checksum', l.codeChecksum ?? ''], ['runtimes', (l.compatibleRuntime ?? []).join(', ')],
    ['description', l.description ?? ''], ['license', l.license ?? ''], ['created', l.createTime ?? ''],
  ];
  process.stdout.write(rows.map(([k, v]) => `${(k + ':').padEnd(13)}${v}`).join('\n') + '\n');
}

const oneLine = (l: $FC.Layer) => `${l.layerVersionArn}  ${l.acl === '1' ? 'public ' : 'private'}  ${l.codeSize ?? 0} bytes  ${l.createTime ?? ''}  ${l.description ?? ''}\n`;

/** The package: a directory zipped, or a zip file as it is. */
async function readPackage(source: string): Promise<Buffer> {
  let st: fs.Stats;
  try {
    st = fs.statSync(source);
  } catch (e: unknown) {
    throw new Error(`cannot read ${source}: ${(e as Error).message}`, { cause: e });
  }
  return st.isDirectory() ? (await zipDir(source)).zip : fs.readFileSync(source);
}

export function registerLayerCommand(program: Command): void {
  const layer = program
    .command('layer')
    .description('manage layers: versioned zips that functions list in `layers` and see merged read-only at /opt (nodejs/node_modules, python, bin, lib)');

  addClientOptions(
    layer
      .command('publish')
      .description('publish a directory or zip file as the next version of a layer (created on first publish)')
      .argument('<name>', 'layer name')
      .argument('<dir|zip>', 'directory to zip (its nodejs/node_modules, python, bin and lib land under /opt) or a zip file')
      .option('--description <text>', 'description of this version')
      .option('--license <text>', 'license of this version, e.g. MIT')
      .option('--runtime <runtime...>', 'compatible runtimes, e.g. nodejs20 nodejs18')
      .option('--json', 'print the API response body as JSON'),
  ).action(async (name: string, source: string, flags: JsonFlags & { description?: string; license?: string; runtime?: string[] }) => {
    const zip = await readPackage(source);
    const { client, runtime } = connect(flags);
    const body = new $FC.CreateLayerVersionInput({
      code: new $FC.InputCodeLocation({ zipFile: zip.toString('base64') }),
      ...(flags.description !== undefined && { description: flags.description }),
      ...(flags.license !== undefined && { license: flags.license }),
      ...(flags.runtime && { compatibleRuntime: flags.runtime }),
    });
    const r = await client.createLayerVersionWithOptions(name, new $FC.CreateLayerVersionRequest({ body }), {}, runtime());
    const warning = (r.headers as Record<string, string> | undefined)?.['x-openfc-credential-warning'];
    if (warning) process.stderr.write(`warning: credentials found in the package: ${warning}\n`);
    process.stderr.write(`published ${r.body!.layerVersionArn}\n`);
    printLayer(r.body!, flags.json);
  });

  addClientOptions(
    layer
      .command('list')
      .description("list the account's layers (newest version of each), or with a name that layer's versions")
      .argument('[name]', 'a layer name: list its versions instead')
      .option('--prefix <prefix>', 'only layers whose name starts with this')
      .addOption(new Option('--public', 'the public layers of every account').conflicts('official'))
      .option('--official', 'official layers')
      .option('--limit <n>', 'at most this many', parsePositiveInt('--limit'))
      .option('--json', 'print JSON: {layers: [...]}'),
  ).action(async (name: string | undefined, flags: JsonFlags & { prefix?: string; public?: boolean; official?: boolean; limit?: number }) => {
    const { client, runtime } = connect(flags);
    const all: $FC.Layer[] = [];
    const want = flags.limit ?? Infinity;
    if (name !== undefined) {
      let startVersion: string | undefined;
      do {
        const req = new $FC.ListLayerVersionsRequest({ limit: Math.min(LIST_PAGE_LIMIT, want - all.length), ...(startVersion && { startVersion }) });
        const page = (await client.listLayerVersionsWithOptions(name, req, {}, runtime())).body!;
        all.push(...(page.layers ?? []));
        startVersion = page.nextVersion !== undefined ? String(page.nextVersion) : undefined;
      } while (startVersion && all.length < want);
    } else {
      let nextToken: string | undefined;
      do {
        const req = new $FC.ListLayersRequest({
          limit: Math.min(LIST_PAGE_LIMIT, want - all.length), ...(flags.prefix && { prefix: flags.prefix }), ...(nextToken && { nextToken }),
          ...(flags.public && { public: 'true' }), ...(flags.official && { official: 'true' }),
        });
        const page = (await client.listLayersWithOptions(req, {}, runtime())).body!;
        all.push(...(page.layers ?? []));
        nextToken = page.nextToken || undefined;
      } while (nextToken && all.length < want);
    }
    if (flags.json) process.stdout.write(JSON.stringify({ layers: all }) + '\n');
    else for (const l of all) process.stdout.write(oneLine(l));
  });

  addClientOptions(
    layer
      .command('get')
      .description('show a layer version, by name and version or by its ARN (another account\'s public layer too)')
      .argument('<name|arn>', 'layer name, or a layer version ARN')
      .argument('[version]', 'version number (with a name)')
      .option('--json', 'print the API response body as JSON'),
  ).action(async (nameOrArn: string, version: string | undefined, flags: JsonFlags) => {
    const { client, runtime } = connect(flags);
    const isArn = nameOrArn.startsWith('acs:fc:');
    if (!isArn && version === undefined) throw new Error('give a version number after the layer name, or a layer version ARN');
    const r = isArn ? await client.getLayerVersionByArnWithOptions(nameOrArn, {}, runtime()) : await client.getLayerVersionWithOptions(nameOrArn, version!, {}, runtime());
    printLayer(r.body!, flags.json);
  });

  addClientOptions(
    layer
      .command('delete')
      .description('delete a layer version (functions already using it keep working; its number is never reused)')
      .argument('<name>', 'layer name')
      .argument('<version>', 'version number'),
  ).action(async (name: string, version: string, flags: ClientFlags) => {
    const { client, runtime } = connect(flags);
    await client.deleteLayerVersionWithOptions(name, version, {}, runtime());
    process.stdout.write(`deleted ${name} version ${version}\n`);
  });

  addClientOptions(
    layer
      .command('acl')
      .description('make a layer (every version) public, usable by every account, or private again')
      .argument('<name>', 'layer name')
      .addOption(new Option('--public', 'readable by every account').conflicts('private'))
      .option('--private', 'readable by this account only'),
  ).action(async (name: string, flags: ClientFlags & { public?: boolean; private?: boolean }) => {
    if (!flags.public && !flags.private) throw new Error('give --public or --private');
    const { client, runtime } = connect(flags);
    await client.putLayerACLWithOptions(name, new $FC.PutLayerACLRequest({ public: flags.public ? 'true' : 'false' }), {}, runtime());
    process.stdout.write(`${name} is now ${flags.public ? 'public' : 'private'}\n`);
  });
}
