/** Runs the LayerStore contract against the SQLite backend. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runLayerStoreContract } from '../layer-store.contract.js';
import { createSqliteMetadataStore } from './sqlite-metadata-store.js';

runLayerStoreContract('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-layer-store-'));
  const store = createSqliteMetadataStore(path.join(dir, 'openfc.db'));
  return {
    store,
    async cleanup() {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
