/** Runs the Queue contract against the SQLite backend. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runQueueContract } from '../queue.contract.js';
import type { Queue } from '../queue.js';
import { createSqliteQueue } from './sqlite-queue.js';

runQueueContract('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-queue-'));
  const file = path.join(dir, 'queue.db');
  let queue: Queue = createSqliteQueue(file);
  return {
    get queue() {
      return queue;
    },
    async reopen() {
      await queue.close();
      queue = createSqliteQueue(file);
      return queue;
    },
    async cleanup() {
      await queue.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
