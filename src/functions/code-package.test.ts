/** @module functions/code-package.test — unpacking code packages safely: what is kept, what is refused, and that nothing lands outside. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { isPlatformError } from '../errors/index.js';
import type { ErrorCode } from '../errors/index.js';
import { createZip, decodeZipFileBase64, extractCodePackage, removeTree } from './code-package.js';
import { buildRawZip, file, symlink, type RawZipEntry } from './test-zip-writer.js';

const LIMITS = { maxUnpackedBytes: 10 * 1024 * 1024, maxEntries: 100 };
const MB = 1024 * 1024;

/** A fresh sentinel directory; the package goes to `<parent>/a/b/code`, deep enough for `../..` to land inside. */
function workspace(t: { after(fn: () => Promise<void>): void }) {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-zip-'));
  t.after(() => removeTree(parent));
  fs.mkdirSync(path.join(parent, 'a', 'b'), { recursive: true });
  return { parent, dest: path.join(parent, 'a', 'b', 'code') };
}

/** Every path under `dir`, relative, sorted; symlinks are listed, not followed. */
function listTree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}

const modeOf = (p: string) => fs.lstatSync(p).mode & 0o7777;
const rejectsWith = (code: ErrorCode, message?: RegExp) => (e: unknown) => isPlatformError(e, code) && (!message || message.test(e.message));

/** Refuses the archive with `code` and leaves the sentinel parent exactly as it was. */
async function assertRefused(t: { after(fn: () => Promise<void>): void }, zip: Buffer, code: ErrorCode, message?: RegExp) {
  const { parent, dest } = workspace(t);
  await assert.rejects(extractCodePackage(zip, dest, LIMITS), rejectsWith(code, message));
  assert.equal(fs.existsSync(dest), false, 'destDir is absent');
  assert.deepEqual(listTree(parent), ['a', path.join('a', 'b')], 'nothing was written anywhere');
}

