// A log-writer worker that takes batches and never stores them, for sqlite-log-writer.test.ts.
import { parentPort } from 'node:worker_threads';

parentPort!.on('message', () => {});
