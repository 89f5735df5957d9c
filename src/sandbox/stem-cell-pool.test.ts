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
