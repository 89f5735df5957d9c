/**
 * @module functions/code-cache
 * Unpacked code packages on local disk, one read-only directory per blob key, unpacked once and
 * shared by every instance (and every function) that runs the same package.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BlobStore } from '../store/types.js';
import { extractCodePackage, removeTree, type UnpackLimits } from './code-package.js';

export interface CodeCache {
  /** The directory holding the unpacked package; unpacks it on first use. */
  ensureUnpacked(blobKey: string): Promise<string>;
  remove(blobKey: string): Promise<void>;
}

export function createCodeCache(deps: { blobStore: BlobStore; root: string; limits: UnpackLimits }): CodeCache {
  fs.mkdirSync(deps.root, { recursive: true, mode: 0o711 });
  const inFlight = new Map<string, Promise<string>>();
  return {
    ensureUnpacked(blobKey) {
      if (!/^[0-9a-f]{64}$/.test(blobKey)) return Promise.reject(new Error(`invalid blob key '${blobKey}'`));
      const dir = path.join(deps.root, blobKey);
      if (fs.existsSync(dir)) return Promise.resolve(dir);
      let p = inFlight.get(blobKey);
      if (!p) {
        p = (async () => {
          await extractCodePackage(await deps.blobStore.get(blobKey), dir, deps.limits);
          return dir;
        })().finally(() => inFlight.delete(blobKey));
        inFlight.set(blobKey, p);
      }
      return p;
    },
    async remove(blobKey) {
      removeTree(path.join(deps.root, blobKey));
    },
  };
}
