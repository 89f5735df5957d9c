/**
 * @module store/blob/fs-blob-store
 * The embedded BlobStore: content-addressed files at `<root>/sha256/<2 hex>/<64 hex>`, written to
 * a temp file, fsync'd, renamed, and the directory fsync'd, so a stored blob survives a crash.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobStore } from '../types.js';

const KEY_PATTERN = /^[0-9a-f]{64}$/;

export class BlobNotFoundError extends Error {
  override readonly name = 'BlobNotFoundError';
  readonly code = 'BLOB_NOT_FOUND';
}

export function createFsBlobStore(root: string): BlobStore {
  fs.mkdirSync(path.join(root, 'sha256'), { recursive: true, mode: 0o700 });
  const pathOf = (key: string) => {
    if (!KEY_PATTERN.test(key)) throw new Error(`invalid blob key '${key}'`);
    return path.join(root, 'sha256', key.slice(0, 2), key);
  };
  const mustExist = (key: string) => {
    const p = pathOf(key);
    if (!fs.existsSync(p)) throw new BlobNotFoundError(`blob ${key} does not exist`);
    return p;
  };
  return {
    async put(bytes) {
      const key = createHash('sha256').update(bytes).digest('hex');
      const file = pathOf(key);
      if (fs.existsSync(file)) return { key, size: bytes.length };
      const dir = path.dirname(file);
      await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
      const tmp = `${file}.tmp-${randomBytes(6).toString('hex')}`;
      const fh = await fs.promises.open(tmp, 'wx', 0o600);
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fs.promises.rename(tmp, file);
      const dh = await fs.promises.open(dir, 'r');
      try {
        await dh.sync();
      } finally {
        await dh.close();
      }
      return { key, size: bytes.length };
    },
    async has(key) {
      return fs.existsSync(pathOf(key));
    },
    async get(key) {
      return fs.promises.readFile(mustExist(key));
    },
    createReadStream(key): Readable {
      return fs.createReadStream(mustExist(key));
    },
    async size(key) {
      return (await fs.promises.stat(mustExist(key))).size;
    },
    async delete(key) {
      await fs.promises.rm(pathOf(key), { force: true });
    },
  };
}
