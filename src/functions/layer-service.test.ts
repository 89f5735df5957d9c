/** The layer service on real stores: credential refusal stores nothing, and who may use which layer version. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { resolveConfig } from '../config/index.js';
import { createFsBlobStore } from '../store/blob/fs-blob-store.js';
import { createSqliteMetadataStore } from '../store/sqlite/sqlite-metadata-store.js';
import { FakeClock } from '../time/clock.js';
import { createCodeCache } from './code-cache.js';
import { createZip } from './code-package.js';
import { createCodeUrlSigner } from './code-url.js';
import { createLayerService } from './layer-service.js';

const FAKE_AK_ID = ['LTAI', '5tFAKEAKID0000000001'].join('');
const FAKE_AK_SECRET = ['fAkEsEcReT', '0123456789', 'AbCdEfGhIj'].join('');
const A = '1000000000000001';
const B = '1000000000000002';

function setup(t: { after(fn: () => void): void }, credentialScan: 'warn' | 'refuse') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-layer-svc-'));
  const config = resolveConfig({ dataDir: dir, credentialScan }, {});
  const store = createSqliteMetadataStore(path.join(dir, 'openfc.db'));
  t.after(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  for (const accountId of [A, B]) store.createAccount({ accountId, createdTime: '2026-01-01T00:00:00Z' });
  const blobs = createFsBlobStore(path.join(dir, 'blobs'));
  const codeCache = createCodeCache({ blobStore: blobs, root: path.join(dir, 'code'), limits: { maxUnpackedBytes: config.maxCodeUnpackedBytes, maxEntries: config.maxCodeEntries } });
  const audit: { event: string; fields: Record<string, unknown> }[] = [];
  const layers = createLayerService({
    store, blobs, codeCache, clock: new FakeClock(), config, codeUrls: createCodeUrlSigner(Buffer.alloc(32, 1)),
    audit: { write: (event: string, fields: Record<string, unknown>) => void audit.push({ event, fields }) } as never,
  });
  const files = () => (fs.existsSync(path.join(dir, 'blobs')) ? (fs.readdirSync(path.join(dir, 'blobs'), { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, 'blobs', f)).isFile()) : []);
  return { layers, store, audit, config, files };
}

const pkg = async (files: Record<string, string>) => ({ code: { zipFile: (await createZip(files)).toString('base64') } });

test('with credentialScan refuse, a layer package holding an AccessKey is refused with CredentialsInCode and nothing is stored', async (t) => {
  const { layers, store, audit, files } = setup(t, 'refuse');
  const leaky = await pkg({ 'python/settings.py': `AK = "${FAKE_AK_ID}"\nSK = "${FAKE_AK_SECRET}"\n` });
  await assert.rejects(layers.create(A, 'leaky', leaky), (e: { code?: string; message: string }) => e.code === 'CredentialsInCode' && !e.message.includes(FAKE_AK_SECRET));
  assert.equal(store.getLayerVersion(A, 'leaky', 1), undefined);
  assert.deepEqual(files(), [], 'the refused package is not kept');
  assert.equal(audit.length, 1);
  assert.equal(audit[0]!.event, 'credentials.found');
  assert.equal(audit[0]!.fields.operation, 'CreateLayerVersion');
  assert.equal(audit[0]!.fields.outcome, 'refused');
  assert.ok(!JSON.stringify(audit).includes(FAKE_AK_SECRET));
  const clean = await layers.create(A, 'leaky', await pkg({ 'python/settings.py': 'AK = None\n' }));
  assert.equal(clean.version, 1, 'a refused publish used no version number');
});

test('a function may use its own layers and public ones of other accounts, in the region it runs in', async (t) => {
  const { layers, config } = setup(t, 'warn');
  const mine = await layers.create(A, 'mine', await pkg({ 'a.txt': 'a' }));
  const theirs = await layers.create(B, 'theirs', await pkg({ 'b.txt': 'b' }));
  const refs = layers.resolveForFunction(A, [mine.layerVersionArn]);
  assert.deepEqual(refs.map((r) => [r.arn, r.codeSize, r.codeChecksum]), [[mine.layerVersionArn, mine.codeSize, mine.codeChecksum]]);
  assert.throws(() => layers.resolveForFunction(A, [theirs.layerVersionArn]), { code: 'LayerVersionNotFound' });
  layers.putAcl(B, 'theirs', { public: 'true' });
  assert.equal(layers.resolveForFunction(A, [mine.layerVersionArn, theirs.layerVersionArn]).length, 2);
  const otherRegion = mine.layerVersionArn.replace(`:${config.region}:`, ':xx-nowhere-1:');
  assert.throws(() => layers.resolveForFunction(A, [otherRegion]), { code: 'LayerVersionNotFound' });
  assert.throws(() => layers.putAcl(A, 'mine', {}), { code: 'InvalidArgument' });
});
