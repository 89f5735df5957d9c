/** Node leases: distinct indexes for live owners, reuse after release, takeover from dead owners. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { acquireNodeLease } from './node-lease.js';

test('live leases get distinct indexes; a released or dead one is reused', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-lease-'));
  try {
    const a = acquireNodeLease(dir);
    const b = acquireNodeLease(dir);
    assert.deepEqual([a.index, b.index], [0, 1]);
    a.release();
    assert.equal(acquireNodeLease(dir).index, 0);
    fs.writeFileSync(path.join(dir, '2.pid'), '999999999');
    assert.equal(acquireNodeLease(dir).index, 2, 'the lease of a process that no longer exists is taken over');
    b.release();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
