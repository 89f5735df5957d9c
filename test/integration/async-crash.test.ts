/** Crash test of async invocation: SIGKILL `openfc serve` repeatedly under load; no accepted event is lost or settled twice. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { createFunctionInput, uniqueName } from '../helpers/functions.js';
import { $dara, $FC, createFcClient, type FCClient } from '../helpers/sdk.js';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';

/** Sized for a 2-core CI runner: the whole test stays well under two minutes. */
const EVENT_COUNT = 2000;
const CLIENT_LOOPS = 32;
/** The third kill waits until at most this many events are still unsettled. */
const IDLE_ISH_IN_FLIGHT = 20;
const METRICS_POLL_MS = 50;
/** Bound on every wait for the platform (a restart's leases expire after ~2 s). */
const WAIT_BOUND_MS = 60_000;
/**
 * Short leases so a killed server's attempts come back within ~2 s, and a dispatcher narrower than the
 * clients (16 attempts at once) so hundreds of accepted events are waiting, and 16 running, when a kill lands.
 */
const SERVE_ENV = { OPENFC_ASYNC_DISPATCH_CONCURRENCY: '16', OPENFC_ASYNC_CLAIM_LEASE_MS: '2000', OPENFC_ASYNC_LEASE_MARGIN_MS: '1000', OPENFC_ASYNC_POLL_INTERVAL_MS: '200' };

/** Sleeps 20-50 ms, then echoes the event: attempts are genuinely in flight when a kill lands. */
const SLOW_ECHO = {
  'index.js': 'exports.handler = (event) => new Promise((resolve) => setTimeout(() => resolve(event), 20 + Math.floor(Math.random() * 31)));\n',
};

interface AsyncMetrics {
  enqueued: number;
  inFlight: number;
  settled: number;
  drift: number;
  running: number;
}

/** One life of the server on the shared data dir; `next` resolves with the one started after it is killed. */
interface Generation {
  readonly serve: ServeProcess;
  readonly client: FCClient;
  isKilled: boolean;
  readonly next: Promise<Generation>;
  resolveNext(g: Generation): void;
}

function generationOf(serve: ServeProcess): Generation {
  let resolveNext!: (g: Generation) => void;
  const next = new Promise<Generation>((resolve) => (resolveNext = resolve));
  const client = createFcClient({ endpoint: serve.httpHost, accessKeyId: serve.credentials.accessKeyId, accessKeySecret: serve.credentials.accessKeySecret });
  return { serve, client, isKilled: false, next, resolveNext };
}

async function readMetrics(serve: ServeProcess): Promise<AsyncMetrics> {
  const text = await (await fetch(`http://${serve.httpHost}/metrics`)).text();
  const value = (name: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line === undefined ? undefined : Number(line.slice(name.length + 1));
  };
  const required = (name: string) => {
    const v = value(name);
    assert.ok(v !== undefined, `/metrics has ${name}`);
    return v;
  };
  return {
    enqueued: required('openfc_async_events_enqueued_total'), inFlight: required('openfc_async_events_in_flight'),
    settled: required('openfc_async_events_settled_total'), drift: required('openfc_async_conservation_drift'),
    running: value('openfc_async_events{status="Running"}') ?? 0,
  };
}

