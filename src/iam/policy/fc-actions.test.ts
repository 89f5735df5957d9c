/**
 * The FC action table: complete against the FC 3.0 SDK and every openfc route, in step with
 * docs/permissions.md (table and worked example), and fcActionFor's choice of resource pattern.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { isPlatformError } from '../../errors/index.js';
import { createRequestConditions, evaluate } from './evaluate.js';
import { FC_OPERATIONS, fcActionFor, fcOperation, placeholders, type FcAuthorizedOperation } from './fc-actions.js';
import { parsePolicyDocument } from './policy-document.js';

const REPO = new URL('../../../', import.meta.url);
const read = (relative: string) => fs.readFileSync(new URL(relative, REPO), 'utf8');
const authorized = FC_OPERATIONS.filter((e): e is FcAuthorizedOperation => !e.isPublic);
const P = { region: 'cn-hangzhou', accountId: '1234' };

/** `{ operation → 'METHOD path' }` of every operation the FC 3.0 SDK can call. */
function sdkOperations(): Map<string, string> {
  const client = fs.readFileSync(createRequire(import.meta.url).resolve('@alicloud/fc20230330'), 'utf8');
  const ops = new Map<string, string>();
  for (const m of client.matchAll(/action: "(\w+)",[\s\S]*?pathname: `([^`]*)`,\s*method: "(\w+)"/g)) {
    ops.set(m[1]!, `${m[3]} ${m[2]!.replace(/\$\{[^}]*?\((\w+)\)\}/g, '{$1}')}`);
  }
  return ops;
}

/** `{ action → 'METHOD path' }` of every route in src/api/routes/*.ts. */
function routeOperations(): Map<string, string> {
  const dir = new URL('src/api/routes/', REPO);
  const routes = new Map<string, string>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const source = fs.readFileSync(new URL(file, dir), 'utf8');
    const actions = [...source.matchAll(/action: '(\w+)'/g)].map((m) => m[1]!);
    const full = [...source.matchAll(/method: '(\w+)', pattern: [`']([^`']+)[`'], action: '(\w+)'/g)];
    assert.equal(full.length, actions.length, `${file}: every route reads "method: …, pattern: …, action: …" so this test can check it`);
    for (const [, method, pattern, action] of full) {
      const normalized = pattern!.replace('${V3}', '/2023-03-30').replace(/:(\w+)/g, '{$1}');
      assert.ok(!routes.has(action!), `${file}: action ${action} is used by two routes`);
      routes.set(action!, `${method} ${normalized}`);
    }
  }
  return routes;
}

test('the table has every FC 3.0 operation of the SDK, once, with the SDK\'s method and path', () => {
  const sdk = sdkOperations();
  assert.equal(sdk.size, 69);
  const names = FC_OPERATIONS.map((e) => e.operation);
  assert.equal(new Set(names).size, names.length, 'no operation appears twice');
  for (const [operation, http] of sdk) {
    assert.equal(fcOperation(operation)?.http, http, operation);
  }
  const own = names.filter((n) => !sdk.has(n)).sort();
  assert.deepEqual(own, ['CreateVpc', 'DeleteVpc', 'DownloadFunctionCode', 'GetFunctionLogs', 'GetVpc', 'InstanceExec', 'ListVpcs', 'Metrics']);
});

/** Route actions this table does not govern, and who does. */
const AUTHORIZED_ELSEWHERE: ReadonlyMap<string, string> = new Map([
  ['RPC', 'the RAM/STS RPC endpoint: each call needs its own ram:<Action> or sts:AssumeRole (rpc-routes)'],
]);

test('every route action in src/api/routes has an entry, with the route\'s method and path', () => {
  const routes = routeOperations();
  assert.ok(routes.size >= 30, `found ${routes.size} routes`);
  for (const [action, http] of routes) {
    if (AUTHORIZED_ELSEWHERE.has(action)) continue;
    const entry = fcOperation(action);
    assert.ok(entry, `route action ${action} has no entry in FC_OPERATIONS`);
    assert.equal(entry.http, http, action);
  }
});

test('rows are well-formed: fc actions, ARNs of this region and account, and placeholders the request can fill', () => {
  for (const e of authorized) {
    assert.match(e.action, /^fc:[A-Z]\w+$/, e.operation);
    assert.ok(e.resources.length > 0, e.operation);
    const fromPath = new Set(placeholders(e.http));
    const available = new Set([...fromPath, 'region', 'accountId', 'qualifier', 'functionName', ...e.fromBody]);
    for (const pattern of e.resources) {
      assert.ok(pattern.startsWith('acs:fc:{region}:{accountId}:'), `${e.operation}: ${pattern}`);
      for (const name of placeholders(pattern)) assert.ok(available.has(name), `${e.operation}: {${name}} comes from nowhere`);
    }
    const required = placeholders(e.resources[e.resources.length - 1]!).filter((n) => n !== 'region' && n !== 'accountId');
    for (const name of required) {
      assert.ok(fromPath.has(name) || (e.fromBody as readonly string[]).includes(name), `${e.operation}: required {${name}} is neither in the path nor in fromBody`);
    }
    if (e.resources.some((r) => r.includes('{qualifier}'))) assert.equal(e.resources[1], e.resources[0]!.replace('/{qualifier}', ''), e.operation);
  }
});

test('docs/permissions.md lists every row with the same HTTP, action and resources', () => {
  const rows = new Map<string, string[]>();
  for (const line of read('docs/permissions.md').split('\n')) {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (cells.length === 5 && /^[A-Z]\w+$/.test(cells[0]!) && cells[0] !== 'Operation') rows.set(cells[0]!, cells);
  }
  assert.deepEqual([...rows.keys()], FC_OPERATIONS.map((e) => e.operation), 'same operations, same order');
  const code = (s: string) => s.replace(/^`|`$/g, '');
  for (const e of FC_OPERATIONS) {
    const [, http, action, resources, basis] = rows.get(e.operation)!;
    assert.equal(code(http!), e.http, e.operation);
    if (e.isPublic) {
      assert.equal(action, '—', e.operation);
      assert.match(resources!, /^— \(public/, e.operation);
      continue;
    }
    assert.equal(code(action!), e.action, e.operation);
    assert.deepEqual(resources!.split('<br>').map(code), e.resources, e.operation);
    assert.equal(basis, e.basis === 'fc' ? 'FC' : 'openfc', e.operation);
  }
});

test('the worked example of docs/permissions.md parses and decides as the page says', () => {
  const doc = read('docs/permissions.md');
  const section = doc.slice(doc.indexOf('## Worked example'));
  const json = /```json\n([\s\S]*?)```/.exec(section)![1]!;
  const policy = parsePolicyDocument(json, 'PolicyDocument');
  const decide = (operation: string, params: Record<string, string>, ctx: { ip?: string; https?: boolean } = {}) => {
    const { action, resource } = fcActionFor(operation, { ...P, ...params });
    const context = createRequestConditions({ sourceIp: ctx.ip ?? '10.1.2.3', isSecureTransport: ctx.https ?? true, currentTimeMs: 0 });
    return evaluate([policy], { action, resource, context }).decision;
  };
  assert.equal(decide('InvokeFunction', { functionName: 'prod-api' }), 'Allow');
  assert.equal(decide('InvokeFunction', { functionName: 'prod-api', qualifier: 'prod' }), 'Allow');
  assert.equal(decide('InvokeFunction', { functionName: 'dev-api' }), 'ImplicitDeny');
  assert.equal(decide('InvokeFunction', { functionName: 'prod-api' }, { ip: '192.168.1.5' }), 'ImplicitDeny');
  assert.equal(decide('InvokeFunction', { functionName: 'prod-api' }, { https: false }), 'ImplicitDeny');
  assert.equal(decide('GetFunction', { functionName: 'prod-api' }), 'ImplicitDeny');

  const denyLine = /`(\{ "Effect": "Deny"[^`]*\})`/.exec(section)![1]!;
  const withDeny = parsePolicyDocument({ Version: '1', Statement: [...JSON.parse(json).Statement, JSON.parse(denyLine)] });
  const invoke = (functionName: string, qualifier?: string) => {
    const { action, resource } = fcActionFor('InvokeFunction', { ...P, functionName, ...(qualifier && { qualifier }) });
    return evaluate([withDeny], { action, resource, context: createRequestConditions({ sourceIp: '10.1.2.3', isSecureTransport: true, currentTimeMs: 0 }) }).decision;
  };
  assert.equal(invoke('prod-payments'), 'ExplicitDeny');
  assert.equal(invoke('prod-payments', '3'), 'ExplicitDeny');
  assert.equal(invoke('prod-api'), 'Allow');
});

test('fcActionFor: a qualifier other than LATEST selects the qualified function ARN', () => {
  assert.deepEqual(fcActionFor('InvokeFunction', { ...P, functionName: 'demo' }), { action: 'fc:InvokeFunction', resource: 'acs:fc:cn-hangzhou:1234:functions/demo' });
  assert.deepEqual(fcActionFor('InvokeFunction', { ...P, functionName: 'demo', qualifier: 'LATEST' }).resource, 'acs:fc:cn-hangzhou:1234:functions/demo');
  assert.deepEqual(fcActionFor('InvokeFunction', { ...P, functionName: 'demo', qualifier: 'prod' }).resource, 'acs:fc:cn-hangzhou:1234:functions/demo/prod');
  assert.deepEqual(fcActionFor('PutAsyncInvokeConfig', { ...P, functionName: 'demo', qualifier: '2' }), {
    action: 'fc:PutFunctionAsyncInvokeConfig', resource: 'acs:fc:cn-hangzhou:1234:functions/demo/2',
  });
  assert.equal(fcActionFor('GetFunction', { ...P, functionName: 'demo', qualifier: 'prod' }).resource, 'acs:fc:cn-hangzhou:1234:functions/demo', 'FC publishes GetFunction unqualified');
});

test('fcActionFor: list operations act on the function they are filtered to, else on the whole collection', () => {
  assert.equal(fcActionFor('ListProvisionConfigs', P).resource, 'acs:fc:cn-hangzhou:1234:provision-configs/*');
  assert.equal(fcActionFor('ListProvisionConfigs', { ...P, functionName: 'demo' }).resource, 'acs:fc:cn-hangzhou:1234:functions/demo');
  assert.deepEqual(fcActionFor('ListAsyncInvokeConfigs', P), { action: 'fc:ListFunctionAsyncInvokeConfigs', resource: 'acs:fc:cn-hangzhou:1234:async-invoke-configs/*' });
  assert.equal(fcActionFor('ListFunctions', { ...P, functionName: 'ignored' }).resource, 'acs:fc:cn-hangzhou:1234:functions/*');
  assert.equal(fcActionFor('ListAsyncTasks', { ...P, functionName: 'demo', qualifier: 'prod' }).resource, 'acs:fc:cn-hangzhou:1234:functions/demo/async-tasks/*');
});

test('fcActionFor: sub-resources, openfc operations and the layer ARN', () => {
  const cases: Array<[string, Record<string, string>, string, string]> = [
    ['GetAsyncTask', { functionName: 'f', taskId: 't-1' }, 'fc:GetAsyncTask', 'functions/f/async-tasks/t-1'],
    ['StopAsyncTask', { functionName: 'f', taskId: 't-1' }, 'fc:StopAsyncTask', 'functions/f/async-tasks/t-1'],
    ['CreateTrigger', { functionName: 'f', triggerName: 'http' }, 'fc:CreateTrigger', 'functions/f/triggers/http'],
    ['DeleteVpcBinding', { functionName: 'f', vpcId: 'vpc-1' }, 'fc:DeleteVpcBinding', 'functions/f/vpc-bindings/vpc-1'],
    ['InstanceExec', { functionName: 'f', instanceId: 'c-abc' }, 'fc:InstanceExec', 'functions/f/instances/c-abc'],
    ['GetFunctionLogs', { functionName: 'f' }, 'fc:GetFunctionLogs', 'functions/f'],
    ['CreateVpc', {}, 'fc:CreateVpc', 'vpcs/*'],
    ['DeleteVpc', { vpcId: 'vpc-1' }, 'fc:DeleteVpc', 'vpcs/vpc-1'],
    ['CreateCustomDomain', { domainName: 'api.example.com' }, 'fc:CreateCustomDomain', 'custom-domains/api.example.com'],
    ['GetLayerVersionByArn', { arn: 'acs:fc:cn-hangzhou:1234:layers/l/versions/1' }, 'fc:GetLayerVersionByArn', 'layerarn/acs:fc:cn-hangzhou:1234:layers/l/versions/1'],
    ['TagResources', {}, 'fc:TagResources', '*'],
    ['TagResources', { functionName: 'f' }, 'fc:TagResources', 'functions/f'],
  ];
  for (const [operation, params, action, path] of cases) {
    assert.deepEqual(fcActionFor(operation, { ...P, ...params }), { action, resource: `acs:fc:cn-hangzhou:1234:${path}` }, operation);
  }
});

test('fcActionFor: a missing or segment-breaking name is InvalidArgument; unknown and public operations are wiring errors', () => {
  const invalid = (fn: () => unknown, message: RegExp) => assert.throws(fn, (e: unknown) => isPlatformError(e, 'InvalidArgument') && message.test(e.message));
  invalid(() => fcActionFor('CreateFunction', P), /^functionName is required to authorize CreateFunction$/);
  invalid(() => fcActionFor('GetAsyncTask', P), /^functionName, taskId are required to authorize GetAsyncTask$/);
  invalid(() => fcActionFor('GetFunction', { ...P, functionName: '' }), /functionName is required/);
  invalid(() => fcActionFor('GetFunction', { ...P, functionName: 'a/b' }), /functionName 'a\/b' cannot name a resource: it contains '\/'/);
  invalid(() => fcActionFor('InvokeFunction', { ...P, functionName: 'a', qualifier: '../b' }), /qualifier '\.\.\/b' cannot name a resource/);
  const wiring = (fn: () => unknown, message: RegExp) => assert.throws(fn, (e: unknown) => e instanceof Error && !isPlatformError(e) && message.test(e.message));
  wiring(() => fcActionFor('NoSuchOperation', P), /no RAM action is defined for the operation 'NoSuchOperation'/);
  wiring(() => fcActionFor('Metrics', P), /'Metrics' is public/);
  wiring(() => fcActionFor('GetFunction', { region: '', accountId: '1234', functionName: 'f' }), /needs the region and the accountId/);
});
