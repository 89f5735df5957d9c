/** Unpacking code packages safely: what is refused, and that nothing lands outside. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { isPlatformError } from '../errors/index.js';
import { buildRawZip, type RawEntry } from '../../test/helpers/raw-zip.js';
import { createZip, decodeZipFileBase64, extractCodePackage } from './code-package.js';

const LIMITS = { maxUnpackedBytes: 10 * 1024 * 1024, maxEntries: 100 };

function sandboxDir(t: { after(fn: () => void): void }) {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-zip-'));
  t.after(() => {
    fs.chmodSync(parent, 0o755);
    fs.rmSync(parent, { recursive: true, force: true });
  });
  return { parent, dest: path.join(parent, 'pkg', 'code') };
}

describe('extractCodePackage', () => {
  test('unpacks nested files read-only and keeps the executable bit', async (t) => {
    const { dest } = sandboxDir(t);
    const zip = await createZip({ 'index.js': 'x', 'lib/util/a.js': 'y', bootstrap: { data: '#!/bin/sh\n', mode: 0o755 } });
    const r = await extractCodePackage(zip, dest, LIMITS);
    assert.equal(r.entries, 3);
    assert.equal(fs.readFileSync(path.join(dest, 'lib/util/a.js'), 'utf8'), 'y');
    assert.equal(fs.statSync(path.join(dest, 'bootstrap')).mode & 0o777, 0o555);
    assert.equal(fs.statSync(path.join(dest, 'index.js')).mode & 0o777, 0o444);
  });

  test('keeps a symlink that stays inside the package', async (t) => {
    const { dest } = sandboxDir(t);
    await extractCodePackage(buildRawZip([{ name: 'real.js', data: 'ok' }, { name: 'alias.js', data: 'real.js', mode: 0o120777 }]), dest, LIMITS);
    assert.equal(fs.readFileSync(path.join(dest, 'alias.js'), 'utf8'), 'ok');
  });

  const refused: [string, RawEntry[], string][] = [
    ['a zip-slip name', [{ name: '../evil.txt', data: 'x' }], 'InvalidArgument'],
    ['a deep zip-slip name', [{ name: 'a/../../../evil.txt', data: 'x' }], 'InvalidArgument'],
    ['an absolute path', [{ name: '/tmp/evil.txt', data: 'x' }], 'InvalidArgument'],
    ['a backslash path', [{ name: '..\\evil.txt', data: 'x' }], 'InvalidArgument'],
    ['a symlink to an absolute path', [{ name: 'etc', data: '/etc', mode: 0o120777 }], 'InvalidArgument'],
    ['a symlink escaping with ..', [{ name: 'up', data: '../../x', mode: 0o120777 }], 'InvalidArgument'],
    ['a write through a symlink', [{ name: 'link', data: '.', mode: 0o120777 }, { name: 'link/x.txt', data: 'x' }], 'InvalidArgument'],
    ['a duplicate entry over a symlink', [{ name: 'dir', data: 'sub', mode: 0o120777 }, { name: 'dir', data: 'x' }], 'InvalidArgument'],
  ];
  for (const [what, entries, code] of refused) {
    test(`refuses ${what} and writes nothing`, async (t) => {
      const { parent, dest } = sandboxDir(t);
      await assert.rejects(extractCodePackage(buildRawZip(entries), dest, LIMITS), (e) => isPlatformError(e, code as 'InvalidArgument'));
      assert.equal(fs.existsSync(dest), false);
      assert.deepEqual(fs.readdirSync(path.join(parent, 'pkg')), []);
      assert.deepEqual(fs.readdirSync(parent), ['pkg']);
    });
  }

  test('stops a zip bomb at the unpacked limit', async (t) => {
    const { dest } = sandboxDir(t);
    const bomb = buildRawZip([{ name: 'zeros.bin', data: Buffer.alloc(64 * 1024 * 1024), deflate: true }]);
    assert.ok(bomb.length < 1024 * 1024, 'the bomb is small');
    await assert.rejects(extractCodePackage(bomb, dest, LIMITS), (e) => isPlatformError(e, 'EntityTooLarge'));
    assert.equal(fs.existsSync(dest), false);
  });

  test('refuses more entries than allowed', async (t) => {
    const { dest } = sandboxDir(t);
    const many = buildRawZip(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.js`, data: 'x' })));
    await assert.rejects(extractCodePackage(many, dest, { ...LIMITS, maxEntries: 4 }), (e) => isPlatformError(e, 'EntityTooLarge'));
  });

  test('refuses bytes that are not a zip', async (t) => {
    const { dest } = sandboxDir(t);
    await assert.rejects(extractCodePackage(Buffer.from('hello'), dest, LIMITS), (e) => isPlatformError(e, 'InvalidArgument'));
  });
});

describe('decodeZipFileBase64', () => {
  test('refuses non-base64, empty and oversize input', () => {
    assert.throws(() => decodeZipFileBase64('not base64!!', { maxBase64Bytes: 100 }), (e) => isPlatformError(e, 'InvalidArgument'));
    assert.throws(() => decodeZipFileBase64('', { maxBase64Bytes: 100 }), (e) => isPlatformError(e, 'InvalidArgument'));
    assert.throws(() => decodeZipFileBase64('QUJD'.repeat(30), { maxBase64Bytes: 100 }), (e) => isPlatformError(e, 'EntityTooLarge'));
    assert.equal(decodeZipFileBase64('QUJD', { maxBase64Bytes: 100 }).toString(), 'ABC');
  });
});
