/**
 * @module functions/code-cache
 * Unpacked code packages on local disk, one read-only directory per blob key, unpacked once and
 * shared by every instance (and every function) that runs the same package.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BlobStore } from '../store/types.js';
import { extractCodePackage, removeTree, type UnpackLimits } from './code-package.js';

const BLOB_KEY_PATTERN = /^[0-9a-f]{64}$/;

export interface CodeCache {
  /**
   * The directory holding the unpacked package, `<root>/<blobKey>`. Unpacks it on first use;
   * concurrent callers share one unpacking, and a directory left by an earlier process is reused
   * (it only ever appears complete, renamed into place).
   */
  ensureUnpacked(blobKey: string): Promise<string>;
  /** Deletes the unpacked directory (after any unpacking in flight settles). */
  remove(blobKey: string): Promise<void>;
}

export interface CodeCacheOptions {
  readonly blobStore: BlobStore;
  /** Directory holding one subdirectory per unpacked package. Created on first use. */
  readonly root: string;
  readonly limits: UnpackLimits;
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.promises.lstat(p);
    return true;
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

export function createCodeCache(options: CodeCacheOptions): CodeCache {
  const { blobStore, root, limits } = options;
  const inFlight = new Map<string, Promise<string>>();
  /** Keys known to be unpacked by this process, so the hot path needs no stat. */
  const unpacked = new Set<string>();
  let rootReady: Promise<unknown> | undefined;

  const dirOf = (blobKey: string): string => {
    if (!BLOB_KEY_PATTERN.test(blobKey)) throw new Error(`invalid blob key '${blobKey}'`);
    return path.join(root, blobKey);
  };

  async function unpack(blobKey: string, dir: string): Promise<string> {
    // 0711: sandboxed users may enter a package directory they are given, but not list the others.
    rootReady ??= fs.promises.mkdir(root, { recursive: true, mode: 0o711 });
    await rootReady;
    if (!(await exists(dir))) {
      const zip = await blobStore.get(blobKey);
      try {
        await extractCodePackage(zip, dir, limits);
      } catch (e: unknown) {
        // Another process may have finished the same package between our check and now.
        if (!(await exists(dir))) throw e;
      }
    }
    unpacked.add(blobKey);
    return dir;
  }

  return {
    async ensureUnpacked(blobKey) {
      const dir = dirOf(blobKey);
      if (unpacked.has(blobKey)) return dir;
      let pending = inFlight.get(blobKey);
      if (!pending) {
        pending = unpack(blobKey, dir).finally(() => inFlight.delete(blobKey));
        inFlight.set(blobKey, pending);
      }
      return pending;
    },
    async remove(blobKey) {
      const dir = dirOf(blobKey);
      await inFlight.get(blobKey)?.catch(() => undefined);
      unpacked.delete(blobKey);
      await removeTree(dir);
    },
  };
}
