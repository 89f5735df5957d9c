/** The runtime-family registry: how each family's runtime is started, the same for every driver. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PlatformError } from '../errors/index.js';
import { RUNTIME_FAMILIES, runtimeCommand } from './runtime-launch.js';

const input = { nodeBin: '/usr/bin/node', runtimesDir: '/var/fc/runtime', socketPath: '/run/fc/fc.sock', heapMb: 96 };

test('each family starts its own runtime; python is the absolute /usr/bin/python3, never a PATH lookup', () => {
  assert.deepEqual([...RUNTIME_FAMILIES], ['nodejs', 'python', 'custom']);
  assert.deepEqual(runtimeCommand('nodejs', { ...input, isWarmedUp: true }), ['/usr/bin/node', '--max-old-space-size=96', '/var/fc/runtime/nodejs/bootstrap.cjs', '/run/fc/fc.sock', '--warm-up']);
  assert.deepEqual(runtimeCommand('python', input, () => true), ['/usr/bin/python3', '-u', '-B', '/var/fc/runtime/python/bootstrap.py', '/run/fc/fc.sock']);
  assert.deepEqual(runtimeCommand('custom', input), ['/usr/bin/node', '--max-old-space-size=64', '/var/fc/runtime/custom/adapter.cjs', '/run/fc/fc.sock']);
  assert.deepEqual(runtimeCommand('custom', { ...input, isNetworkShared: true }).slice(-1), ['--shared-network']);
});

test('without /usr/bin/python3 a python start fails at once with a clear error', () => {
  assert.throws(
    () => runtimeCommand('python', input, () => false),
    (e: unknown) => e instanceof PlatformError && e.code === 'ServiceUnavailable' && /served by \/usr\/bin\/python3, which this machine does not have/.test(e.message),
  );
  assert.throws(() => runtimeCommand('ruby' as never, input), /cannot start runtime family 'ruby'/);
});
