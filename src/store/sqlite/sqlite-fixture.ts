/**
 * @module store/sqlite/sqlite-fixture
 * The SQLite MetadataStore as a contract-suite fixture: a real database file in a fresh temporary
 * directory, reopened to check persistence and removed on cleanup. Every `*.contract.ts` suite of
 * the MetadataStore family runs against SQLite through this one factory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MetadataStoreFixture } from '../metadata-store.contract.js';
import type { MetadataStore } from '../types.js';
import { createSqliteMetadataStore } from './sqlite-metadata-store.js';

export function createSqliteStoreFixture(tmpPrefix: string): () => Promise<MetadataStoreFixture> {
  return async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
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
  };
}
