/** Scheduler behaviour with a scripted in-memory sandbox driver and a fake clock. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventBus } from '../events/event-bus.js';
import { resolveConfig } from '../config/index.js';
import { createMemoryLogger } from '../observability/logger.js';
import { createRequestIdFactory } from '../observability/request-id.js';
import { ChannelClosedError, type InstanceChannel, type InvokeOutcome } from '../sandbox/channel/index.js';
import type { Sandbox, SandboxDriver, SandboxExit } from '../sandbox/types.js';
import type { FunctionRecord } from '../store/types.js';
import { FakeClock } from '../time/clock.js';
import { createAdmission, type AdmissionLimits } from '../quotas/admission.js';
import { createScheduler } from './scheduler.js';

interface PendingInvoke {
  readonly sandboxId: string;
  resolve(out: InvokeOutcome): void;
  reject(e: Error): void;
}

/** A driver whose sandboxes answer only when the test says so. */
function createScriptedDriver() {
  const pending: PendingInvoke[] = [];
  const started: string[] = [];
  const destroyed: string[] = [];
  const driver: SandboxDriver = {
    name: 'scripted',
    isIsolated: false,
    async start(spec) {
      started.push(spec.sandboxId);
      let closed = false;
      let exit!: (e: SandboxExit) => void;
      const exited = new Promise<SandboxExit>((r) => (exit = r));
      const closeListeners: (() => void)[] = [];
      const channel = {
        get isClosed() {
          return closed;
        },
        get inFlight() {
          return pending.filter((p) => p.sandboxId === spec.sandboxId).length;
        },
        hello: Promise.resolve({ protocol: 1, runtime: 'nodejs', pid: 1 }),
        assign: async () => ({ ok: true as const }),
        invoke: (_h: unknown, event: Buffer) =>
          new Promise<InvokeOutcome>((resolve, reject) => {
            if (String(event) === 'instant') return resolve({ body: Buffer.from(spec.sandboxId) });
            pending.push({ sandboxId: spec.sandboxId, resolve, reject });
          }),
        hook: async () => ({ ok: true as const }),
        onClose: (fn: () => void) => closeListeners.push(fn),
        close() {
          if (closed) return;
          closed = true;
          for (const p of pending.filter((p) => p.sandboxId === spec.sandboxId)) {
            pending.splice(pending.indexOf(p), 1);
            p.reject(new ChannelClosedError('closed'));
          }
          exit({ code: null, signal: 'SIGKILL', isOom: false });
          for (const fn of closeListeners) fn();
        },
      } as unknown as InstanceChannel;
      const sandbox: Sandbox = {
        id: spec.sandboxId, channel, codeDirInside: '/code', exited, onOutput: () => undefined,
        async destroy() {
          destroyed.push(spec.sandboxId);
          channel.close();
        },
        exec: () => Promise.reject(new Error('the scripted driver cannot exec')),
      };
      return sandbox;
    },
    startStemCell: () => Promise.reject(new Error('the scripted driver has no stem cells')),
    async close() {},
  };
  return { driver, pending, started, destroyed };
}

const UNLIMITED: AdmissionLimits = { maxInstancesPerAccount: 1e9, scaleOutPerMinute: 1e9, maxVcpuPerAccount: 1e9, maxMemoryMbPerAccount: 1e12, nodeMemoryMb: 1e12, nodeMemoryCommitRatio: 1 };

function fnRecord(revision = 1, config: Record<string, unknown> = {}): FunctionRecord {
  return {
    accountId: '1', functionName: 'f', functionId: 'id', revision, codeBlobKey: 'k', codeChecksum: '0', codeSize: 1, createdTime: '', lastModifiedTime: '',
    config: { runtime: 'nodejs20', handler: 'index.handler', timeout: 3, memorySize: 128, instanceConcurrency: 1, environmentVariables: {}, ...config },
  };
}

function setup(overrides: Record<string, unknown> = {}, limits?: Partial<AdmissionLimits>) {
  const clock = new FakeClock(1_000_000);
  const scripted = createScriptedDriver();
  const events = new EventBus();
  const admission = limits && createAdmission({ clock, reservations: () => new Map(), limits: { ...UNLIMITED, ...limits } });
  const scheduler = createScheduler({
    ...(admission && { admission }),
    driver: scripted.driver, clock, events, logger: createMemoryLogger(), newRequestId: createRequestIdFactory(),
    config: resolveConfig({ idleTimeoutMs: 60_000, ...overrides }, {}),
    codeCache: { ensureUnpacked: async () => '/tmp/code', remove: async () => undefined },
    functionLogs: { openInstance: () => ({ output: () => undefined, settle: () => undefined, close: () => undefined }), close: async () => undefined },
  });
  const req = (event = 'held') => ({ requestId: 'r', event: Buffer.from(event), isLogTail: false });
  /** Resolves once `n` invocations are held by sandboxes. */
  const held = async (n: number) => {
    while (scripted.pending.length < n) await new Promise((r) => setImmediate(r));
  };
  return { clock, scheduler, events, ...scripted, req, held };
}

