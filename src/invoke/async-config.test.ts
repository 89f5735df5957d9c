/** Unit tests of the async invoke config service over a real SQLite store, a stand-in function service and a fake clock. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PlatformError, isPlatformError, type ErrorCode } from '../errors/index.js';
import { createQualifierResolver, createVersionService, type FunctionChange, type FunctionService } from '../functions/index.js';
import { createSqliteMetadataStore } from '../store/sqlite/sqlite-metadata-store.js';
import type { MetadataStore } from '../store/types.js';
import { FakeClock } from '../time/clock.js';
import { createAsyncConfigService } from './async-config.js';

const REGION = 'cn-hangzhou';
const ACCT = '1000000000000001';
const OTHER = '2000000000000002';

/** The parts of FunctionService the config service uses, on top of the store. */
function standInFunctions(store: MetadataStore) {
  const listeners: ((c: FunctionChange) => void)[] = [];
  const functionArn = (accountId: string, functionName: string) => `acs:fc:${REGION}:${accountId}:functions/${functionName}`;
  const functions = {
    functionArn,
    get(accountId: string, functionName: string) {
      if (!store.getFunction(accountId, functionName)) throw new PlatformError('FunctionNotFound', `function '${functionName}' does not exist`);
      return { functionName, functionArn: functionArn(accountId, functionName) };
    },
    resolve(accountId: string, functionName: string) {
      const r = store.getFunction(accountId, functionName);
      if (!r) throw new PlatformError('FunctionNotFound', `function '${functionName}' does not exist`);
      return r;
    },
    onChange(fn: (c: FunctionChange) => void) {
      listeners.push(fn);
    },
  } as unknown as FunctionService;
  return {
    functions,
    create(accountId: string, functionName: string) {
      const now = '2026-01-01T00:00:00Z';
      store.createFunction({ accountId, functionName, functionId: `${accountId}-${functionName}`, revision: 1, config: {}, codeBlobKey: 'a'.repeat(64), codeChecksum: '1', codeSize: 1, createdTime: now, lastModifiedTime: now });
    },
    remove(accountId: string, functionName: string) {
      store.deleteFunction(accountId, functionName);
      for (const l of listeners) l({ accountId, functionName, revision: undefined });
    },
  };
}

function setup(t: { after(fn: () => void): void }) {
  const store = createSqliteMetadataStore(':memory:');
  t.after(() => store.close());
  for (const a of [ACCT, OTHER]) store.createAccount({ accountId: a, createdTime: '2026-01-01T00:00:00Z' });
  const fns = standInFunctions(store);
  const clock = new FakeClock(Date.UTC(2026, 2, 1, 8, 0, 0));
  const qualifiers = createQualifierResolver({ functions: fns.functions, versions: createVersionService({ store, functions: fns.functions, clock }) });
  const service = createAsyncConfigService({ store, functions: fns.functions, clock, region: REGION, qualifiers });
  return { store, clock, service, ...fns };
}

const rejects = (fn: () => unknown, code: ErrorCode, pattern?: RegExp) =>
  assert.throws(fn, (e: unknown) => isPlatformError(e, code) && (!pattern || pattern.test(e.message)), `${code} ${pattern ?? ''}`);

const OWN_FN = (name: string, qualifier?: string) => `acs:fc:${REGION}:${ACCT}:functions/${name}${qualifier ? `/${qualifier}` : ''}`;

