/** @module cli/client-config.test — unit tests for where the client commands find their key and endpoint. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { ClientConfigError, parseEndpoint, resolveClientConfig } from './client-config.js';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const dirs: string[] = [];

/** A fresh data dir laid out like `openfc serve` leaves it; `serve: false` means the server is not running. */
function dataDir(opts: { credentials?: boolean; serve?: false | { http?: string; https: string } } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-client-config-'));
  dirs.push(dir);
  const endpoints = { http: 'http://127.0.0.1:9000', https: 'https://127.0.0.1:9443' };
  fs.mkdirSync(path.join(dir, 'tls'));
  fs.writeFileSync(path.join(dir, 'tls', 'cert.pem'), CERT);
  if (opts.credentials !== false) {
    fs.writeFileSync(
      path.join(dir, 'credentials.json'),
      JSON.stringify({ accountId: '1', accessKeyId: 'DIR_ID', accessKeySecret: 'DIR_SECRET', region: 'cn-local', endpoints, tlsCertFile: path.join(dir, 'tls', 'cert.pem') }),
    );
  }
  if (opts.serve !== false) fs.writeFileSync(path.join(dir, 'serve.json'), JSON.stringify({ pid: 1, endpoints: opts.serve ?? endpoints }));
  return dir;
}

afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('resolveClientConfig', () => {
  test('takes the key and the endpoint of the running server from the data dir, preferring plain HTTP', () => {
    const dir = dataDir();
    const c = resolveClientConfig({ dataDir: dir }, {});
    assert.equal(c.accessKeyId, 'DIR_ID');
    assert.equal(c.accessKeySecret, 'DIR_SECRET');
    assert.equal(c.endpoint, '127.0.0.1:9000');
    assert.equal(c.protocol, 'http');
    assert.equal(c.ca, undefined);
    assert.deepEqual(c.sources, { credentials: 'data dir', endpoint: 'data dir' });
  });

  test('uses the HTTPS endpoint with the server certificate trusted when plain HTTP is disabled', () => {
    const dir = dataDir({ serve: { https: 'https://127.0.0.1:9443' } });
    const c = resolveClientConfig({ dataDir: dir }, {});
    assert.equal(c.endpoint, '127.0.0.1:9443');
    assert.equal(c.protocol, 'https');
    assert.equal(c.ca, CERT);
    assert.equal(c.isInsecure, false);
  });

  test('with --insecure trusts no certificate and skips verification instead', () => {
    const dir = dataDir({ serve: { https: 'https://127.0.0.1:9443' } });
    const c = resolveClientConfig({ dataDir: dir, insecure: true }, {});
    assert.equal(c.ca, undefined);
    assert.equal(c.isInsecure, true);
  });

  test('environment beats the data dir, and OPENFC_* beats ALIBABA_CLOUD_*', () => {
    const dir = dataDir();
    const env = {
      OPENFC_ACCESS_KEY_ID: 'ENV_ID', OPENFC_ACCESS_KEY_SECRET: 'ENV_SECRET',
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'ALI_ID', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'ALI_SECRET',
      OPENFC_ENDPOINT: 'http://localhost:7000',
    };
    const c = resolveClientConfig({ dataDir: dir }, env);
    assert.equal(c.accessKeyId, 'ENV_ID');
    assert.equal(c.endpoint, 'localhost:7000');
    assert.deepEqual(c.sources, { credentials: 'environment', endpoint: 'environment' });
    const ali = resolveClientConfig({ dataDir: dir }, { ALIBABA_CLOUD_ACCESS_KEY_ID: 'ALI_ID', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'ALI_SECRET' });
    assert.equal(ali.accessKeyId, 'ALI_ID');
    assert.equal(ali.accessKeySecret, 'ALI_SECRET');
  });

  test('flags beat the environment and the data dir', () => {
    const dir = dataDir();
    const env = { OPENFC_ACCESS_KEY_ID: 'ENV_ID', OPENFC_ACCESS_KEY_SECRET: 'ENV_SECRET', OPENFC_ENDPOINT: 'localhost:7000' };
    const c = resolveClientConfig({ dataDir: dir, accessKeyId: 'FLAG_ID', accessKeySecret: 'FLAG_SECRET', endpoint: 'https://fc.example.com:8443' }, env);
    assert.equal(c.accessKeyId, 'FLAG_ID');
    assert.equal(c.accessKeySecret, 'FLAG_SECRET');
    assert.equal(c.endpoint, 'fc.example.com:8443');
    assert.equal(c.protocol, 'https');
    assert.equal(c.ca, undefined, "another host's certificate is checked against the system roots");
    assert.deepEqual(c.sources, { credentials: 'flags', endpoint: 'flags' });
  });

  test('resolves the key and the endpoint independently: flag keys with the endpoint of the running server', () => {
    const dir = dataDir();
    const c = resolveClientConfig({ dataDir: dir, accessKeyId: 'FLAG_ID', accessKeySecret: 'FLAG_SECRET' }, {});
    assert.equal(c.accessKeyId, 'FLAG_ID');
    assert.equal(c.endpoint, '127.0.0.1:9000');
    assert.deepEqual(c.sources, { credentials: 'flags', endpoint: 'data dir' });
  });

  test("trusts the server certificate for an explicit --endpoint that is the data dir's own HTTPS endpoint", () => {
    const dir = dataDir();
    assert.equal(resolveClientConfig({ dataDir: dir, endpoint: 'https://127.0.0.1:9443' }, {}).ca, CERT);
  });

  test('reads a --ca-file for an https endpoint', () => {
    const dir = dataDir();
    const c = resolveClientConfig({ dataDir: dir, endpoint: 'https://fc.example.com', caFile: path.join(dir, 'tls', 'cert.pem') }, {});
    assert.equal(c.ca, CERT);
  });

  test('finds the data dir through OPENFC_DATA_DIR when --data-dir is not given', () => {
    const dir = dataDir();
    const c = resolveClientConfig({}, { OPENFC_DATA_DIR: dir });
    assert.equal(c.dataDir, dir);
    assert.equal(c.accessKeyId, 'DIR_ID');
  });

  test('fails with a clear message when no credentials are found anywhere', () => {
    const dir = dataDir({ credentials: false, serve: false });
    assert.throws(
      () => resolveClientConfig({ dataDir: dir }, {}),
      (e: unknown) => e instanceof ClientConfigError && /^no credentials: start `openfc serve`/.test(e.message) && e.message.includes('--access-key-id'),
    );
  });

  test('fails with a clear message when there are credentials but no running server and no --endpoint', () => {
    const dir = dataDir({ serve: false });
    assert.throws(() => resolveClientConfig({ dataDir: dir }, {}), (e: unknown) => e instanceof ClientConfigError && /^no endpoint: .*--endpoint/.test(e.message));
  });

  test('refuses half a key pair instead of mixing sources', () => {
    const dir = dataDir();
    assert.throws(() => resolveClientConfig({ dataDir: dir, accessKeyId: 'ID' }, {}), /--access-key-id is set but --access-key-secret is not/);
    assert.throws(() => resolveClientConfig({ dataDir: dir }, { OPENFC_ACCESS_KEY_SECRET: 'S' }), /OPENFC_ACCESS_KEY_SECRET is set but OPENFC_ACCESS_KEY_ID is not/);
  });

  test('reports a corrupt credentials.json instead of ignoring it', () => {
    const dir = dataDir();
    fs.writeFileSync(path.join(dir, 'credentials.json'), '{not json');
    assert.throws(() => resolveClientConfig({ dataDir: dir }, {}), /credentials\.json is not valid JSON/);
  });
});

describe('parseEndpoint', () => {
  test('reads host:port as plain HTTP and keeps the scheme of a URL', () => {
    assert.deepEqual(parseEndpoint('127.0.0.1:9000'), { endpoint: '127.0.0.1:9000', protocol: 'http' });
    assert.deepEqual(parseEndpoint('http://localhost:9000/'), { endpoint: 'localhost:9000', protocol: 'http' });
    assert.deepEqual(parseEndpoint('https://fc.example.com'), { endpoint: 'fc.example.com', protocol: 'https' });
  });

  test('rejects paths, other schemes and junk', () => {
    assert.throws(() => parseEndpoint('http://h:1/2023-03-30'), ClientConfigError);
    assert.throws(() => parseEndpoint('ftp://h:1'), ClientConfigError);
    assert.throws(() => parseEndpoint('h:1/x'), ClientConfigError);
    assert.throws(() => parseEndpoint(''), ClientConfigError);
  });
});