describe('extractCodePackage', () => {
  test('unpacks nested files and directories read-only, keeping the executable bit', async (t) => {
    const { dest } = workspace(t);
    const zip = await createZip({
      'index.js': 'exports.handler = () => 1;',
      'lib/util/a.js': 'y',
      'lib/empty/': '',
      bootstrap: { data: '#!/bin/sh\necho hi\n', mode: 0o755 },
      'bin/tool': { data: 'x', mode: 0o700 },
    });
    const r = await extractCodePackage(zip, dest, LIMITS);
    assert.deepEqual(r, { entries: 5, unpackedBytes: 26 + 1 + 18 + 1 });
    assert.deepEqual(listTree(dest), ['bin', 'bin/tool', 'bootstrap', 'index.js', 'lib', 'lib/empty', 'lib/util', 'lib/util/a.js']);
    assert.equal(fs.readFileSync(path.join(dest, 'lib/util/a.js'), 'utf8'), 'y');
    assert.equal(modeOf(path.join(dest, 'bootstrap')), 0o555);
    assert.equal(modeOf(path.join(dest, 'bin/tool')), 0o555);
    assert.equal(modeOf(path.join(dest, 'index.js')), 0o444);
    for (const d of ['', 'lib', 'lib/empty', 'lib/util', 'bin']) assert.equal(modeOf(path.join(dest, d)), 0o555, `dir '${d}'`);
    assert.deepEqual(fs.readdirSync(path.dirname(dest)), ['code'], 'the temporary directory is gone');
  });

  test('drops setuid, setgid and sticky bits, and treats non-unix attributes as plain files', async (t) => {
    const { dest } = workspace(t);
    const zip = buildRawZip([
      file('suid', 'x', 0o106755),
      file('sticky', 'x', 0o101644),
      { name: 'dos.txt', data: 'x', versionMadeBy: 20, externalAttributes: (0o120777 << 16) >>> 0 },
      { name: 'no-attrs', data: 'x', externalAttributes: 0 },
    ]);
    await extractCodePackage(zip, dest, LIMITS);
    assert.equal(modeOf(path.join(dest, 'suid')), 0o555);
    assert.equal(modeOf(path.join(dest, 'sticky')), 0o444);
    assert.equal(fs.lstatSync(path.join(dest, 'dos.txt')).isFile(), true, 'a symlink type from a non-unix host is ignored');
    assert.equal(modeOf(path.join(dest, 'no-attrs')), 0o444);
  });

  test('round-trips deflated content byte for byte and counts the inflated bytes', async (t) => {
    const { dest } = workspace(t);
    const data = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251));
    const r = await extractCodePackage(buildRawZip([{ name: 'data.bin', data, deflate: true }]), dest, LIMITS);
    assert.equal(r.unpackedBytes, data.length);
    assert.deepEqual(fs.readFileSync(path.join(dest, 'data.bin')), data);
  });

  test('keeps symlinks whose targets stay inside the package', async (t) => {
    const { dest } = workspace(t);
    await extractCodePackage(
      buildRawZip([
        file('real.js', 'ok'),
        symlink('alias.js', 'real.js'),
        file('lib/mod/index.js', 'mod'),
        symlink('lib/up.js', '../real.js'),
        symlink('lib/mod/top', '../..'),
        symlink('mod', 'lib/mod'),
        symlink('self', '.'),
        symlink('dangling', 'not-there.js'),
      ]),
      dest,
      LIMITS,
    );
    assert.equal(fs.readlinkSync(path.join(dest, 'alias.js')), 'real.js');
    assert.equal(fs.readFileSync(path.join(dest, 'alias.js'), 'utf8'), 'ok');
    assert.equal(fs.readFileSync(path.join(dest, 'lib/up.js'), 'utf8'), 'ok');
    assert.equal(fs.realpathSync(path.join(dest, 'lib/mod/top')), fs.realpathSync(dest));
    assert.equal(fs.readFileSync(path.join(dest, 'mod/index.js'), 'utf8'), 'mod');
    assert.equal(fs.lstatSync(path.join(dest, 'dangling')).isSymbolicLink(), true);
  });

  const refusedNames: [string, RawZipEntry[]][] = [
    ['a zip-slip name', [file('../evil.txt', 'x')]],
    ['a deep zip-slip name', [file('x/../../../evil.txt', 'x')]],
    ['a zip-slip name behind a dot', [file('./../evil.txt', 'x')]],
    ['an absolute path', [file('/tmp/evil.txt', 'x')]],
    ['a double-slash absolute path', [file('//tmp/evil.txt', 'x')]],
    ['a drive-letter path', [file('C:/evil.txt', 'x')]],
    ['a backslash traversal', [file('..\\evil.txt', 'x')]],
    ['a backslash inside a name', [file('dir\\..\\..\\evil.txt', 'x')]],
    ['a NUL in a name', [file('ok.js\0../../evil', 'x')]],
    ['an empty name', [file('./', 'x')]],
  ];
  for (const [what, entries] of refusedNames) {
    test(`refuses ${what} and writes nothing`, async (t) => {
      await assertRefused(t, buildRawZip([file('first.js', 'fine'), ...entries]), 'InvalidArgument');
    });
  }

  const refusedLinks: [string, RawZipEntry[], RegExp][] = [
    ['a symlink to an absolute path', [symlink('etc', '/etc')], /outside/],
    ['a symlink escaping with ..', [symlink('up', '../../x')], /outside/],
    ['a nested symlink escaping with one .. too many', [symlink('a/b/up', '../../..')], /outside/],
    ['a symlink with .. after a name', [symlink('a', '.'), symlink('b', 'a/..')], /'\.\.' after a name/],
    ['a symlink with .. after a name, defined before the link it goes through', [symlink('b', 'a/../x'), symlink('a', '.')], /'\.\.' after a name/],
    ['a write through a symlink to the root', [symlink('link', '.'), file('link/x.txt', 'x')], /through the symlink/],
    ['a write through a symlink to a directory inside', [file('sub/keep.js', 'k'), symlink('dir', 'sub'), file('dir/x.txt', 'x')], /through the symlink/],
    ['a directory entry through a symlink', [symlink('link', '.'), { name: 'link/d/', mode: 0o040755 }], /through the symlink/],
    ['a file replacing a symlink', [symlink('dir', 'sub'), file('dir', 'x')], /more than one entry/],
    ['a symlink replacing a file', [file('a.js', 'x'), symlink('a.js', '/etc/passwd')], /more than one entry|outside/],
    ['a file under a file', [file('f', 'x'), file('f/g', 'y')], /conflicts with the file/],
    ['a duplicate file', [file('f', 'x'), file('f', 'y')], /more than one entry/],
    ['a symlink with a NUL in its target', [symlink('l', 'a\0b')], /malformed/],
    ['a device node', [file('dev', '', 0o020644)], /special file/],
  ];
  for (const [what, entries, message] of refusedLinks) {
    test(`refuses ${what} and writes nothing`, async (t) => {
      await assertRefused(t, buildRawZip(entries), 'InvalidArgument', message);
    });
  }

  test('refuses a symlink with an overlong target', async (t) => {
    await assertRefused(t, buildRawZip([symlink('long', 'a/'.repeat(3000))]), 'InvalidArgument', /overlong/);
  });

  test('stops a zip bomb at the unpacked limit without writing anything', async (t) => {
    const bomb = buildRawZip([{ name: 'zeros.bin', data: Buffer.alloc(200 * MB), deflate: true }]);
    assert.ok(bomb.length < 512 * 1024, `the bomb is small (${bomb.length} bytes)`);
    await assertRefused(t, bomb, 'EntityTooLarge', /maximum unpacked size of 10485760 bytes/);
  });

  test('stops a bomb whose header understates its size after the declared size, as corrupt', async (t) => {
    const lying = buildRawZip([{ name: 'zeros.bin', data: Buffer.alloc(50 * MB), deflate: true, declaredSize: 1000 }]);
    await assertRefused(t, lying, 'InvalidArgument', /corrupt/);
  });

  test('stops a large streamed entry whose header understates its size, as corrupt', async (t) => {
    const lying = buildRawZip([file('ok.js', 'x'), { name: 'zeros.bin', data: Buffer.alloc(50 * MB), deflate: true, declaredSize: 2 * MB }]);
    await assertRefused(t, lying, 'InvalidArgument', /corrupt/);
  });

  test('counts inflated bytes across entries against one budget', async (t) => {
    const entries = Array.from({ length: 3 }, (_, i) => ({ name: `part${i}.bin`, data: Buffer.alloc(4 * MB, i), deflate: true }));
    await assertRefused(t, buildRawZip(entries), 'EntityTooLarge', /unpacked size/);
    const { dest } = workspace(t);
    const r = await extractCodePackage(buildRawZip(entries.slice(0, 2)), dest, LIMITS);
    assert.equal(r.unpackedBytes, 8 * MB);
    assert.deepEqual(fs.readFileSync(path.join(dest, 'part1.bin')), Buffer.alloc(4 * MB, 1));
  });

  test('refuses more entries than allowed before unpacking any', async (t) => {
    const { parent, dest } = workspace(t);
    const many = buildRawZip(Array.from({ length: 5 }, (_, i) => file(`f${i}.js`, 'x')));
    await assert.rejects(extractCodePackage(many, dest, { ...LIMITS, maxEntries: 4 }), rejectsWith('EntityTooLarge', /entries/));
    assert.deepEqual(listTree(parent), ['a', path.join('a', 'b')]);
    await extractCodePackage(many, dest, { ...LIMITS, maxEntries: 5 });
  });

  test('refuses bytes that are not a zip, and a truncated zip', async (t) => {
    await assertRefused(t, Buffer.from('hello, not a zip'), 'InvalidArgument', /^code\.zipFile is not a valid zip archive: /);
    const zip = await createZip({ 'index.js': 'x'.repeat(1000) });
    await assertRefused(t, zip.subarray(0, zip.length - 30), 'InvalidArgument', /not a valid zip archive/);
  });

  test('refuses an entry whose data does not match its CRC-32', async (t) => {
    const zip = buildRawZip([file('index.js', 'hello world')]);
    zip[30 + 'index.js'.length] ^= 0xff;
    await assertRefused(t, zip, 'InvalidArgument', /CRC-32/);
  });

  test('refuses a large streamed entry whose data does not match its CRC-32', async (t) => {
    const zip = buildRawZip([file('big.bin', Buffer.alloc(3 * MB, 1))]);
    zip[30 + 'big.bin'.length + MB] ^= 0xff;
    await assertRefused(t, zip, 'InvalidArgument', /CRC-32/);
  });

  test('refuses encrypted entries and unknown compression methods', async (t) => {
    await assertRefused(t, buildRawZip([{ name: 'secret.js', data: 'x', deflate: true, flags: 1 }]), 'InvalidArgument', /encrypted/);
    await assertRefused(t, buildRawZip([{ name: 'lzma.js', data: 'x', method: 14 }]), 'InvalidArgument', /compression method 14/);
  });

  test('refuses to unpack over an existing directory', async (t) => {
    const { dest } = workspace(t);
    fs.mkdirSync(dest);
    await assert.rejects(extractCodePackage(await createZip({ a: 'a' }), dest, LIMITS), /already exists/);
  });

  test('unpacks an archive with no entries into an empty directory', async (t) => {
    const { dest } = workspace(t);
    assert.deepEqual(await extractCodePackage(buildRawZip([]), dest, LIMITS), { entries: 0, unpackedBytes: 0 });
    assert.deepEqual(fs.readdirSync(dest), []);
  });
});

