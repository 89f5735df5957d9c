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
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/** Thrown by `get`, `size` and `createReadStream` for a key that is not stored. */
export class BlobNotFoundError extends Error {
  override readonly name = 'BlobNotFoundError';
  readonly code = 'BLOB_NOT_FOUND';
  constructor(readonly key: string, options?: { cause?: unknown }) {
    super(`blob ${key} does not exist`, options);
  }
}

const isNotFound = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'ENOENT';

async function fsyncDir(dir: string): Promise<void> {
  const dh = await fs.promises.open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

export function createFsBlobStore(root: string): BlobStore {
  const base = path.join(root, 'sha256');
  fs.mkdirSync(base, { recursive: true, mode: DIR_MODE });

  const pathOf = (key: string): string => {
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) throw new Error(`invalid blob key '${String(key)}'`);
    return path.join(base, key.slice(0, 2), key);
  };

  /** Runs `fn` on the blob's path, turning "no such file" into BlobNotFoundError. */
  async function onExisting<T>(key: string, fn: (file: string) => Promise<T>): Promise<T> {
    const file = pathOf(key);
    try {
      return await fn(file);
    } catch (e: unknown) {
      throw isNotFound(e) ? new BlobNotFoundError(key, { cause: e }) : e;
    }
  }

  return {
    async put(bytes) {
      const key = createHash('sha256').update(bytes).digest('hex');
      const file = pathOf(key);
      const dir = path.dirname(file);
      try {
        await fs.promises.stat(file);
        return { key, size: bytes.length };
      } catch (e: unknown) {
        if (!isNotFound(e)) throw e;
      }
      const isNewDir = (await fs.promises.mkdir(dir, { recursive: true, mode: DIR_MODE })) !== undefined;
      const tmp = `${file}.tmp-${randomBytes(6).toString('hex')}`;
      try {
        const fh = await fs.promises.open(tmp, 'wx', FILE_MODE);
        try {
          await fh.writeFile(bytes);
          await fh.sync();
        } finally {
          await fh.close();
        }
        await fs.promises.rename(tmp, file);
      } catch (e: unknown) {
        await fs.promises.rm(tmp, { force: true });
        throw e;
      }
      await fsyncDir(dir);
      if (isNewDir) await fsyncDir(base);
      return { key, size: bytes.length };
    },

    async has(key) {
      const file = pathOf(key);
      try {
        return (await fs.promises.stat(file)).isFile();
      } catch (e: unknown) {
        if (isNotFound(e)) return false;
        throw e;
      }
    },

    get(key) {
      return onExisting(key, (file) => fs.promises.readFile(file));
    },

    createReadStream(key): Readable {
      const file = pathOf(key);
      let fd: number;
      try {
        // Opened here so an unknown key throws now, and a concurrent delete cannot break the read.
        fd = fs.openSync(file, 'r');
      } catch (e: unknown) {
        throw isNotFound(e) ? new BlobNotFoundError(key, { cause: e }) : e;
      }
      return fs.createReadStream(file, { fd });
    },

    size(key) {
      return onExisting(key, async (file) => (await fs.promises.stat(file)).size);
    },

    async delete(key) {
      await fs.promises.rm(pathOf(key), { force: true });
    },
  };
}
