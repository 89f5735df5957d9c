/**
 * The FC 2.0 action table: every FC 2.0 route has a row with its method and path, docs/permissions.md
 * repeats the table, and fc2ActionFor picks FC 2.0's resource ARNs.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { isPlatformError } from '../../errors/index.js';
import { createRequestConditions, evaluate } from './evaluate.js';
import { FC2_OPERATIONS, FC2_OPERATION_PREFIX, fc2ActionFor, fc2Operation } from './fc2-actions.js';
import { parsePolicyDocument } from './policy-document.js';

const REPO = new URL('../../../', import.meta.url);
const read = (relative: string) => fs.readFileSync(new URL(relative, REPO), 'utf8');
const P = { region: 'cn-hangzhou', accountId: '1234' };

test('every FC 2.0 route has a row with the route\'s method and path, and every row a route', () => {
  const source = read('src/api/fc2/fc2-routes.ts');
  const consts: Record<string, string> = { V2: '/2016-08-15' };
  consts.SVC = `${consts.V2}/services/:serviceName`;
  consts.FN = `${consts.SVC}/functions/:functionName`;
  consts.FC2_INVOKE_ACTION = 'FC2.InvokeFunction';
  const routes = new Map<string, string>();
  for (const m of source.matchAll(/method: '(\w+)', pattern: ([^,]+), action: ([^,]+),/g)) {
    const pattern = m[2]!.trim().replace(/^`|`$/g, '').replace(/\$\{(\w+)\}/g, (_, n: string) => consts[n]!).replace(/^(SVC|FN)$/, (n) => consts[n]!);
    const action = m[3]!.trim().replace(/^'|'$/g, '').replace(/^FC2_INVOKE_ACTION$/, consts.FC2_INVOKE_ACTION!);
    assert.ok(action.startsWith(FC2_OPERATION_PREFIX), action);
    routes.set(action.slice(FC2_OPERATION_PREFIX.length), `${m[1]} ${pattern.replace(/:(\w+)/g, '{$1}')}`);
  }
  assert.equal(routes.size, FC2_OPERATIONS.length);
  for (const e of FC2_OPERATIONS) assert.equal(routes.get(e.operation), e.http, e.operation);
});

test('docs/permissions.md lists every FC 2.0 row with the same HTTP, action and resources', () => {
  const doc = read('docs/permissions.md');
  const section = doc.slice(doc.indexOf('## FC 2.0 API'));
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (cells.length === 4 && /^[A-Z]\w+$/.test(cells[0]!)) rows.set(cells[0]!, cells);
  }
  assert.deepEqual([...rows.keys()], FC2_OPERATIONS.map((e) => e.operation));
  const code = (s: string) => s.replace(/^`|`$/g, '');
  for (const e of FC2_OPERATIONS) {
    const [, http, action, resources] = rows.get(e.operation)!;
    assert.equal(code(http!), e.http, e.operation);
    assert.equal(code(action!), e.action, e.operation);
    assert.deepEqual(resources!.split('<br>').map(code), e.resources, e.operation);
  }
});

test('fc2ActionFor names services and functions in services; only InvokeFunction names a qualifier', () => {
  const arn = (path: string) => `acs:fc:cn-hangzhou:1234:${path}`;
  assert.deepEqual(fc2ActionFor('CreateService', { ...P, serviceName: 's' }), { action: 'fc:CreateService', resource: arn('services/s') });
  assert.deepEqual(fc2ActionFor('FC2.ListServices', P), { action: 'fc:ListServices', resource: arn('services/*') });
  assert.equal(fc2ActionFor('GetService', { ...P, serviceName: 's.LATEST' }).resource, arn('services/s'));
  assert.equal(fc2ActionFor('GetFunction', { ...P, serviceName: 's.prod', functionName: 'f' }).resource, arn('services/s/functions/f'));
  assert.equal(fc2ActionFor('ListFunctions', { ...P, serviceName: 's' }).resource, arn('services/s/functions/*'));
  assert.equal(fc2ActionFor('InvokeFunction', { ...P, serviceName: 's', functionName: 'f' }).resource, arn('services/s/functions/f'));
  assert.equal(fc2ActionFor('InvokeFunction', { ...P, serviceName: 's.LATEST', functionName: 'f' }).resource, arn('services/s/functions/f'));
  assert.equal(fc2ActionFor('InvokeFunction', { ...P, serviceName: 's.prod', functionName: 'f' }).resource, arn('services/s.prod/functions/f'));
  assert.equal(fc2Operation('FC2.DeleteFunction')?.action, 'fc:DeleteFunction');
});

test('fc2ActionFor: missing or segment-breaking names are InvalidArgument; unknown operations are wiring errors', () => {
  assert.throws(() => fc2ActionFor('CreateFunction', { ...P, serviceName: 's' }), (e: unknown) => isPlatformError(e, 'InvalidArgument') && /functionName/.test(e.message));
  assert.throws(() => fc2ActionFor('GetService', { ...P, serviceName: 'a/b' }), (e: unknown) => isPlatformError(e, 'InvalidArgument'));
  assert.throws(() => fc2ActionFor('NoSuch', P), (e: unknown) => e instanceof Error && !isPlatformError(e));
});

test('the documented policy covering both APIs allows the FC 2.0 and the FC 3.0 name of one function', () => {
  const doc = read('docs/permissions.md');
  const json = /```json\n([\s\S]*?)```/.exec(doc.slice(doc.indexOf('## FC 2.0 API')))![1]!;
  const policy = parsePolicyDocument({ Version: '1', Statement: [JSON.parse(json)] });
  const decide = (resource: string) => evaluate([policy], { action: 'fc:InvokeFunction', resource, context: createRequestConditions({ sourceIp: '10.0.0.1', isSecureTransport: true, currentTimeMs: 0 }) }).decision;
  assert.equal(decide(fc2ActionFor('InvokeFunction', { ...P, serviceName: 'orders', functionName: 'pay' }).resource), 'Allow');
  assert.equal(decide('acs:fc:cn-hangzhou:1234:functions/orders$pay'), 'Allow');
  assert.equal(decide(fc2ActionFor('InvokeFunction', { ...P, serviceName: 'billing', functionName: 'pay' }).resource), 'ImplicitDeny');
});
