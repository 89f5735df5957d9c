/** Runs the FC 2.0 service store contract against the SQLite MetadataStore. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runFc2StoreContract } from '../fc2-store.contract.js';
import type { MetadataStore } from '../types.js';
import { createSqliteMetadataStore } from './sqlite-metadata-store.js';

runFc2StoreContract('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-fc2-store-'));
  const file = path.join(dir, 'openfc.db');
  let store: MetadataStore = createSqliteMetadataStore(file);
  return {
    get store() {
      return store;
    },
    async reopen() {
      store.close();
      store = createSqliteMetadataStore(file);
      return store;
    },
    async cleanup() {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
