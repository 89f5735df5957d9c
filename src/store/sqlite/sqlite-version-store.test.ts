/** Runs the VersionStore contract against the SQLite backend (a real file, reopened to check persistence). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runVersionStoreContract } from '../version-store.contract.js';
import type { MetadataStore } from '../types.js';
import { createSqliteMetadataStore } from './sqlite-metadata-store.js';

runVersionStoreContract('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-versions-'));
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
