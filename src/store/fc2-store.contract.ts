/**
 * @module store/fc2-store.contract
 * The behaviour every backend's FC 2.0 service store (store/fc2-types) must have. Each backend's
 * test file calls `runFc2StoreContract` with a factory (the MetadataStore fixture).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { isPlatformError } from '../errors/index.js';
import { storeWithAccount, type MetadataStoreFixture } from './metadata-store.contract.js';
import type { Fc2ServiceRecord } from './types.js';

function service(accountId: string, serviceName: string): Fc2ServiceRecord {
  const now = new Date().toISOString();
  return { accountId, serviceName, serviceId: randomUUID(), config: { description: serviceName, role: '', internetAccess: true }, createdTime: now, lastModifiedTime: now };
}

export function runFc2StoreContract(name: string, create: () => Promise<MetadataStoreFixture>): void {
  describe(`Fc2ServiceStore contract: ${name}`, () => {
    const withStore = (t: { after(fn: () => Promise<void>): void }) => storeWithAccount(create, t);

    test('creates, reads, updates and deletes a service; a taken name is ServiceAlreadyExists', async (t) => {
      const { store, acct } = await withStore(t);
      const s = service(acct, 'orders');
      store.createFc2Service(s);
      assert.deepEqual(store.getFc2Service(acct, 'orders'), s);
      assert.throws(() => store.createFc2Service(service(acct, 'orders')), (e: unknown) => isPlatformError(e, 'ServiceAlreadyExists'));
      store.updateFc2Service({ ...s, config: { ...s.config, description: 'changed' }, lastModifiedTime: 'later' });
      assert.equal(store.getFc2Service(acct, 'orders')?.config.description, 'changed');
      assert.equal(store.getFc2Service(acct, 'orders')?.createdTime, s.createdTime);
      assert.equal(store.deleteFc2Service(acct, 'orders'), true);
      assert.equal(store.deleteFc2Service(acct, 'orders'), false);
      assert.equal(store.getFc2Service(acct, 'orders'), undefined);
      assert.throws(() => store.updateFc2Service(s), (e: unknown) => isPlatformError(e, 'ServiceNotFound'));
    });

    test('lists one account\'s services in name order with prefix, limit, nextToken and startKey', async (t) => {
      const { store, acct } = await withStore(t);
      const other = `2${Math.floor(Math.random() * 1e15)}`;
      store.createAccount({ accountId: other, createdTime: new Date().toISOString() });
      for (const n of ['b', 'a', 'c', 'x-1']) store.createFc2Service(service(acct, n));
      store.createFc2Service(service(other, 'a2'));
      const names = (p: { items: Fc2ServiceRecord[] }) => p.items.map((s) => s.serviceName);
      const first = store.listFc2Services(acct, { limit: 2 });
      assert.deepEqual(names(first), ['a', 'b']);
      assert.equal(first.nextToken, 'b');
      const second = store.listFc2Services(acct, { limit: 2, nextToken: first.nextToken });
      assert.deepEqual(names(second), ['c', 'x-1']);
      assert.equal(second.nextToken, undefined);
      assert.deepEqual(names(store.listFc2Services(acct, { limit: 10, startKey: 'b' })), ['b', 'c', 'x-1']);
      assert.deepEqual(names(store.listFc2Services(acct, { limit: 10, prefix: 'x' })), ['x-1']);
      assert.deepEqual(names(store.listFc2Services(other, { limit: 10 })), ['a2']);
    });

    test('services survive a reopen', async (t) => {
      const fx = await withStore(t);
      if (!fx.reopen) return t.skip('backend without persistence');
      fx.store.createFc2Service(service(fx.acct, 'kept'));
      const reopened = await fx.reopen();
      assert.equal(reopened.getFc2Service(fx.acct, 'kept')?.serviceName, 'kept');
    });
  });
}
