/** The stem-cell pool: cells are used for matching specs, and a cell that fails to specialise falls back to a fresh sandbox. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemoryLogger } from '../observability/logger.js';
import { FakeClock } from '../time/clock.js';
import { withStemCellPool } from './stem-cell-pool.js';
import type { Sandbox, SandboxDriver, SandboxSpec, StemCell } from './types.js';

function fakeDriver(opts: { isBroken: boolean }) {
  const fresh: string[] = [];
  const destroyed: string[] = [];
  const removedVpcs: string[] = [];
  const sandbox = (id: string) => ({ id }) as unknown as Sandbox;
  const driver: SandboxDriver = {
    name: 'fake',
    isIsolated: false,
    async start(spec) {
      fresh.push(spec.sandboxId);
      return sandbox(spec.sandboxId);
    },
    async startStemCell(spec): Promise<StemCell> {
      return {
        id: spec.cellId, spec, exited: new Promise(() => undefined),
        async specialize(s) {
          if (opts.isBroken) throw new Error('the cell died while it waited');
          return sandbox(s.sandboxId);
        },
        async destroy() {
          destroyed.push(spec.cellId);
        },
      };
    },
    vpcs: {
      ensure: async () => ({ bridge: 'br', gatewayIp: '10.0.0.1' }),
      allowEndpoint: async () => undefined,
      async remove(vpc) {
        removedVpcs.push(`${vpc.vpcId} after ${destroyed.length} destroyed`);
      },
    },
    async close() {},
  };
  return { driver, fresh, destroyed, removedVpcs };
}

const spec: SandboxSpec = { sandboxId: 'c-1', runtimeFamily: 'nodejs', memoryMb: 128, cpu: 0.1, diskSizeMb: 512, network: { internet: true }, codeDir: '/code' };
const options = { sizePerKey: 1, prewarm: [{ runtimeFamily: 'nodejs' as const, memoryMb: 128, diskSizeMb: 512, network: { internet: true } }], logger: createMemoryLogger(), clock: new FakeClock(0), refillDelayMs: 50 };

test('a waiting cell serves a matching spec', async () => {
  const { driver, fresh } = fakeDriver({ isBroken: false });
  const pool = withStemCellPool(driver, options);
  await pool.ready();
  assert.equal((await pool.start(spec)).id, 'c-1');
  assert.deepEqual(fresh, []);
  assert.equal(pool.stats().hits, 1);
  await pool.close();
});

test('a cell that cannot be specialised is destroyed and the sandbox starts fresh instead of failing', async () => {
  const { driver, fresh, destroyed } = fakeDriver({ isBroken: true });
  const pool = withStemCellPool(driver, options);
  await pool.ready();
  assert.equal((await pool.start(spec)).id, 'c-1');
  assert.deepEqual(fresh, ['c-1']);
  assert.equal(destroyed.length, 1);
  await pool.close();
});

test('VPC cells are pooled per VPC and destroyed before their VPC is removed', async () => {
  const { driver, destroyed, removedVpcs } = fakeDriver({ isBroken: false });
  const clock = new FakeClock(0);
  const pool = withStemCellPool(driver, { ...options, clock, prewarm: [] });
  const vpc = { vpcId: 'vpc-1', cidrBlock: '10.0.0.0/24', bridgeIndex: 0 };
  await pool.start({ ...spec, network: { internet: false, vpc } });
  clock.advance(50);
  await pool.ready();
  assert.deepEqual(Object.values(pool.stats().ready), [1], 'a cell now waits in the VPC');
  await pool.vpcs!.remove(vpc);
  assert.equal(destroyed.length, 1);
  assert.deepEqual(removedVpcs, ['vpc-1 after 1 destroyed']);
  assert.deepEqual(pool.stats().ready, {});
  await pool.close();
});

test('cells are kept per runtime family: a python or custom start never takes a nodejs cell', async () => {
  const { driver, fresh } = fakeDriver({ isBroken: false });
  const clock = new FakeClock(0);
  const pool = withStemCellPool(driver, { ...options, clock });
  await pool.ready();
  assert.equal((await pool.start({ ...spec, sandboxId: 'c-py', runtimeFamily: 'python' })).id, 'c-py');
  assert.equal((await pool.start({ ...spec, sandboxId: 'c-custom', runtimeFamily: 'custom' })).id, 'c-custom');
  assert.deepEqual(fresh, ['c-py', 'c-custom'], 'both started fresh');
  clock.advance(50);
  await pool.ready();
  assert.deepEqual(pool.stats().ready, { 'nodejs/128/512/internet': 1, 'python/128/512/internet': 1, 'custom/128/512/internet': 1 });
  assert.equal((await pool.start({ ...spec, sandboxId: 'c-py2', runtimeFamily: 'python' })).id, 'c-py2');
  assert.deepEqual(fresh, ['c-py', 'c-custom'], 'the second python start took the python cell');
  await pool.close();
});
