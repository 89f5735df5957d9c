/** Runs the LogStore contract against the SQLite backend. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runLogStoreContract } from '../../logs/log-store.contract.js';
import type { LogStore } from '../../logs/types.js';
import { createSqliteLogStore } from './sqlite-log-store.js';

runLogStoreContract('sqlite', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-logs-'));
  const file = path.join(dir, 'logs.db');
  let store: LogStore = createSqliteLogStore(file);
  return {
    get store() {
      return store;
    },
    reopen() {
      store.close();
      store = createSqliteLogStore(file);
      return store;
    },
    cleanup() {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
