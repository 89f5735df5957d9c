/** Unit tests of instance cgroups on this machine's real cgroup hierarchy (root only). */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createCgroupManager, detectCgroups } from './cgroups.js';

const { layout, problem } = detectCgroups();
const skip = process.getuid?.() !== 0 ? 'needs root' : problem ?? (layout ? false : 'no cgroups');

test('an instance cgroup reads no OOM kill, before and after it was removed (its exit is often seen after the removal)', { skip }, async () => {
  const dirName = `openfc-test-${process.pid}`;
  const manager = createCgroupManager(layout!, dirName);
  const cgroup = manager.create(`c-oom-${process.pid}`, { memoryBytes: 64 * 1024 * 1024, cpuQuotaUs: null, pidsMax: 16 });
  try {
    assert.equal(cgroup.oomKillCount(), 0);
  } finally {
    await cgroup.remove();
    manager.sweep();
    for (const root of new Set(Object.values(layout!.roots))) if (fs.existsSync(path.join(root, dirName))) fs.rmdirSync(path.join(root, dirName));
  }
  assert.equal(cgroup.oomKillCount(), 0, 'a removed cgroup is not an error');
});
