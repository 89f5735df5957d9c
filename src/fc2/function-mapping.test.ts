/** FC 2.0 ↔ FC 3.0 function fields, and service settings validation. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPlatformError } from '../errors/index.js';
import { buildFunctionConfig, type FunctionConfig, type FunctionView } from '../functions/index.js';
import { toFc2FunctionView, toFc3Input } from './function-mapping.js';
import { buildServiceConfig, toServiceView, validateServiceName } from './service-config.js';

const SERVICE = buildServiceConfig({ role: 'acs:ram::123:role/worker', internetAccess: false, logConfig: { project: 'p', logstore: 'l' } }, undefined);
const invalid = (e: unknown) => isPlatformError(e, 'InvalidArgument');

test('an FC 2.0 create body becomes an FC 3.0 one: initializer into instanceLifecycleConfig, caPort into customRuntimeConfig, service settings copied', () => {
  const fc3 = toFc3Input({
    functionName: 'ignored-here', runtime: 'nodejs20', handler: 'index.handler', memorySize: 256, code: { zipFile: 'UEs=' },
    initializer: 'index.init', initializationTimeout: 12, instanceLifecycleConfig: { preStop: { handler: 'index.stop', timeout: 5 } }, caPort: 8080, instanceType: 'e1',
  }, SERVICE, undefined);
  assert.deepEqual(fc3, {
    runtime: 'nodejs20', handler: 'index.handler', memorySize: 256, code: { zipFile: 'UEs=' },
    customRuntimeConfig: { port: 8080 },
    instanceLifecycleConfig: { initializer: { handler: 'index.init', timeout: 12 }, preStop: { handler: 'index.stop', timeout: 5 } },
    role: 'acs:ram::123:role/worker', internetAccess: false, vpcConfig: null, logConfig: { project: 'p', logstore: 'l' },
  });
  assert.equal(buildFunctionConfig(fc3, undefined).instanceLifecycleConfig?.initializer?.timeout, 12, 'FC 3.0 validation accepts the mapped body');
});

test('an update keeps the hooks it does not name, and an empty initializer removes the initializer', () => {
  const current = buildFunctionConfig({ runtime: 'nodejs20', handler: 'index.handler', instanceLifecycleConfig: { initializer: { handler: 'index.init', timeout: 9 }, preStop: { handler: 'index.stop' } } }, undefined);
  const timeoutOnly = toFc3Input({ initializationTimeout: 20 }, SERVICE, current);
  assert.deepEqual(timeoutOnly.instanceLifecycleConfig, { initializer: { handler: 'index.init', timeout: 20 }, preStop: current.instanceLifecycleConfig!.preStop });
  const removed = toFc3Input({ initializer: '' }, SERVICE, current);
  assert.deepEqual(removed.instanceLifecycleConfig, { preStop: current.instanceLifecycleConfig!.preStop });
  assert.equal(toFc3Input({ memorySize: 512 }, SERVICE, current).instanceLifecycleConfig, undefined, 'no lifecycle field, no lifecycle change');
  assert.throws(() => toFc3Input({ caPort: 70000 }, SERVICE, current), invalid);
  assert.throws(() => toFc3Input({ initializer: 5 }, SERVICE, current), invalid);
});

test('the FC 2.0 view names the function within its service and lifts the initializer to the top level', () => {
  const cfg: FunctionConfig = buildFunctionConfig({ runtime: 'nodejs20', handler: 'index.handler', instanceLifecycleConfig: { initializer: { handler: 'index.init', timeout: 7 } } }, undefined);
  const view = { ...cfg, functionName: 's$f', functionId: 'id', functionArn: 'arn', codeChecksum: '1', codeSize: 2, createdTime: 't0', lastModifiedTime: 't1', layers: [] } as unknown as FunctionView;
  const fc2 = toFc2FunctionView(view, 'f');
  assert.equal(fc2.functionName, 'f');
  assert.equal(fc2.initializer, 'index.init');
  assert.equal(fc2.initializationTimeout, 7);
  assert.deepEqual(fc2.instanceLifecycleConfig, { preFreeze: { handler: '', timeout: 3 }, preStop: { handler: '', timeout: 3 } });
  assert.equal('role' in fc2, false, 'service settings are not function fields in FC 2.0');
});

test('service names and settings are validated; the view fills FC 2.0 defaults', () => {
  assert.equal(validateServiceName('orders_v2-x'), 'orders_v2-x');
  for (const bad of ['', '1abc', 'a.b', 'a$b', 'x'.repeat(129), 5]) assert.throws(() => validateServiceName(bad), invalid, String(bad));
  assert.throws(() => buildServiceConfig({ internetAccess: 'yes' }, undefined), invalid);
  assert.throws(() => buildServiceConfig({ role: 'admin' }, undefined), invalid);
  assert.throws(() => buildServiceConfig({ vpcConfig: 'vpc-1' }, undefined), invalid);
  const updated = buildServiceConfig({ description: 'new' }, SERVICE);
  assert.equal(updated.role, SERVICE.role, 'an update keeps what it does not name');
  const view = toServiceView({ accountId: '1', serviceName: 's', serviceId: 'id', config: { ...buildServiceConfig({}, undefined) }, createdTime: 't', lastModifiedTime: 't' });
  assert.equal(view.internetAccess, true);
  assert.deepEqual(view.vpcConfig, { vpcId: '', vSwitchIds: [], securityGroupId: '' });
});
