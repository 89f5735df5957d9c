/** The HTTPS listener: TLS 1.2 and later only, with the generated ECDSA certificate. */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls, { type SecureVersion } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { createTestPlatform, type Platform } from '../../src/platform.js';
import { $FC, $dara, createFcClient } from '../helpers/sdk.js';

function handshake(port: number, ca: string, version: SecureVersion): Promise<{ protocol: string | null; status: number }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port, path: '/2023-03-30/functions', ca, minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' },
      (res) => {
        res.resume();
        resolve({ protocol: (res.socket as import('node:tls').TLSSocket).getProtocol(), status: res.statusCode ?? 0 });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('HTTPS listener', () => {
  let platform: Platform;
  let ca: string;
  before(async () => {
    platform = await createTestPlatform();
    ca = fs.readFileSync(platform.tlsCertFile, 'utf8');
  });
  after(() => platform.close());

  test('the generated certificate is ECDSA P-256 signed with SHA-256 and names localhost and 127.0.0.1', () => {
    const cert = new X509Certificate(ca);
    assert.equal(cert.publicKey.asymmetricKeyType, 'ec');
    assert.match(cert.subjectAltName ?? '', /DNS:localhost/);
    assert.match(cert.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
    assert.match(cert.toLegacyObject().asn1Curve ?? '', /prime256v1/);
    const key = fs.readFileSync(`${platform.config.dataDir}/tls/key.pem`);
    assert.ok(key.length > 0);
    assert.equal(fs.statSync(`${platform.config.dataDir}/tls/key.pem`).mode & 0o777, 0o600);
  });

  test('accepts TLS 1.2 and TLS 1.3', async () => {
    assert.equal((await handshake(platform.httpsPort, ca, 'TLSv1.2')).protocol, 'TLSv1.2');
    assert.equal((await handshake(platform.httpsPort, ca, 'TLSv1.3')).protocol, 'TLSv1.3');
  });

  for (const version of ['TLSv1', 'TLSv1.1'] as const) {
    test(`refuses a ${version} handshake`, async () => {
      await assert.rejects(handshake(platform.httpsPort, ca, version), (e: NodeJS.ErrnoException) => {
        // alert 70 (protocol_version) received from the server: the client offered the old version and was refused
        // (a client that refused to offer it would fail with 'no protocols available' before sending anything)
        assert.match(e.message, /alert protocol version/);
        assert.match(e.message, /SSL alert number 70/);
        return true;
      });
    });
  }

  test('the client above really offers TLS 1.0 and 1.1: a permissive server with the same certificate completes those handshakes', async () => {
    const key = fs.readFileSync(`${platform.config.dataDir}/tls/key.pem`, 'utf8');
    const sockets = new Set<tls.TLSSocket>();
    const permissive = tls.createServer({ cert: ca, key, minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }, (socket) => {
      sockets.add(socket);
      socket.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    });
    await new Promise<void>((resolve) => permissive.listen(0, '127.0.0.1', resolve));
    try {
      const port = (permissive.address() as AddressInfo).port;
      assert.equal((await handshake(port, ca, 'TLSv1')).protocol, 'TLSv1');
      assert.equal((await handshake(port, ca, 'TLSv1.1')).protocol, 'TLSv1.1');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => permissive.close(resolve));
    }
  });

  test('the official SDK works over HTTPS', async () => {
    const client = createFcClient({ endpoint: `127.0.0.1:${platform.httpsPort}`, protocol: 'https', accessKeyId: platform.defaultAccount.accessKeyId, accessKeySecret: platform.defaultAccount.accessKeySecret });
    const r = await client.listFunctionsWithOptions(new $FC.ListFunctionsRequest({}), {}, new $dara.RuntimeOptions({ ignoreSSL: true }));
    assert.deepEqual(r.body!.functions, []);
  });
});
