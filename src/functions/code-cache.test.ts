/** @module functions/code-cache.test — unpacking each code package once, sharing it, and removing it. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { isPlatformError } from '../errors/index.js';
import { createFsBlobStore } from '../store/blob/fs-blob-store.js';
import type { BlobStore } from '../store/types.js';
import { createCodeCache } from './code-cache.js';
import { createZip, removeTree } from './code-package.js';
import { buildRawZip, file } from './test-zip-writer.js';

const LIMITS = { maxUnpackedBytes: 10 * 1024 * 1024, maxEntries: 100 };

/** A fresh blob store and cache root; `gets` counts how often the cache fetched a blob. */
function setup(t: { after(fn: () => Promise<void>): void }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-code-cache-'));
  t.after(() => removeTree(dir));
  const blobs = createFsBlobStore(path.join(dir, 'blobs'));
  const counted = { gets: 0 };
  const blobStore: BlobStore = {
    ...blobs,
    get: (key) => {
      counted.gets++;
      return blobs.get(key);
    },
  };
  const root = path.join(dir, 'code');
  return { blobs, blobStore, root, counted, cache: createCodeCache({ blobStore, root, limits: LIMITS }) };
}

test('unpacks a package into <root>/<blobKey> once, even for concurrent callers', async (t) => {
  const { blobs, root, counted, cache } = setup(t);
  const { key } = await blobs.put(await createZip({ 'index.js': 'exports.handler = () => 1;', bootstrap: { data: '#!/bin/sh', mode: 0o755 } }));
  const dirs = await Promise.all([cache.ensureUnpacked(key), cache.ensureUnpacked(key), cache.ensureUnpacked(key)]);
  assert.deepEqual(dirs, Array(3).fill(path.join(root, key)));
  assert.equal(counted.gets, 1);
  assert.equal(fs.readFileSync(path.join(root, key, 'index.js'), 'utf8'), 'exports.handler = () => 1;');
  assert.equal(fs.statSync(path.join(root, key, 'bootstrap')).mode & 0o777, 0o555);
  assert.equal(await cache.ensureUnpacked(key), path.join(root, key));
  assert.equal(counted.gets, 1);
  assert.deepEqual(fs.readdirSync(root), [key], 'no temporary directories are left');
});

test('reuses a directory unpacked by an earlier process', async (t) => {
  const { blobs, blobStore, root, counted, cache } = setup(t);
  const { key } = await blobs.put(await createZip({ 'a.js': 'a' }));
  await cache.ensureUnpacked(key);
  const restarted = createCodeCache({ blobStore, root, limits: LIMITS });
  assert.equal(await restarted.ensureUnpacked(key), path.join(root, key));
  assert.equal(counted.gets, 1);
});

test('removes an unpacked package, and unpacks it again on the next use', async (t) => {
  const { blobs, root, counted, cache } = setup(t);
  const { key } = await blobs.put(await createZip({ 'a.js': 'a', 'lib/b.js': 'b' }));
  await cache.ensureUnpacked(key);
  await cache.remove(key);
  assert.equal(fs.existsSync(path.join(root, key)), false);
  await cache.remove(key);
  await cache.ensureUnpacked(key);
  assert.equal(counted.gets, 2);
  assert.equal(fs.readFileSync(path.join(root, key, 'lib/b.js'), 'utf8'), 'b');
});

test('a removal waits for an unpacking in flight', async (t) => {
  const { blobs, root, cache } = setup(t);
  const { key } = await blobs.put(await createZip({ 'a.js': 'a' }));
  const unpacking = cache.ensureUnpacked(key);
  await cache.remove(key);
  await unpacking;
  assert.equal(fs.existsSync(path.join(root, key)), false);
});

test('fails for an unsafe package, leaves nothing behind, and does not cache the failure', async (t) => {
  const { blobs, root, counted, cache } = setup(t);
  const { key } = await blobs.put(buildRawZip([file('../evil.js', 'x')]));
  await assert.rejects(cache.ensureUnpacked(key), (e) => isPlatformError(e, 'InvalidArgument'));
  assert.deepEqual(fs.readdirSync(root), []);
  await assert.rejects(cache.ensureUnpacked(key), (e) => isPlatformError(e, 'InvalidArgument'));
  assert.equal(counted.gets, 2);
});

test('fails for a blob that is not stored, and for a malformed key', async (t) => {
  const { cache } = setup(t);
  await assert.rejects(cache.ensureUnpacked('0'.repeat(64)), (e: unknown) => (e as { code?: string }).code === 'BLOB_NOT_FOUND');
  await assert.rejects(cache.ensureUnpacked('../../etc'), /invalid blob key/);
  await assert.rejects(cache.remove('../../etc'), /invalid blob key/);
});