/** Polls /metrics until `isDone`, failing after WAIT_BOUND_MS. */
async function metricsUntil(serve: ServeProcess, what: string, isDone: (m: AsyncMetrics) => boolean, signal: AbortSignal): Promise<AsyncMetrics> {
  const deadline = Date.now() + WAIT_BOUND_MS;
  for (;;) {
    signal.throwIfAborted();
    const m = await readMetrics(serve);
    if (isDone(m)) return m;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last metrics ${JSON.stringify(m)}`);
    await delay(METRICS_POLL_MS);
  }
}

/** Rejects when `signal` aborts, so no loop waits forever for a restart that will not come. */
function orAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function invokeAsyncTask(client: FCClient, functionName: string, taskId: string, payload: string) {
  const r = await client.invokeFunctionWithOptions(
    functionName,
    new $FC.InvokeFunctionRequest({ body: Readable.from([Buffer.from(payload)]) }),
    new $FC.InvokeFunctionHeaders({ xFcInvocationType: 'Async', xFcAsyncTaskId: taskId }),
    new $dara.RuntimeOptions({ readTimeout: 30_000, connectTimeout: 30_000 }),
  );
  for await (const _ of r.body as AsyncIterable<Buffer>) { /* drain */ }
  return { statusCode: r.statusCode ?? 0, headers: (r.headers ?? {}) as Record<string, string> };
}

async function listAllTasks(client: FCClient, functionName: string): Promise<$FC.AsyncTask[]> {
  const tasks: $FC.AsyncTask[] = [];
  let nextToken: string | undefined;
  do {
    const page = (await client.listAsyncTasks(functionName, new $FC.ListAsyncTasksRequest({ limit: 100, nextToken, sortOrderByTime: 'asc' }))).body!;
    tasks.push(...(page.tasks ?? []));
    nextToken = page.nextToken || undefined;
  } while (nextToken);
  return tasks;
}

const LEASE_LOST_WARNING = 'an async attempt ended after its lease was lost';
const countOf = (text: string, needle: string) => text.split(needle).length - 1;

describe('async invocation survives SIGKILL', () => {
  test(`${EVENT_COUNT} async tasks under 3 SIGKILLs of openfc serve: every accepted task settles exactly once`, { timeout: 180_000 }, async (t) => {
    const t0 = Date.now();
    const since = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
    const served: ServeProcess[] = [];
    const stopping = new AbortController();
    let dataDir: string | undefined;
    t.after(async () => {
      stopping.abort(new Error('the test ended'));
      for (const s of served) await s.stop('SIGTERM');
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    });

    const first = await startServe({ env: SERVE_ENV });
    served.push(first);
    dataDir = first.dataDir;
    let current = generationOf(first);

    const name = uniqueName('crash');
    await current.client.createFunction(new $FC.CreateFunctionRequest({ body: await createFunctionInput(name, SLOW_ECHO, { timeout: 1, instanceConcurrency: 20, memorySize: 128, internetAccess: false }) }));
    await current.client.putAsyncInvokeConfig(name, new $FC.PutAsyncInvokeConfigRequest({ body: new $FC.PutAsyncInvokeConfigInput({ asyncTask: true, maxAsyncRetryAttempts: 3 }) }));

    // Which ids got a 202, how often (a 202 lost with a killed connection is asked for again), and who waits on that count.
    const accepted = new Map<string, number>();
    let resentAfterKill = 0;
    const progressWaiters: { atLeast: number; resolve: () => void }[] = [];
    const onAccepted = () => {
      for (const w of progressWaiters.filter((w) => accepted.size >= w.atLeast)) {
        progressWaiters.splice(progressWaiters.indexOf(w), 1);
        w.resolve();
      }
    };
    const acceptedAtLeast = (n: number) => orAbort(new Promise<void>((resolve) => {
      progressWaiters.push({ atLeast: n, resolve });
      onAccepted();
    }), stopping.signal);

    let nextEvent = 0;
    const clientLoop = async () => {
      for (let n = nextEvent++; n < EVENT_COUNT; n = nextEvent++) {
        const taskId = `crash-${n}`;
        for (;;) {
          stopping.signal.throwIfAborted();
          let gen = current;
          if (gen.isKilled) gen = await orAbort(gen.next, stopping.signal);
          let r;
          try {
            r = await invokeAsyncTask(gen.client, name, taskId, JSON.stringify({ n }));
          } catch (e: unknown) {
            // An HTTP answer, or a failure while the server was alive, is a real error; a connection the kill cut is sent again.
            if (!gen.isKilled || typeof (e as { statusCode?: unknown }).statusCode === 'number') throw e;
            resentAfterKill++;
            continue;
          }
          assert.equal(r.statusCode, 202, `${taskId} answered ${r.statusCode}`);
          assert.equal(r.headers['x-fc-async-task-id'], taskId);
          accepted.set(taskId, (accepted.get(taskId) ?? 0) + 1);
          onAccepted();
          break;
        }
      }
    };

    const kills: { at: string; label: string; accepted: number; inFlight: number; running: number; restartMs: number }[] = [];
    const killAndRestart = async (label: string) => {
      const gen = current;
      const m = await readMetrics(gen.serve);
      gen.isKilled = true;
      const at = since();
      await gen.serve.stop('SIGKILL');
      const restartStart = Date.now();
      const serve = await startServe({ dataDir: first.dataDir, env: SERVE_ENV });
      served.push(serve);
      current = generationOf(serve);
      gen.resolveNext(current);
      kills.push({ at, label, accepted: accepted.size, inFlight: m.inFlight, running: m.running, restartMs: Date.now() - restartStart });
    };

    const enqueueStart = Date.now();
    let enqueueMs = 0;
    const loops = Promise.all(Array.from({ length: CLIENT_LOOPS }, clientLoop)).then(() => (enqueueMs = Date.now() - enqueueStart));
    const chaos = (async () => {
      await acceptedAtLeast(Math.ceil(EVENT_COUNT / 3));
      await killAndRestart('a third of the 202s in');
      await acceptedAtLeast(Math.ceil((2 * EVENT_COUNT) / 3));
      await metricsUntil(current.serve, 'attempts running', (m) => m.running > 0, stopping.signal);
      await killAndRestart('while dispatching');
      await loops;
      await metricsUntil(current.serve, `at most ${IDLE_ISH_IN_FLIGHT} events in flight`, (m) => m.inFlight <= IDLE_ISH_IN_FLIGHT, stopping.signal);
      await killAndRestart('idle-ish, after the last 202');
    })();
    // The first failure stops the other side too, and the test waits for both to wind down before its cleanup runs.
    const failFast = (e: unknown) => {
      if (!stopping.signal.aborted) stopping.abort(e);
    };
    await Promise.allSettled([loops.catch(failFast), chaos.catch(failFast)]);
    if (stopping.signal.aborted) throw stopping.signal.reason;

    const drainStart = Date.now();
    const final = await metricsUntil(current.serve, 'every event to settle', (m) => m.inFlight === 0, stopping.signal);
    const drainMs = Date.now() - drainStart;

    const ids = Array.from({ length: EVENT_COUNT }, (_, n) => `crash-${n}`);
    assert.deepEqual(ids.filter((id) => !accepted.has(id)), [], 'every id was accepted in the end');

    const tasks = await listAllTasks(current.client, name);
    const byId = new Map<string, $FC.AsyncTask[]>();
    for (const task of tasks) byId.set(task.taskId!, [...(byId.get(task.taskId!) ?? []), task]);
    assert.deepEqual(ids.filter((id) => !byId.has(id)), [], 'no accepted task is missing');
    assert.deepEqual([...byId].filter(([, list]) => list.length > 1).map(([id]) => id), [], 'no task is listed twice');
    assert.deepEqual([...byId.keys()].filter((id) => !accepted.has(id)), [], 'no task exists that was never accepted');
    assert.equal(tasks.length, EVENT_COUNT);

    const notSucceeded = tasks.filter((task) => task.status !== 'Succeeded').map((task) => `${task.taskId}: ${task.status} ${task.taskErrorMessage ?? ''}`);
    assert.deepEqual(notSucceeded, [], 'every task succeeded (the handler never fails)');
    for (const task of tasks) {
      const settledEntries = (task.events ?? []).filter((e) => e.status === 'Succeeded').length;
      assert.equal(settledEntries, 1, `${task.taskId} was settled once (history: ${JSON.stringify(task.events)})`);
      const attempts = (task.events ?? []).filter((e) => e.status === 'Running').length;
      assert.equal(task.alreadyRetriedTimes, attempts - 1, `${task.taskId}: alreadyRetriedTimes matches the attempts in its history`);
      assert.equal(task.returnPayload, JSON.stringify({ n: Number(task.taskId!.slice('crash-'.length)) }), `${task.taskId} ran its own event`);
    }

    assert.equal(final.drift, 0, 'conservation drift');
    assert.equal(final.enqueued, EVENT_COUNT, 'enqueued_total counts each distinct task once');
    assert.equal(final.settled, EVENT_COUNT, 'settled_total counts each task once');
    assert.equal(kills.length, 3);

    const retried = tasks.filter((task) => (task.alreadyRetriedTimes ?? 0) > 0);
    const extraAttempts = retried.reduce((sum, task) => sum + task.alreadyRetriedTimes!, 0);
    const leaseLostOnLiveServer = served.reduce((sum, s) => sum + countOf(s.output(), LEASE_LOST_WARNING), 0);
    t.diagnostic(`duplicate rate: ${retried.length}/${tasks.length} tasks ran more than once (${((100 * retried.length) / tasks.length).toFixed(2)}%), ${extraAttempts} extra attempts in all`);
    t.diagnostic(`kills: ${kills.length}; ${kills.map((k) => `[${k.at} ${k.label}: ${k.accepted} accepted, ${k.inFlight} in flight, ${k.running} running; restart ${k.restartMs} ms]`).join(' ')}`);
    t.diagnostic(`timings: enqueue ${enqueueMs} ms (${resentAfterKill} requests resent after a kill, ${[...accepted.values()].filter((c) => c > 1).length} ids answered 202 twice), drain after the last restart ${drainMs} ms, total ${since()}`);
    t.diagnostic(`attempts that outlived their lease on a live server: ${leaseLostOnLiveServer}`);
    assert.ok(retried.length > 0, 'at least one kill landed while attempts were running, and they ran again');
  });
});