describe('scheduler', () => {
  test('packs N concurrent invocations at concurrency C into ceil(N/C) instances', async () => {
    const { scheduler, pending, started, req, held } = setup();
    const fn = fnRecord(1, { instanceConcurrency: 4 });
    const calls = Array.from({ length: 10 }, () => scheduler.invoke(fn, req()));
    await held(10);
    assert.equal(started.length, 3);
    const perInstance = new Map<string, number>();
    for (const p of pending) perInstance.set(p.sandboxId, (perInstance.get(p.sandboxId) ?? 0) + 1);
    assert.deepEqual([...perInstance.values()].sort(), [2, 4, 4]);
    for (const p of pending.splice(0)) p.resolve({ body: Buffer.from('ok') });
    await Promise.all(calls);
    await scheduler.close();
  });

  test('routes a new invocation to the busiest instance that still has a free slot', async () => {
    const { scheduler, pending, started, req, held } = setup();
    const fn = fnRecord(1, { instanceConcurrency: 3 });
    const first = Array.from({ length: 4 }, () => scheduler.invoke(fn, req()));
    await held(4);
    assert.equal(started.length, 2, 'one full instance (3) and one with 1');
    // free one slot on the full instance: now both have free slots; the busier one (2 in flight) must win over the 1
    const fromFirst = pending.find((p) => p.sandboxId === started[0])!;
    pending.splice(pending.indexOf(fromFirst), 1);
    fromFirst.resolve({ body: Buffer.from('done') });
    await first[0];
    const next = scheduler.invoke(fn, req());
    await held(4);
    assert.equal(pending.at(-1)!.sandboxId, started[0]);
    for (const p of pending.splice(0)) p.resolve({ body: Buffer.from('ok') });
    await Promise.all([...first, next]);
    await scheduler.close();
  });

  test('releases an instance idle past the idle timeout, and not before', async () => {
    const { scheduler, clock, events, destroyed, req } = setup();
    const fn = fnRecord();
    await scheduler.invoke(fn, req('instant'));
    clock.advance(59_000);
    assert.equal(scheduler.listInstances().length, 1);
    const stopped = events.next('instance:stopped');
    clock.advance(20_000);
    assert.equal((await stopped).reason, 'idle');
    assert.equal(destroyed.length, 1);
    await scheduler.close();
  });

  test('a timeout destroys the instance and answers with a timeout error', async () => {
    const { scheduler, clock, destroyed, req, held } = setup();
    const fn = fnRecord(1, { timeout: 2 });
    const call = scheduler.invoke(fn, req());
    await held(1);
    clock.advance(2000);
    const out = await call;
    assert.equal(out.errorType, 'UnhandledInvocationError');
    assert.match(JSON.parse(out.body.toString()).errorMessage, /timed out after 2 seconds/);
    assert.equal(destroyed.length, 1);
    const again = await scheduler.invoke(fn, req('instant'));
    assert.notEqual(again.instanceId, out.instanceId);
    await scheduler.close();
  });

  test('a new revision drains busy instances and stops idle ones; old instances take no new work', async () => {
    const { scheduler, pending, started, events, req, held } = setup();
    const v1 = fnRecord(1, { instanceConcurrency: 2 });
    const inflight = scheduler.invoke(v1, req());
    await held(1);
    const stoppedOld = events.next('instance:stopped');
    scheduler.onFunctionChange({ accountId: '1', functionName: 'f', revision: 2 });
    const v2 = fnRecord(2, { instanceConcurrency: 2 });
    const fresh = await scheduler.invoke(v2, req('instant'));
    assert.notEqual(fresh.instanceId, started[0], 'the draining instance took no new invocation');
    pending.shift()!.resolve({ body: Buffer.from('old done') });
    assert.equal((await inflight).body.toString(), 'old done', 'in-flight work on the old revision finishes');
    assert.equal((await stoppedOld).reason, 'revision-changed');
    await scheduler.close();
  });

  test('a refused new instance waits up to slotWaitMs, then fails with 429 ResourceThrottled; a freed slot serves a waiter', async () => {
    const { scheduler, pending, started, clock, events, req, held } = setup({ slotWaitMs: 1000 }, { maxInstancesPerAccount: 1 });
    const fn = fnRecord(1, { cpu: 0.1 });
    const first = scheduler.invoke(fn, req());
    await held(1);
    const throttled = events.next('invocation:throttled');
    const refused = scheduler.invoke(fn, req()).then(
      () => assert.fail('expected a refusal'),
      (e: unknown) => e as { code: string },
    );
    await new Promise((r) => setImmediate(r));
    clock.advance(999);
    await new Promise((r) => setImmediate(r));
    clock.advance(1);
    assert.equal((await refused).code, 'ResourceThrottled');
    assert.equal((await throttled).code, 'ResourceThrottled');
    const waited = events.next('invocation:waited');
    const waiter = scheduler.invoke(fn, req());
    await new Promise((r) => setImmediate(r));
    pending.shift()!.resolve({ body: Buffer.from('first') });
    assert.equal((await first).body.toString(), 'first');
    assert.equal((await waited).outcome, 'slot');
    await held(1);
    pending.shift()!.resolve({ body: Buffer.from('second') });
    assert.equal((await waiter).instanceId, started[0], 'the waiter got the freed slot; no second instance');
    assert.equal(started.length, 1);
    await scheduler.close();
  });

  test('an instance that stops gives its quota back to a waiting invocation', async () => {
    const { scheduler, pending, started, clock, req, held } = setup({ slotWaitMs: 5000 }, { maxInstancesPerAccount: 1 });
    const a = scheduler.invoke(fnRecord(1, { cpu: 0.1, timeout: 2 }), req());
    await held(1);
    const other = { ...fnRecord(1, { cpu: 0.1 }), functionName: 'g' };
    const waiting = scheduler.invoke(other, req('instant'));
    await new Promise((r) => setImmediate(r));
    clock.advance(2000);
    assert.equal((await a).errorType, 'UnhandledInvocationError', 'the first instance timed out and stopped');
    const out = await waiting;
    assert.equal(out.body.toString(), started[1], "function g started an instance in the freed quota");
    assert.equal(pending.length, 0);
    await scheduler.close();
  });

  test('an instance past its lifetime drains: in-flight work finishes, new work goes to a new instance, then it stops', async () => {
    const { scheduler, pending, started, clock, events, req, held } = setup({ maxInstanceLifetimeMs: 10_000 });
    const fn = fnRecord(1, { instanceConcurrency: 2, timeout: 60 });
    const busy = scheduler.invoke(fn, req());
    await held(1);
    const stopped = events.next('instance:stopped');
    clock.advance(11_000);
    const fresh = await scheduler.invoke(fn, req('instant'));
    assert.notEqual(fresh.instanceId, started[0], 'the old instance takes no new work');
    pending.shift()!.resolve({ body: Buffer.from('finished') });
    assert.equal((await busy).body.toString(), 'finished');
    assert.deepEqual(await stopped, { instanceId: started[0], accountId: '1', functionName: 'f', reason: 'lifetime' });
    const idleStop = events.next('instance:stopped');
    clock.advance(11_000);
    assert.equal((await idleStop).reason, 'lifetime', 'an idle instance past its lifetime stops too');
    await scheduler.close();
  });
});

