// Entry point of openfc's worker threads: registers tsx in the thread (a worker does not inherit
// the parent's loader hooks), then loads the TypeScript module named in workerData.entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
