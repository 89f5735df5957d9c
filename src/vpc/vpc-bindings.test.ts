/** assertInvocationAllowed: the one check of VPC bindings, for every entry point that invokes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPlatformError } from '../errors/index.js';
import { assertInvocationAllowed } from './vpc-bindings.js';

const store = {
  listVpcBindings: (accountId: string, functionName: string) => (accountId === '1' && functionName === 'bound' ? ['vpc-a', 'vpc-b'] : []),
};
const refusal = (sourceVpc: string | undefined) => {
  try {
    assertInvocationAllowed(store, '1', 'bound', sourceVpc);
  } catch (e: unknown) {
    assert.ok(isPlatformError(e, 'AccessDenied'), String(e));
    return (e as Error).message;
  }
  return undefined;
};

test('a function without bindings may be invoked from anywhere', () => {
  assert.doesNotThrow(() => assertInvocationAllowed(store, '1', 'free', undefined));
  assert.doesNotThrow(() => assertInvocationAllowed(store, '1', 'free', 'vpc-z'));
  assert.doesNotThrow(() => assertInvocationAllowed(store, '2', 'bound', undefined), "bindings are per account's function");
});

test('a bound function is invoked only through the endpoint of a bound VPC', () => {
  assert.equal(refusal('vpc-a'), undefined);
  assert.equal(refusal('vpc-b'), undefined);
  assert.match(refusal(undefined)!, /only through the openfc endpoint of a bound VPC, not through a public endpoint/);
  assert.match(refusal('vpc-z')!, /is not bound to VPC 'vpc-z'/);
  assert.doesNotMatch(refusal('vpc-z')!, /vpc-a|vpc-b/, 'the refusal does not reveal which VPCs are bound');
});
