/**
 * @module functions/credential-scan.test — what the credential scanner finds (each kind), what it
 * leaves alone (base64, UUIDs, digests, minified JS, PEM parsers), that it never reveals a secret,
 * and how fast it reads a 100 MB package.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import {
  CREDENTIAL_SCAN_SKIPPED_HEADER, CREDENTIAL_WARNING_HEADER, credentialScanHeaders, scanBuffer, scanDirectory, scanEnvironment, type CredentialKind,
} from './credential-scan.js';

// Fakes are assembled at run time, so this file holds no credential-shaped literal of its own.
const join = (...parts: string[]) => parts.join('');
const FAKE_AK_ID = join('LTAI', '5tFAKEAKID0000000001');
const FAKE_AK_SECRET = join('fAkEsEcReT', '0123456789', 'AbCdEfGhIj'); // 30 base62 characters
const FAKE_STS = join('CAIS', 'Eh1wAQAAAAAAAAAAAAAAAAAAAAAAAAA', Buffer.from('fake sts token body '.repeat(12)).toString('base64'));
const FAKE_PEM = join('-----BEGIN ', 'RSA PRIVATE KEY-----\n', 'MIIEpAIBAAKCAQEA1fakefakefakefakefakefakefakefakefakefakefake\n', '-----END RSA PRIVATE KEY-----\n');
const FAKE_AWS = join('AKIA', 'IOSFODNN7EXAMPLE');
const FAKE_GITHUB = join('gh', 'p_', 'FAKE0123456789abcdefFAKE0123456789ab');

const kindsOf = (text: string) => scanBuffer('f', Buffer.from(text, 'latin1')).map((f) => f.kind);

describe('scanBuffer finds credentials', () => {
  const positives: [string, string, CredentialKind[]][] = [
    ['an AccessKey id in a JS string', `const ak = '${FAKE_AK_ID}';`, ['alibaba-access-key-id']],
    ['an AccessKey id and, next to it, its secret', `new Client({ accessKeyId: "${FAKE_AK_ID}", key2: "${FAKE_AK_SECRET}" })`, ['alibaba-access-key-id', 'alibaba-access-key-secret']],
    ['a secret under accessKeySecret', `{"accessKeySecret": "${FAKE_AK_SECRET}"}`, ['alibaba-access-key-secret']],
    ['a secret in a .env line', `ALIBABA_CLOUD_ACCESS_KEY_SECRET=${FAKE_AK_SECRET}\n`, ['alibaba-access-key-secret']],
    ['a password in YAML', `db:\n  password: ${FAKE_AK_SECRET}\n`, ['alibaba-access-key-secret']],
    ['a token in Python', `TOKEN = '${FAKE_AK_SECRET}'`, ['alibaba-access-key-secret']],
    ['an STS token', `securityToken: "${FAKE_STS}"`, ['alibaba-sts-token']],
    ['a PEM private key', `const key = \`${FAKE_PEM}\`;`, ['private-key']],
    ['a PEM private key inside a JSON string', JSON.stringify({ private_key: FAKE_PEM.replace('RSA ', '') }), ['private-key']],
    ['an OpenSSH private key', join('-----BEGIN OPENSSH', ' PRIVATE KEY-----\r\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\r\n'), ['private-key']],
    ['an AWS access key id', `aws_access_key_id = ${FAKE_AWS}`, ['aws-access-key-id']],
    ['a GitHub token', `git clone https://${FAKE_GITHUB}@github.com/x/y`, ['github-token']],
    ['an id inside binary data', `\u0000\u00ff\u0001${FAKE_AK_ID}\u0000\u0002\u00fe`, ['alibaba-access-key-id']],
  ];
  for (const [what, text, kinds] of positives) {
    test(what, () => assert.deepEqual(kindsOf(text), kinds));
  }

  test('reports 1-based lines and never the secret itself', () => {
    const text = `line one\nline two\nconst id = "${FAKE_AK_ID}";\nconst secret = "${FAKE_AK_SECRET}";\n`;
    const findings = scanBuffer('lib/config.js', Buffer.from(text));
    assert.deepEqual(findings, [
      { location: 'lib/config.js', line: 3, kind: 'alibaba-access-key-id', masked: 'LTAI****' },
      { location: 'lib/config.js', line: 4, kind: 'alibaba-access-key-secret', masked: '****' },
    ]);
    const shown = JSON.stringify(findings) + credentialScanHeaders({ findings, skipped: [], scannedFiles: 1, scannedBytes: 1, maxFileBytes: 1 })[CREDENTIAL_WARNING_HEADER];
    assert.ok(!shown.includes(FAKE_AK_ID.slice(4)) && !shown.includes(FAKE_AK_SECRET), 'no secret in findings or header');
  });

  test('masks every kind to a fixed prefix', () => {
    const text = [FAKE_STS, FAKE_AWS, FAKE_GITHUB, FAKE_PEM].join('\n');
    assert.deepEqual(scanBuffer('f', Buffer.from(text)).map((f) => f.masked), ['CAIS****', 'AKIA****', 'ghp_****', '-----BEGIN RSA PRIVATE KEY-----']);
  });
});

describe('scanBuffer leaves ordinary content alone', () => {
  const sha256 = createHash('sha256').update('x').digest('hex');
  const negatives: [string, string][] = [
    ['a large random base64 blob, wrapped and unwrapped', `${randomBytes(1 << 20).toString('base64')}\n${randomBytes(1 << 20).toString('base64').replace(/(.{76})/g, '$1\n')}`],
    ['UUIDs', Array.from({ length: 1000 }, () => randomUUID()).join('\n')],
    ['sha256 digests, also under secret-sounding names', `integrity: ${sha256}\ntoken = "${sha256}"\nsecret: ${sha256.slice(0, 30)}\n`],
    ['a 30-letter identifier under a password name', 'password=getPasswordFromConfigurationStor\nconst token = resolveTokenFromProviderChainX;'],
    ['minified JS', 'function(e,t){var n=t.token||e.secret;return n?{a:1,b:"abcdef0123",accessKey:e.k,password:r}:null};'.repeat(500)],
    ['a PEM parser that only names the header', `if (pem.startsWith('-----BEGIN RSA PRIVATE KEY-----')) return 'rsa'; const h = "-----BEGIN PRIVATE KEY-----";`],
    ['a public key and a certificate', '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa\n'],
    ['an AccessKey id already masked in SDK docs', '/** @example LTAI4GFTgcR8m8cZQDTH**** */'],
    ['ids that are part of longer words', `xLTAI${'a'.repeat(20)} ${'A'.repeat(3)}LTAI${'b'.repeat(40)} AKIA${'Z'.repeat(30)}`],
    ['random binary data', randomBytes(4 << 20).toString('latin1')],
  ];
  for (const [what, text] of negatives) {
    test(what, () => assert.deepEqual(kindsOf(text), []));
  }

  test('minified libraries shipped in node_modules', (t) => {
    const require = createRequire(import.meta.url);
    let checked = 0;
    for (const lib of ['lodash/lodash.min.js', 'moment/min/moment.min.js']) {
      let file: string;
      try {
        file = require.resolve(lib);
      } catch {
        continue;
      }
      checked++;
      assert.deepEqual(scanBuffer(lib, fs.readFileSync(file)), [], lib);
    }
    if (checked === 0) t.skip('neither lodash nor moment is installed');
  });
});

