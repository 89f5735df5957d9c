/** @module store/blob/fs-blob-store.test — the BlobStore contract and the on-disk layout of the filesystem backend. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runBlobStoreContract } from '../blob-store.contract.js';
import { createFsBlobStore } from './fs-blob-store.js';

function tempRoot(): { dir: string; cleanup: () => Promise<void> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-blobs-'));
  return { dir, cleanup: () => fs.promises.rm(dir, { recursive: true, force: true }) };
}

runBlobStoreContract('fs', async () => {
  const { dir, cleanup } = tempRoot();
  return { store: createFsBlobStore(dir), cleanup };
});

describe('fs blob store', () => {
  test('lays blobs out as sha256/<2 hex>/<hex>, files 0600 in 0700 directories, with no temp files left', async (t) => {
    const { dir, cleanup } = tempRoot();
    t.after(cleanup);
    const store = createFsBlobStore(dir);
    const bytes = Buffer.from('layout');
    const { key } = await store.put(bytes);
    assert.equal(key, createHash('sha256').update(bytes).digest('hex'));
    const file = path.join(dir, 'sha256', key.slice(0, 2), key);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
    assert.equal(fs.statSync(path.join(dir, 'sha256')).mode & 0o777, 0o700);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), [key]);
  });

  test('finds blobs written by an earlier store on the same root', async (t) => {
    const { dir, cleanup } = tempRoot();
    t.after(cleanup);
    const { key } = await createFsBlobStore(dir).put(Buffer.from('durable'));
    const reopened = createFsBlobStore(dir);
    assert.equal(await reopened.has(key), true);
    assert.equal((await reopened.get(key)).toString(), 'durable');
  });

  test('a stream opened before a delete still reads the whole blob', async (t) => {
    const { dir, cleanup } = tempRoot();
    t.after(cleanup);
    const store = createFsBlobStore(dir);
    const bytes = Buffer.alloc(256 * 1024, 7);
    const { key } = await store.put(bytes);
    const stream = store.createReadStream(key);
    await store.delete(key);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    assert.deepEqual(Buffer.concat(chunks), bytes);
  });
});
