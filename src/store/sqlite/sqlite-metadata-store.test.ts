/** Runs the MetadataStore contract against the SQLite backend, plus SQLite-only checks. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runMetadataStoreContract } from '../metadata-store.contract.js';
import { createSqliteMetadataStore } from './sqlite-metadata-store.js';
import type { MetadataStore } from '../types.js';

runMetadataStoreContract('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-store-'));
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

test('the database file is readable by its owner only', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-store-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const store = createSqliteMetadataStore(path.join(dir, 'openfc.db'));
  store.close();
  assert.equal(fs.statSync(path.join(dir, 'openfc.db')).mode & 0o777, 0o600);
});
