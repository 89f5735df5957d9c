/**
 * @module threads/ts-worker
 * Starts a worker thread that runs one of openfc's TypeScript modules.
 */
import { Worker } from 'node:worker_threads';

const BOOTSTRAP = new URL('./ts-worker-bootstrap.mjs', import.meta.url);

/** `entry` is the module's URL, e.g. `new URL('./x-worker.ts', import.meta.url)`; `data` joins `workerData` (shared buffers stay shared). */
export function startTsWorker(entry: URL, name: string, data: Record<string, unknown> = {}): Worker {
  return new Worker(BOOTSTRAP, { workerData: { ...data, entry: entry.href }, name, env: {}, stdout: false, stderr: false });
}