describe('createZip', () => {
  test('builds the same bytes for the same files, with directories and symlinks', async (t) => {
    const files = { 'a.js': 'a', 'd/': '', 'l.js': { data: 'a.js', mode: 0o120777 } };
    const zip = await createZip(files);
    assert.deepEqual(await createZip(files), zip);
    const { dest } = workspace(t);
    await extractCodePackage(zip, dest, LIMITS);
    assert.equal(fs.readlinkSync(path.join(dest, 'l.js')), 'a.js');
    assert.equal(fs.statSync(path.join(dest, 'd')).isDirectory(), true);
  });
});

describe('decodeZipFileBase64', () => {
  const limits = { maxBase64Bytes: 100 };

  test('decodes padded, unpadded and line-wrapped base64', () => {
    assert.equal(decodeZipFileBase64('QUJD', limits).toString(), 'ABC');
    assert.equal(decodeZipFileBase64('QUI=', limits).toString(), 'AB');
    assert.equal(decodeZipFileBase64('QUI', limits).toString(), 'AB');
    assert.equal(decodeZipFileBase64('QQ==', limits).toString(), 'A');
    assert.equal(decodeZipFileBase64('QUJD\r\nREVG\n', limits).toString(), 'ABCDEF');
  });

  test('refuses a missing, empty or non-string zipFile', () => {
    for (const bad of [undefined, null, '', 42, {}, ['QUJD']]) {
      assert.throws(() => decodeZipFileBase64(bad, limits), rejectsWith('InvalidArgument'), JSON.stringify(bad));
    }
  });

  test('refuses text that is not strict base64', () => {
    for (const bad of ['not base64!!', 'QUJD-_', 'QU=JD', 'QQ===', 'QUJDR', '====', 'QUJD\0', 'Q UJ\u00e9']) {
      assert.throws(() => decodeZipFileBase64(bad, limits), rejectsWith('InvalidArgument', /^code\.zipFile is not valid base64$/), JSON.stringify(bad));
    }
  });

  test('refuses a package over the limit with EntityTooLarge', () => {
    assert.throws(
      () => decodeZipFileBase64('QUJD'.repeat(26), limits),
      rejectsWith('EntityTooLarge', /^code package size exceeds maximum allowed size \(100 bytes\)$/),
    );
    assert.equal(decodeZipFileBase64('QUJD'.repeat(25), limits).length, 75);
  });
});
