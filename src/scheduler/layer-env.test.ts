/** The layer search paths an instance gets (reference §10.1). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layerSearchPaths } from './layer-env.js';

test('a nodejs20 instance with layers at /opt gets the FC search paths', () => {
  const env = layerSearchPaths({ runtime: 'nodejs20', codeDir: '/code/', optDir: '/opt' });
  assert.equal(env.NODE_PATH, '/usr/local/lib/node_modules:/opt/nodejs/node20/node_modules:/opt/nodejs/node_modules');
  assert.equal(env.PYTHONPATH, '/opt/python');
  assert.match(env.PATH!, /^\/usr\/local\/bin:\/usr\/bin:\/bin:\/code:\/code\/bin:\/opt\/bin$/);
  assert.equal(env.LD_LIBRARY_PATH, '/code:/code/lib:/usr/local/lib:/opt/lib');
});

test('a host directory stands in for /opt where instances are not isolated', () => {
  const env = layerSearchPaths({ runtime: 'python3.10', codeDir: '/data/code/abc', optDir: '/data/run/c1/opt/' });
  assert.equal(env.NODE_PATH, '/usr/local/lib/node_modules:/data/run/c1/opt/nodejs/node_modules');
  assert.equal(env.PYTHONPATH, '/data/run/c1/opt/python');
  assert.ok(env.PATH!.endsWith(':/data/code/abc:/data/code/abc/bin:/data/run/c1/opt/bin'));
});
