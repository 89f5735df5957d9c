// A log-writer worker that dies at its first batch, for sqlite-log-writer.test.ts.
import { parentPort } from 'node:worker_threads';

parentPort!.on('message', () => process.exit(7));
