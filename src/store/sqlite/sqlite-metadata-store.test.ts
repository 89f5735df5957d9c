/** Runs the MetadataStore contract against the SQLite backend, plus SQLite-only checks. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runMetadataStoreContract } from '../metadata-store.contract.js';
import { createSqliteMetadataStore } from './sqlite-metadata-store.js';
import type { MetadataStore } from '../types.js';
import { createSecretBox } from '../secret-box.js';
import { createSqliteStoreFixture } from './sqlite-fixture.js';

runMetadataStoreContract('sqlite', createSqliteStoreFixture('openfc-store-'));

test('the database file is readable by its owner only', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-store-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const store = createSqliteMetadataStore(path.join(dir, 'openfc.db'));
  store.close();
  assert.equal(fs.statSync(path.join(dir, 'openfc.db')).mode & 0o777, 0o600);
});

runMetadataStoreContract('sqlite with sealed secrets', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-store-'));
  const file = path.join(dir, 'openfc.db');
  const secretBox = createSecretBox(randomBytes(32));
  let store: MetadataStore = createSqliteMetadataStore(file, { secretBox });
  return {
    get store() {
      return store;
    },
    async reopen() {
      store.close();
      store = createSqliteMetadataStore(file, { secretBox });
      return store;
    },
    async cleanup() {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

test('AccessKey and STS secrets are sealed at rest, plaintext ones are sealed on open, and the wrong master key opens none', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-store-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'openfc.db');
  const legacy = createSqliteMetadataStore(file);
  legacy.createAccount({ accountId: 'a1', createdTime: 'now' });
  legacy.putAccessKey({ accessKeyId: 'LTAIold00000000', accessKeySecret: 'old-plaintext-secret-0001', accountId: 'a1', principal: 'root', status: 'Active', createdTime: 'now' });
  legacy.close();
  const key = randomBytes(32);
  const store = createSqliteMetadataStore(file, { secretBox: createSecretBox(key) });
  store.putAccessKey({ accessKeyId: 'LTAInew00000000', accessKeySecret: 'new-secret-value-00000002', accountId: 'a1', principal: 'root', status: 'Active', createdTime: 'now' });
  store.putStsSession({ accessKeyId: 'STS.x', accessKeySecret: 'sts-secret-value-00000003', securityTokenSha256: 'h', accountId: 'a1', roleName: 'r', sessionName: 's', sessionPolicy: '', expiresAtMs: 1, createdTime: 'now' });
  assert.equal(store.getAccessKey('LTAIold00000000')!.accessKeySecret, 'old-plaintext-secret-0001');
  assert.equal(store.getAccessKey('LTAInew00000000')!.accessKeySecret, 'new-secret-value-00000002');
  assert.equal(store.getStsSession('STS.x')!.accessKeySecret, 'sts-secret-value-00000003');
  store.close();
  const raw = Buffer.concat(fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f)))).toString('latin1');
  for (const secret of ['old-plaintext-secret-0001', 'new-secret-value-00000002', 'sts-secret-value-00000003']) assert.ok(!raw.includes(secret), `${secret} is in the database files`);
  const wrong = createSqliteMetadataStore(file, { secretBox: createSecretBox(randomBytes(32)) });
  t.after(() => wrong.close());
  assert.throws(() => wrong.getAccessKey('LTAInew00000000'), /master key/);
});
