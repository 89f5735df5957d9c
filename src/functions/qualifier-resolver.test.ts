/** The qualifier resolver over a real SQLite store and version service, with a stand-in function service and a scripted random source. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PlatformError, isPlatformError, type ErrorCode } from '../errors/index.js';
import { createSqliteMetadataStore } from '../store/sqlite/sqlite-metadata-store.js';
import type { FunctionRecord } from '../store/types.js';
import { FakeClock } from '../time/clock.js';
import type { FunctionChange, FunctionService } from './function-service.js';
import { createQualifierResolver } from './qualifier-resolver.js';
import { createRuntimeCatalogue } from './runtimes.js';
import { createVersionService } from './version-service.js';

const ACCT = '1000000000000001';
const NOW = '2026-03-01T08:00:00Z';

function setup(t: { after(fn: () => void): void }, randoms: number[] = []) {
  const store = createSqliteMetadataStore(':memory:');
  t.after(() => store.close());
  store.createAccount({ accountId: ACCT, createdTime: NOW });
  const listeners: ((c: FunctionChange) => void)[] = [];
  const functions = {
    runtimes: createRuntimeCatalogue(),
    resolve(accountId: string, functionName: string) {
      const r = store.getFunction(accountId, functionName);
      if (!r) throw new PlatformError('FunctionNotFound', `function '${functionName}' does not exist`);
      return r;
    },
    onChange: (fn: (c: FunctionChange) => void) => void listeners.push(fn),
  } as unknown as FunctionService;
  const versions = createVersionService({ store, functions, clock: new FakeClock(Date.parse(NOW)) });
  const qualifiers = createQualifierResolver({ functions, versions, random: () => randoms.shift() ?? 0.5 });
  const fn: FunctionRecord = {
    accountId: ACCT, functionName: 'f', functionId: 'fid', revision: 1, config: { runtime: 'nodejs20', memorySize: 128 },
    codeBlobKey: 'a'.repeat(64), codeChecksum: 'sum-1', codeSize: 1, createdTime: NOW, lastModifiedTime: NOW,
  };
  store.createFunction(fn);
  /** Changes LATEST's memory and code checksum (what UpdateFunction does to the record). */
  const update = (revision: number) => store.updateFunction({ ...fn, revision, config: { ...fn.config, memorySize: 128 * revision }, codeChecksum: `sum-${revision}` }, revision - 1);
  return { store, versions, qualifiers, update };
}

const refused = (f: () => unknown, code: ErrorCode) => assert.throws(f, (e: unknown) => isPlatformError(e, code), code);

test('LATEST, nothing and an empty qualifier resolve to the current record; a version to its frozen one', (t) => {
  const { versions, qualifiers, update } = setup(t);
  versions.publish(ACCT, 'f', {});
  update(2);
  for (const q of [null, undefined, '', 'LATEST']) {
    const r = qualifiers.resolve(ACCT, 'f', q);
    assert.deepEqual([r.qualifier, r.versionId, r.fn.versionId, r.fn.codeChecksum, r.fn.revision], ['LATEST', undefined, undefined, 'sum-2', 2]);
  }
  const v = qualifiers.resolve(ACCT, 'f', '1');
  assert.deepEqual([v.qualifier, v.versionId, v.fn.versionId, v.fn.codeChecksum, v.fn.revision, v.fn.config.memorySize, v.fn.functionId], ['1', '1', '1', 'sum-1', 1, 128, 'fid']);
});

test('an alias resolves by weight per call, or to its own version when asked for the primary', (t) => {
  const { versions, qualifiers, update } = setup(t, [0.05, 0.29, 0.3, 0.99, 0]);
  versions.publish(ACCT, 'f', {});
  update(2);
  versions.publish(ACCT, 'f', {});
  versions.createAlias(ACCT, 'f', { aliasName: 'live', versionId: '1', additionalVersionWeight: { '2': 0.3 } });
  const picks = [0, 1, 2, 3].map(() => qualifiers.resolve(ACCT, 'f', 'live'));
  assert.deepEqual(picks.map((p) => p.versionId), ['2', '2', '1', '1']);
  assert.deepEqual(picks.map((p) => p.qualifier), ['live', 'live', 'live', 'live']);
  assert.equal(picks[0]!.fn.codeChecksum, 'sum-2');
  assert.equal(qualifiers.resolve(ACCT, 'f', 'live', { pick: 'primary' }).versionId, '1', 'no random number drawn for the primary');
  assert.equal(qualifiers.check(ACCT, 'f', 'live'), 'live');
  versions.updateAlias(ACCT, 'f', 'live', { versionId: '2', additionalVersionWeight: {} });
  assert.equal(qualifiers.resolve(ACCT, 'f', 'live').versionId, '2', 'an alias update is seen at once');
});

test('unknown qualifiers are VersionNotFound, AliasNotFound or InvalidArgument; an unknown function is FunctionNotFound', (t) => {
  const { versions, qualifiers } = setup(t);
  refused(() => qualifiers.resolve(ACCT, 'f', '1'), 'VersionNotFound');
  refused(() => qualifiers.resolve(ACCT, 'f', '007'), 'VersionNotFound');
  refused(() => qualifiers.resolve(ACCT, 'f', 'prod'), 'AliasNotFound');
  refused(() => qualifiers.check(ACCT, 'f', 'a/b'), 'InvalidArgument');
  refused(() => qualifiers.resolve(ACCT, 'nope', 'LATEST'), 'FunctionNotFound');
  versions.publish(ACCT, 'f', {});
  versions.createAlias(ACCT, 'f', { aliasName: 'prod', versionId: '1' });
  assert.equal(qualifiers.resolve(ACCT, 'f', 'prod').versionId, '1');
  versions.deleteAlias(ACCT, 'f', 'prod');
  refused(() => qualifiers.resolve(ACCT, 'f', 'prod'), 'AliasNotFound');
  versions.deleteVersion(ACCT, 'f', '1');
  refused(() => qualifiers.resolve(ACCT, 'f', '1'), 'VersionNotFound');
});

test('publishing is refused when nothing changed since the newest version', (t) => {
  const { versions, update } = setup(t);
  versions.publish(ACCT, 'f', { description: 'first' });
  refused(() => versions.publish(ACCT, 'f', {}), 'VersionNotChanged');
  update(2);
  assert.equal(versions.publish(ACCT, 'f', {}).versionId, '2');
  versions.deleteVersion(ACCT, 'f', '2');
  refused(() => versions.publish(ACCT, 'f', { description: 42 }), 'InvalidArgument');
  assert.equal(versions.publish(ACCT, 'f', {}).versionId, '3', 'compared with the newest remaining version (1), LATEST changed');
});