describe('async invoke configs', () => {
  test('put applies the defaults and get returns the same view', (t) => {
    const { service, create } = setup(t);
    create(ACCT, 'f');
    const put = service.put(ACCT, 'f', null, {});
    assert.deepEqual(put, {
      asyncTask: false, maxAsyncEventAgeInSeconds: 86400, maxAsyncRetryAttempts: 3, functionArn: OWN_FN('f'),
      createdTime: '2026-03-01T08:00:00Z', lastModifiedTime: '2026-03-01T08:00:00Z',
    });
    assert.deepEqual(service.get(ACCT, 'f', null), put);
  });

  test('put replaces the whole config, keeps createdTime and moves lastModifiedTime', (t) => {
    const { service, create, clock } = setup(t);
    create(ACCT, 'f');
    create(ACCT, 'sink');
    service.put(ACCT, 'f', null, {
      asyncTask: true, maxAsyncRetryAttempts: 0, maxAsyncEventAgeInSeconds: 60, maxAsyncConcurrency: 4, dedicatedQueue: true,
      destinationConfig: { onSuccess: { destination: OWN_FN('sink') }, onFailure: { destination: 'https://hooks.example.com/failed' } },
    });
    assert.deepEqual(service.get(ACCT, 'f', 'LATEST').destinationConfig, { onSuccess: { destination: OWN_FN('sink') }, onFailure: { destination: 'https://hooks.example.com/failed' } });
    clock.advance(5000);
    const replaced = service.put(ACCT, 'f', '', { maxAsyncRetryAttempts: 8 });
    assert.deepEqual(replaced, {
      asyncTask: false, maxAsyncEventAgeInSeconds: 86400, maxAsyncRetryAttempts: 8, functionArn: OWN_FN('f'),
      createdTime: '2026-03-01T08:00:00Z', lastModifiedTime: '2026-03-01T08:00:05Z',
    }, 'fields left out are back to their defaults; the extensions are gone');
    assert.deepEqual(service.get(ACCT, 'f', null), replaced);
  });

  test('shows the openfc extensions when set, and a destination naming the function itself', (t) => {
    const { service, create } = setup(t);
    create(ACCT, 'f');
    const v = service.put(ACCT, 'f', null, { maxAsyncConcurrency: 1000, dedicatedQueue: false, destinationConfig: { onFailure: { destination: OWN_FN('f') } } });
    assert.equal(v.maxAsyncConcurrency, 1000);
    assert.equal(v.dedicatedQueue, false);
    assert.deepEqual(v.destinationConfig, { onFailure: { destination: OWN_FN('f') } });
  });

  test('an empty destinationConfig or destination means none', (t) => {
    const { service, create } = setup(t);
    create(ACCT, 'f');
    assert.equal('destinationConfig' in service.put(ACCT, 'f', null, { destinationConfig: {} }), false);
    assert.equal('destinationConfig' in service.put(ACCT, 'f', null, { destinationConfig: { onSuccess: { destination: '' }, onFailure: null } }), false);
    assert.equal('maxAsyncConcurrency' in service.put(ACCT, 'f', null, { maxAsyncConcurrency: null }), false);
  });

  test('refuses wrong types, out-of-range values and unknown fields, naming the field', (t) => {
    const { service, create } = setup(t);
    create(ACCT, 'f');
    const put = (input: Record<string, unknown>) => () => service.put(ACCT, 'f', null, input);
    rejects(put({ maxAsyncRetryAttempts: 9 }), 'InvalidArgument', /maxAsyncRetryAttempts must be an integer from 0 to 8, got 9/);
    rejects(put({ maxAsyncRetryAttempts: -1 }), 'InvalidArgument', /maxAsyncRetryAttempts/);
    rejects(put({ maxAsyncRetryAttempts: 1.5 }), 'InvalidArgument', /maxAsyncRetryAttempts/);
    rejects(put({ maxAsyncRetryAttempts: '3' }), 'InvalidArgument', /maxAsyncRetryAttempts must be an integer from 0 to 8, got "3"/);
    rejects(put({ maxAsyncEventAgeInSeconds: 0 }), 'InvalidArgument', /maxAsyncEventAgeInSeconds must be an integer from 1 to 604800/);
    rejects(put({ maxAsyncEventAgeInSeconds: 604801 }), 'InvalidArgument', /maxAsyncEventAgeInSeconds/);
    rejects(put({ asyncTask: 'yes' }), 'InvalidArgument', /asyncTask must be true or false/);
    rejects(put({ maxAsyncConcurrency: 0 }), 'InvalidArgument', /maxAsyncConcurrency must be an integer from 1 to 1000/);
    rejects(put({ maxAsyncConcurrency: 1001 }), 'InvalidArgument', /maxAsyncConcurrency/);
    rejects(put({ dedicatedQueue: 1 }), 'InvalidArgument', /dedicatedQueue must be true or false/);
    rejects(put({ statefulInvocation: true }), 'InvalidArgument', /unknown field 'statefulInvocation'/);
    rejects(put({ destinationConfig: 'x' }), 'InvalidArgument', /destinationConfig must be an object/);
    rejects(put({ destinationConfig: { onError: {} } }), 'InvalidArgument', /destinationConfig has unknown field 'onError'/);
    rejects(put({ destinationConfig: { onSuccess: 'arn' } }), 'InvalidArgument', /destinationConfig\.onSuccess must be an object/);
    rejects(put({ destinationConfig: { onSuccess: { destination: 5 } } }), 'InvalidArgument', /destinationConfig\.onSuccess\.destination must be a string/);
    rejects(put({ destinationConfig: { onSuccess: { destination: OWN_FN('f'), type: 'fc' } } }), 'InvalidArgument', /destinationConfig\.onSuccess has unknown field 'type'/);
    rejects(put({ destinationConfig: { onFailure: { destination: `acs:fc:${REGION}:${OTHER}:functions/f` } } }), 'InvalidArgument', /^destinationConfig\.onFailure\.destination .*cross-account destinations are not allowed/);
    rejects(put({ destinationConfig: { onFailure: { destination: `acs:mns:${REGION}:${ACCT}:/queues/q/messages` } } }), 'InvalidArgument', /not available in openfc/);
    assert.equal(service.effective(ACCT, 'f', null).maxRetryAttempts, 3, 'nothing was stored');
  });

  test('LATEST, empty and no qualifier are one config; an unknown version or alias is refused', (t) => {
    const { service, create } = setup(t);
    create(ACCT, 'f');
    service.put(ACCT, 'f', 'LATEST', { maxAsyncRetryAttempts: 1 });
    assert.equal(service.get(ACCT, 'f', null).maxAsyncRetryAttempts, 1);
    assert.equal(service.get(ACCT, 'f', '').maxAsyncRetryAttempts, 1);
    rejects(() => service.put(ACCT, 'f', '1', {}), 'VersionNotFound');
    rejects(() => service.get(ACCT, 'f', 'prod'), 'AliasNotFound');
    rejects(() => service.delete(ACCT, 'f', 'no/such'), 'InvalidArgument');
    assert.equal(service.effective(ACCT, 'f', 'prod').maxRetryAttempts, 3, 'the queue reads defaults for a qualifier without a config; existence is checked where events are accepted and run');
  });

  test('the function must exist; a missing config is AsyncConfigNotFound', (t) => {
    const { service, create } = setup(t);
    rejects(() => service.put(ACCT, 'nope', null, {}), 'FunctionNotFound');
    rejects(() => service.get(ACCT, 'nope', null), 'FunctionNotFound');
    rejects(() => service.delete(ACCT, 'nope', null), 'FunctionNotFound');
    create(ACCT, 'f');
    rejects(() => service.get(ACCT, 'f', null), 'AsyncConfigNotFound', /function 'f' has no async invoke config for qualifier 'LATEST'/);
    rejects(() => service.delete(ACCT, 'f', null), 'AsyncConfigNotFound');
    service.put(ACCT, 'f', null, {});
    service.delete(ACCT, 'f', null);
    rejects(() => service.get(ACCT, 'f', null), 'AsyncConfigNotFound');
  });

  test('keeps accounts apart', (t) => {
    const { service, create } = setup(t);
    create(ACCT, 'f');
    create(OTHER, 'f');
    service.put(ACCT, 'f', null, { maxAsyncRetryAttempts: 1 });
    rejects(() => service.get(OTHER, 'f', null), 'AsyncConfigNotFound');
    assert.deepEqual(service.list(OTHER, {}).configs, []);
    assert.equal(service.effective(OTHER, 'f', null).maxRetryAttempts, 3);
  });

  test('lists by function name prefix, in pages', (t) => {
    const { service, create } = setup(t);
    for (const n of ['a3', 'b1', 'a1', 'a2']) {
      create(ACCT, n);
      service.put(ACCT, n, null, {});
    }
    const p1 = service.list(ACCT, { functionName: 'a', limit: '2' });
    assert.deepEqual(p1.configs.map((c) => c.functionArn.split('/').pop()), ['a1', 'a2']);
    assert.ok(p1.nextToken);
    const p2 = service.list(ACCT, { functionName: 'a', limit: '2', nextToken: p1.nextToken });
    assert.deepEqual(p2.configs.map((c) => c.functionArn.split('/').pop()), ['a3']);
    assert.equal(p2.nextToken, undefined);
    assert.equal(service.list(ACCT, {}).configs.length, 4);
    assert.deepEqual(service.list(ACCT, { nextToken: 'a3' }).configs.map((c) => c.functionArn.split('/').pop()), ['b1'], 'a bare function name continues after it');
    rejects(() => service.list(ACCT, { limit: '101' }), 'InvalidArgument', /limit/);
  });

  test('effective gives the defaults without a config, and what was put with one', (t) => {
    const { service, create } = setup(t);
    create(ACCT, 'f');
    create(ACCT, 'sink');
    assert.deepEqual(service.effective(ACCT, 'f', null), { isTask: false, maxRetryAttempts: 3, maxEventAgeMs: 86_400_000, isDedicatedQueue: false });
    assert.deepEqual(service.effective(ACCT, 'never-created', null), { isTask: false, maxRetryAttempts: 3, maxEventAgeMs: 86_400_000, isDedicatedQueue: false });
    service.put(ACCT, 'f', null, {
      asyncTask: true, maxAsyncRetryAttempts: 0, maxAsyncEventAgeInSeconds: 1, maxAsyncConcurrency: 2, dedicatedQueue: true,
      destinationConfig: { onSuccess: { destination: OWN_FN('sink', 'LATEST') }, onFailure: { destination: 'http://127.0.0.1:9/x' } },
    });
    assert.deepEqual(service.effective(ACCT, 'f', 'LATEST'), {
      isTask: true, maxRetryAttempts: 0, maxEventAgeMs: 1000, maxConcurrency: 2, isDedicatedQueue: true,
      onSuccess: { kind: 'function', functionName: 'sink', qualifier: 'LATEST', arn: OWN_FN('sink', 'LATEST') },
      onFailure: { kind: 'http', url: 'http://127.0.0.1:9/x', arn: 'http://127.0.0.1:9/x' },
    });
  });

  test('effective is cached and follows put, delete and the deletion of the function', (t) => {
    const { service, store, create, remove } = setup(t);
    create(ACCT, 'f');
    let reads = 0;
    const get = store.getAsyncInvokeConfig.bind(store);
    store.getAsyncInvokeConfig = (...args) => (reads++, get(...args));
    assert.equal(service.effective(ACCT, 'f', null).maxRetryAttempts, 3);
    assert.equal(service.effective(ACCT, 'f', 'LATEST').maxRetryAttempts, 3);
    assert.equal(reads, 1, 'the second call is served from the cache');
    service.put(ACCT, 'f', null, { maxAsyncRetryAttempts: 5 });
    assert.equal(service.effective(ACCT, 'f', null).maxRetryAttempts, 5);
    service.delete(ACCT, 'f', null);
    assert.equal(service.effective(ACCT, 'f', null).maxRetryAttempts, 3);
    service.put(ACCT, 'f', null, { maxAsyncRetryAttempts: 6 });
    assert.equal(service.effective(ACCT, 'f', null).maxRetryAttempts, 6);
    remove(ACCT, 'f');
    assert.equal(service.effective(ACCT, 'f', null).maxRetryAttempts, 3, 'the config went with the function');
    create(ACCT, 'f');
    rejects(() => service.get(ACCT, 'f', null), 'AsyncConfigNotFound', /no async invoke config/);
  });
});