describe('scanEnvironment', () => {
  test('finds credentials by value and by name, located by variable', () => {
    const findings = scanEnvironment({ GREETING: 'hello', AK: FAKE_AK_ID, DB_PASSWORD: FAKE_AK_SECRET, SECURITY_TOKEN: FAKE_STS, SHA: createHash('sha256').update('y').digest('hex') });
    assert.deepEqual(findings, [
      { location: 'environmentVariables.AK', line: 0, kind: 'alibaba-access-key-id', masked: 'LTAI****' },
      { location: 'environmentVariables.DB_PASSWORD', line: 0, kind: 'alibaba-access-key-secret', masked: '****' },
      { location: 'environmentVariables.SECURITY_TOKEN', line: 0, kind: 'alibaba-sts-token', masked: 'CAIS****' },
    ]);
  });

  test('a 30-character value under an ordinary name is not a secret', () => {
    assert.deepEqual(scanEnvironment({ BUILD_ID: FAKE_AK_SECRET }), []);
  });
});

describe('scanDirectory', () => {
  const tmp = (t: { after(fn: () => void): void }) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-scan-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
  };

  test('reads every file, text and binary, names them by package path, and skips (and lists) files over the limit', async (t) => {
    const dir = tmp(t);
    fs.mkdirSync(path.join(dir, 'lib', 'deep'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'index.js'), 'exports.handler = async () => 1;\n');
    fs.writeFileSync(path.join(dir, 'lib', 'deep', 'config.json'), `{\n  "id": "${FAKE_AK_ID}"\n}\n`);
    fs.writeFileSync(path.join(dir, 'lib', 'native.node'), Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]), Buffer.alloc(1000, 0xfe), Buffer.from(FAKE_PEM), Buffer.alloc(1000, 7)]));
    fs.writeFileSync(path.join(dir, 'big.bin'), Buffer.concat([Buffer.alloc(4096), Buffer.from(FAKE_AK_ID)]));
    fs.symlinkSync('index.js', path.join(dir, 'link.js'));
    const r = await scanDirectory(dir, { maxFileBytes: 4096 });
    assert.deepEqual(r.findings.map((f) => `${f.location}:${f.line} ${f.kind}`), ['lib/deep/config.json:2 alibaba-access-key-id', 'lib/native.node:1 private-key']);
    assert.deepEqual(r.skipped, [{ location: 'big.bin', bytes: 4096 + FAKE_AK_ID.length }]);
    assert.equal(r.scannedFiles, 3);
    const headers = credentialScanHeaders(r);
    assert.match(headers[CREDENTIAL_WARNING_HEADER]!, /^2 finding\(s\): lib\/deep\/config.json:2 alibaba-access-key-id LTAI\*\*\*\*, lib\/native.node:1 private-key/);
    assert.match(headers[CREDENTIAL_SCAN_SKIPPED_HEADER]!, /^1 file\(s\) larger than 4096 bytes not scanned: big.bin \(4120 bytes\)$/);
  });

  test('header values stay printable ASCII whatever the file names', () => {
    const headers = credentialScanHeaders({ findings: [{ location: 'données/clé.js', line: 1, kind: 'private-key', masked: 'x' }], skipped: [], scannedFiles: 1, scannedBytes: 1, maxFileBytes: 1 });
    assert.match(headers[CREDENTIAL_WARNING_HEADER]!, /^[\x20-\x7e]+$/);
    assert.match(headers[CREDENTIAL_WARNING_HEADER]!, /donn%c3%a9es\/cl%c3%a9\.js:1/);
  });

  test('scans a 100 MB package of mixed content quickly (time in the diagnostic)', async (t) => {
    const dir = tmp(t);
    const MB = 1024 * 1024;
    const js = Buffer.alloc(4 * MB, 'function(e,t){var n=t.token||e.secret;return n?{a:1,b:"abcdef0123"}:null};\n');
    for (let i = 0; i < 25; i++) {
      const kind = i % 3;
      const data = kind === 0 ? randomBytes(4 * MB) : kind === 1 ? Buffer.from(randomBytes(3 * MB).toString('base64')) : js;
      fs.writeFileSync(path.join(dir, `part-${i}.bin`), data);
    }
    fs.appendFileSync(path.join(dir, 'part-24.bin'), `\nconst ak = "${FAKE_AK_ID}";\n`);
    const started = performance.now();
    const r = await scanDirectory(dir);
    const ms = performance.now() - started;
    t.diagnostic(`scanned ${r.scannedFiles} files, ${(r.scannedBytes / MB).toFixed(1)} MB in ${ms.toFixed(0)} ms (${((r.scannedBytes / MB) / (ms / 1000)).toFixed(0)} MB/s)`);
    assert.equal(r.scannedFiles, 25);
    assert.ok(r.scannedBytes >= 100 * MB);
    assert.deepEqual(r.findings.map((f) => f.kind), ['alibaba-access-key-id'], 'the one planted id, and nothing in the noise');
  });
});
