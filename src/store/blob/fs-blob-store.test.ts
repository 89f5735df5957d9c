/** Runs the BlobStore contract against the filesystem backend. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBlobStoreContract } from '../blob-store.contract.js';
import { createFsBlobStore } from './fs-blob-store.js';

runBlobStoreContract('fs', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-blobs-'));
  return { store: createFsBlobStore(dir), cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
});
