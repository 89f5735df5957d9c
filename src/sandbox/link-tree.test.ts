/** Linking code and merging layers: first listed layer wins, directories merge, nothing is copied. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { mergeTrees, removeSealedTree } from './link-tree.js';

function tree(root: string, files: Record<string, string>): string {
  for (const [rel, data] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), data);
  }
  return root;
}

test('layers merge into one tree; where two layers have the same path the first listed wins', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-merge-'));
  try {
    const first = tree(path.join(dir, 'first'), { 'nodejs/node_modules/a/index.js': 'a from first', 'bin/tool': 'first tool' });
    const second = tree(path.join(dir, 'second'), { 'nodejs/node_modules/a/index.js': 'a from second', 'nodejs/node_modules/b/index.js': 'b from second', 'bin/tool': 'second tool' });
    const opt = path.join(dir, 'opt');
    fs.mkdirSync(opt);
    mergeTrees([first, second], opt);
    const read = (rel: string) => fs.readFileSync(path.join(opt, rel), 'utf8');
    assert.equal(read('nodejs/node_modules/a/index.js'), 'a from first');
    assert.equal(read('nodejs/node_modules/b/index.js'), 'b from second');
    assert.equal(read('bin/tool'), 'first tool');
    assert.equal(fs.statSync(path.join(opt, 'bin/tool')).ino, fs.statSync(path.join(first, 'bin/tool')).ino, 'hard-linked, not copied');
    assert.equal(fs.statSync(path.join(opt, 'nodejs')).mode & 0o777, 0o555, 'directories are sealed');
  } finally {
    for (const d of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) if (d.isDirectory()) fs.chmodSync(path.join(d.parentPath ?? d.path, d.name), 0o755);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a merged tree with sealed directories is removed completely', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-merge-rm-'));
  try {
    const layer = tree(path.join(dir, 'layer'), { 'python/pkg/__init__.py': 'x = 1', 'lib/libx.so': 'elf' });
    const opt = path.join(dir, 'run', 'opt');
    fs.mkdirSync(opt, { recursive: true });
    mergeTrees([layer], opt);
    assert.equal(fs.statSync(path.join(opt, 'python', 'pkg')).mode & 0o777, 0o555);
    removeSealedTree(path.join(dir, 'run'));
    assert.equal(fs.existsSync(path.join(dir, 'run')), false);
    assert.equal(fs.readFileSync(path.join(layer, 'python/pkg/__init__.py'), 'utf8'), 'x = 1', 'the layer itself is untouched');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
