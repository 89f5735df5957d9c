/** @module test/integration/layer-cli — `openfc layer publish|list|get|acl|delete` and `function create --layer` run as the real binary against a real `openfc serve`. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { uniqueName } from '../helpers/functions.js';
import { OPENFC_BIN, REPO_ROOT, startServe, type ServeProcess } from '../helpers/serve-process.js';

async function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, [OPENFC_BIN, ...args], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const [code] = (await once(proc, 'close')) as [number | null];
  return { code, stdout, stderr };
}

describe('openfc layer commands', () => {
  let serve: ServeProcess;
  let work: string;
  const cli = async (...args: string[]) => {
    const r = await run([...args, '--data-dir', serve.dataDir]);
    assert.equal(r.code, 0, `openfc ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r;
  };

  before(async () => {
    serve = await startServe();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-layer-cli-'));
  });
  after(async () => {
    await serve?.stop();
    if (serve) fs.rmSync(serve.dataDir, { recursive: true, force: true });
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('publish a directory, list it, get it by name and ARN, share it and delete it', async () => {
    const name = uniqueName('clilayer');
    fs.mkdirSync(path.join(work, 'nodejs', 'node_modules', 'hello'), { recursive: true });
    fs.writeFileSync(path.join(work, 'nodejs', 'node_modules', 'hello', 'index.js'), 'module.exports = "hi";\n');
    const published = await cli('layer', 'publish', name, work, '--description', 'from the CLI', '--runtime', 'nodejs20', '--json');
    const layer = JSON.parse(published.stdout) as { layerVersionArn: string; version: number; description: string; compatibleRuntime: string[] };
    assert.equal(layer.version, 1);
    assert.equal(layer.description, 'from the CLI');
    assert.deepEqual(layer.compatibleRuntime, ['nodejs20']);
    assert.match(published.stderr, new RegExp(`published ${layer.layerVersionArn}`));

    const listed = JSON.parse((await cli('layer', 'list', '--prefix', name, '--json')).stdout) as { layers: { layerVersionArn: string }[] };
    assert.deepEqual(listed.layers.map((l) => l.layerVersionArn), [layer.layerVersionArn]);
    assert.match((await cli('layer', 'list', name)).stdout, new RegExp(`${layer.layerVersionArn}  private`));
    assert.match((await cli('layer', 'get', layer.layerVersionArn)).stdout, /^acl: +private$/m);
    const code = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-layer-cli-fn-'));
    fs.writeFileSync(path.join(code, 'index.js'), 'exports.handler = async () => require("hello");\n');
    const fn = JSON.parse((await cli('function', 'create', '--name', uniqueName('clifn'), '--runtime', 'nodejs20', '--handler', 'index.handler', '--code-dir', code, '--layer', layer.layerVersionArn, '--json')).stdout) as { layers: { arn: string }[] };
    fs.rmSync(code, { recursive: true, force: true });
    assert.deepEqual(fn.layers.map((l) => l.arn), [layer.layerVersionArn], 'function create --layer sets the layers');
    await cli('layer', 'acl', name, '--public');
    assert.match((await cli('layer', 'get', name, '1')).stdout, /^acl: +public$/m);
    await cli('layer', 'delete', name, '1');
    const gone = await run(['layer', 'get', name, '1', '--data-dir', serve.dataDir]);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /LayerVersionNotFound/);
  });
});