describe('scheduler: published versions', () => {
  test("keeps a version's instances apart from LATEST's: UpdateFunction drains LATEST only, deleting the version drains its own", async () => {
    const { scheduler, events, started, req } = setup();
    const latest = fnRecord(1);
    const version = { ...fnRecord(1), versionId: '1' };
    const onLatest = String((await scheduler.invoke(latest, req('instant'))).body);
    const onVersion = String((await scheduler.invoke(version, req('instant'))).body);
    assert.notEqual(onLatest, onVersion, 'same revision, but a version gets its own instance');
    assert.equal(started.length, 2);
    assert.deepEqual(scheduler.listInstances().map((i) => i.versionId).sort(), ['1', undefined]);

    const latestStopped = events.next('instance:stopped', (e) => e.reason === 'revision-changed');
    scheduler.onFunctionChange({ accountId: '1', functionName: 'f', revision: 2 });
    await latestStopped;
    assert.equal(String((await scheduler.invoke(version, req('instant'))).body), onVersion, 'the version instance kept serving');
    assert.equal(started.length, 2);

    const versionInstance = scheduler.listInstances().find((i) => i.versionId === '1')!.instanceId;
    const versionStopped = events.next('instance:stopped', (e) => e.reason === 'version-deleted');
    scheduler.onVersionDeleted({ accountId: '1', functionName: 'f', versionId: '2' });
    scheduler.onVersionDeleted({ accountId: '1', functionName: 'f', versionId: '1' });
    assert.equal((await versionStopped).instanceId, versionInstance);
    assert.deepEqual(scheduler.listInstances(), []);
    await scheduler.close();
  });
});
