/**
 * @module iam/signature-verifier
 * Runs the hashing half of ACS3 signature checks. With `threads: 0` (the default since the HMAC
 * became two one-shot hashes) every check runs inline. With worker threads, an idle server still
 * checks inline (no thread hop, so a lone request pays no latency); when requests arrive in
 * bursts, the checks of one event-loop turn go to a worker thread as one batch, which pays where
 * hashing costs the main thread more than the hand-over does. A worker that fails is replaced by
 * inline checks; no request is lost or answered without a check.
 */
import type { Worker } from 'node:worker_threads';
import { coerceError } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import { startTsWorker } from '../threads/ts-worker.js';
import { runSignatureTask, type SignatureTask, type SignatureVerdict } from './acs3-signature.js';

export interface SignatureVerifier {
  /** The verdict, now when checked inline or later when checked on a worker. */
  check(task: SignatureTask): SignatureVerdict | Promise<SignatureVerdict>;
  /** Checks done inline and on workers, for tests and metrics. */
  readonly stats: { inline: number; offloaded: number };
  close(): Promise<void>;
}

interface Queued {
  readonly task: SignatureTask;
  readonly resolve: (v: SignatureVerdict) => void;
}

interface Lane {
  readonly worker: Worker;
  isReady: boolean;
  /** Batches posted and not yet answered, oldest first. */
  readonly inFlight: Queued[][];
}

const WORKER_ENTRY = new URL('./signature-worker.ts', import.meta.url);

/**
 * A small body is usually a view into the socket's whole read buffer, and postMessage would copy
 * all of that buffer (tens of KB per task): the task leaves with a copy of just the body's bytes.
 */
function forTransfer(task: SignatureTask): SignatureTask {
  const body = task.body;
  if (!body || body.byteLength === body.buffer.byteLength) return task;
  return { ...task, body: new Uint8Array(body) };
}

export function createSignatureVerifier(opts: { threads: number; logger: Logger }): SignatureVerifier {
  const lanes: Lane[] = [];
  let queue: Queued[] = [];
  let isTurnEndScheduled = false;
  let checksThisTurn = 0;
  let isClosed = false;
  /** After a worker failed, no new ones are started: everything is checked inline. */
  let hasFailed = false;
  let nextLane = 0;
  const stats = { inline: 0, offloaded: 0 };

  const inline = (task: SignatureTask): SignatureVerdict => {
    stats.inline++;
    return runSignatureTask(task);
  };
  const outstanding = () => lanes.reduce((n, l) => n + l.inFlight.length, 0);

  function startLane(): void {
    const worker = startTsWorker(WORKER_ENTRY, 'openfc-signatures');
    const lane: Lane = { worker, isReady: false, inFlight: [] };
    worker.unref();
    worker.on('message', (m: SignatureVerdict[] | 'ready') => {
      if (m === 'ready') {
        lane.isReady = true;
        return;
      }
      const batch = lane.inFlight.shift();
      batch?.forEach((q, i) => q.resolve(m[i] ?? 'signature-mismatch'));
    });
    const fail = (e: unknown) => {
      const i = lanes.indexOf(lane);
      if (i < 0) return;
      lanes.splice(i, 1);
      hasFailed = true;
      if (!isClosed) opts.logger.warn('a signature worker failed; checking signatures inline', { err: coerceError(e) });
      for (const batch of lane.inFlight.splice(0)) for (const q of batch) q.resolve(inline(q.task));
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`signature worker exited with code ${code}`)));
    lanes.push(lane);
  }

  /** Runs after the I/O of this turn: the checks queued in it leave as one batch. */
  function endTurn(): void {
    isTurnEndScheduled = false;
    checksThisTurn = 0;
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    const ready = lanes.filter((l) => l.isReady);
    if (ready.length === 0) {
      for (const q of batch) q.resolve(inline(q.task));
      return;
    }
    const lane = ready[nextLane++ % ready.length]!;
    lane.inFlight.push(batch);
    stats.offloaded += batch.length;
    lane.worker.postMessage(batch.map((q) => forTransfer(q.task)));
  }

  function scheduleTurnEnd(): void {
    if (isTurnEndScheduled) return;
    isTurnEndScheduled = true;
    setImmediate(endTurn);
  }

  return {
    stats,
    check(task) {
      if (opts.threads === 0 || isClosed) return inline(task);
      // The first check of a turn on an idle verifier runs now; more in the same turn mean a burst.
      if (checksThisTurn++ === 0 && outstanding() === 0) {
        scheduleTurnEnd();
        return inline(task);
      }
      if (lanes.length < opts.threads && !hasFailed) startLane();
      scheduleTurnEnd();
      return new Promise<SignatureVerdict>((resolve) => queue.push({ task, resolve }));
    },
    async close() {
      isClosed = true;
      const workers = lanes.map((l) => l.worker);
      for (const l of lanes.splice(0)) for (const batch of l.inFlight.splice(0)) for (const q of batch) q.resolve(inline(q.task));
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
