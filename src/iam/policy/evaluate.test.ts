/** Table test of policy evaluation: allow, explicit and implicit deny, wildcards, Not*, every condition operator, missing keys. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRequestConditions, evaluate, matchesWildcard, type PolicyDecision, type RequestConditions } from './evaluate.js';
import { parsePolicyDocument } from './policy-document.js';

const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
const FN = (name: string) => `acs:fc:cn-hangzhou:1234:functions/${name}`;

/** The request of every row unless the row overrides part of it. */
const BASE = {
  action: 'fc:InvokeFunction',
  resource: FN('prod-api'),
  context: createRequestConditions({ sourceIp: '10.1.2.3', sourceVpc: 'vpc-abc123', isSecureTransport: true, currentTimeMs: NOW_MS }),
};

type Statement = Record<string, unknown>;
const allow = (extra: Statement = {}): Statement => ({ Effect: 'Allow', Action: 'fc:InvokeFunction', Resource: FN('*'), ...extra });
const deny = (extra: Statement = {}): Statement => ({ Effect: 'Deny', Action: 'fc:InvokeFunction', Resource: FN('*'), ...extra });
const when = (Condition: Record<string, Record<string, unknown>>): Statement => allow({ Condition });

interface Row {
  readonly name: string;
  /** Each inner list is one policy document's statements. */
  readonly policies: Statement[][];
  readonly action?: string;
  readonly resource?: string;
  readonly context?: RequestConditions;
  /** Extra keys merged into the base context. */
  readonly with?: RequestConditions;
  readonly decision: PolicyDecision;
  /** [policyIndex, statementIndex] of the deciding statement. */
  readonly by?: readonly [number, number];
}

const ROWS: Row[] = [
  // Effects
  { name: 'no policies at all: implicit deny', policies: [], decision: 'ImplicitDeny' },
  { name: 'a matching Allow allows', policies: [[allow()]], decision: 'Allow', by: [0, 0] },
  { name: 'nothing matches: implicit deny', policies: [[allow({ Action: 'fc:GetFunction' })]], decision: 'ImplicitDeny' },
  { name: 'an explicit Deny beats an Allow in the same policy', policies: [[allow(), deny()]], decision: 'ExplicitDeny', by: [0, 1] },
  { name: 'an explicit Deny in another policy beats an earlier Allow', policies: [[allow()], [deny({ Resource: FN('prod-*') })]], decision: 'ExplicitDeny', by: [1, 0] },
  { name: 'a Deny that does not match leaves the Allow', policies: [[allow(), deny({ Resource: FN('dev-*') })]], decision: 'Allow', by: [0, 0] },
  { name: 'a Deny alone is still only a deny', policies: [[deny({ Resource: FN('dev-*') })]], decision: 'ImplicitDeny' },
  { name: 'the first matching Allow is reported', policies: [[allow({ Action: 'fc:Get*' })], [allow(), allow({ Action: '*' })]], decision: 'Allow', by: [1, 0] },
  // Actions
  { name: 'Action "*" covers every action', policies: [[allow({ Action: '*' })]], decision: 'Allow' },
  { name: 'Action "fc:*" covers every fc action', policies: [[allow({ Action: 'fc:*' })]], decision: 'Allow' },
  { name: 'Action "fc:*" does not cover another service', policies: [[allow({ Action: 'fc:*' })]], action: 'ram:CreateUser', resource: '*', decision: 'ImplicitDeny' },
  { name: 'an action prefix wildcard', policies: [[allow({ Action: 'fc:Invoke*' })]], decision: 'Allow' },
  { name: 'actions match case-insensitively', policies: [[allow({ Action: 'FC:invokefunction' })]], decision: 'Allow' },
  { name: 'the ? wildcard matches exactly one character', policies: [[allow({ Action: 'fc:?etFunction' })]], action: 'fc:GetFunction', decision: 'Allow' },
  { name: 'the ? wildcard does not match zero characters', policies: [[allow({ Action: 'fc:?GetFunction' })]], action: 'fc:GetFunction', decision: 'ImplicitDeny' },
  { name: 'one action of a list matches', policies: [[allow({ Action: ['fc:GetFunction', 'fc:InvokeFunction'] })]], decision: 'Allow' },
  { name: 'NotAction allows everything but the listed actions', policies: [[allow({ Action: undefined, NotAction: ['fc:Delete*'] })]], decision: 'Allow' },
  { name: 'NotAction does not cover a listed action', policies: [[allow({ Action: undefined, NotAction: ['fc:Delete*', 'fc:Invoke*'] })]], decision: 'ImplicitDeny' },
  { name: 'Deny with NotAction denies everything else', policies: [[allow({ Action: '*' }), deny({ Action: undefined, NotAction: 'fc:Get*' })]], decision: 'ExplicitDeny', by: [0, 1] },
  // Resources
  { name: 'Resource "*" covers every resource', policies: [[allow({ Resource: '*' })]], decision: 'Allow' },
  { name: 'a name-prefix resource wildcard', policies: [[allow({ Resource: FN('prod-*') })]], decision: 'Allow' },
  { name: 'a name-prefix wildcard that does not match', policies: [[allow({ Resource: FN('dev-*') })]], decision: 'ImplicitDeny' },
  { name: 'resources match case-sensitively', policies: [[allow({ Resource: FN('Prod-*') })]], decision: 'ImplicitDeny' },
  { name: 'region and account wildcards', policies: [[allow({ Resource: 'acs:fc:*:*:functions/prod-api' })]], decision: 'Allow' },
  { name: 'another account does not match', policies: [[allow({ Resource: 'acs:fc:*:9999:functions/*' })]], decision: 'ImplicitDeny' },
  { name: '"*" in a resource spans "/" (functions/* covers a qualified function)', policies: [[allow()]], resource: FN('prod-api/prod'), decision: 'Allow' },
  { name: 'an unqualified grant does not cover a qualified resource', policies: [[allow({ Resource: FN('prod-api') })]], resource: FN('prod-api/prod'), decision: 'ImplicitDeny' },
  { name: 'the ? wildcard in a resource', policies: [[allow({ Resource: FN('prod-ap?') })]], decision: 'Allow' },
  { name: 'NotResource allows everything but the listed resources', policies: [[allow({ Resource: undefined, NotResource: FN('dev-*') })]], decision: 'Allow' },
  { name: 'NotResource does not cover a listed resource', policies: [[allow({ Resource: undefined, NotResource: [FN('dev-*'), FN('prod-*')] })]], decision: 'ImplicitDeny' },
  { name: 'Deny with NotResource fences everything outside prod-*', policies: [[allow({ Resource: '*' }), deny({ Resource: undefined, NotResource: FN('prod-*') })]], resource: FN('dev-api'), decision: 'ExplicitDeny', by: [0, 1] },
  // IpAddress / NotIpAddress
  { name: 'IpAddress: inside an IPv4 CIDR', policies: [[when({ IpAddress: { 'acs:SourceIp': '10.0.0.0/8' } })]], decision: 'Allow' },
  { name: 'IpAddress: outside an IPv4 CIDR', policies: [[when({ IpAddress: { 'acs:SourceIp': '192.168.0.0/16' } })]], decision: 'ImplicitDeny' },
  { name: 'IpAddress: values are OR\'ed', policies: [[when({ IpAddress: { 'acs:SourceIp': ['192.168.0.0/16', '10.1.2.0/24'] } })]], decision: 'Allow' },
  { name: 'IpAddress: a single address', policies: [[when({ IpAddress: { 'acs:SourceIp': '10.1.2.3' } })]], decision: 'Allow' },
  { name: 'IpAddress: /0 covers every IPv4 address', policies: [[when({ IpAddress: { 'acs:SourceIp': '0.0.0.0/0' } })]], decision: 'Allow' },
  { name: 'IpAddress: an IPv4-mapped IPv6 caller is matched as IPv4', policies: [[when({ IpAddress: { 'acs:SourceIp': '10.0.0.0/8' } })]], with: { 'acs:SourceIp': '::ffff:10.9.8.7' }, decision: 'Allow' },
  { name: 'IpAddress: an IPv4-mapped CIDR in the policy matches an IPv4 caller', policies: [[when({ IpAddress: { 'acs:SourceIp': '::ffff:10.0.0.0/104' } })]], decision: 'Allow' },
  { name: 'IpAddress: inside an IPv6 CIDR', policies: [[when({ IpAddress: { 'acs:SourceIp': '2001:db8::/32' } })]], with: { 'acs:SourceIp': '2001:db8:1::42' }, decision: 'Allow' },
  { name: 'IpAddress: outside an IPv6 CIDR', policies: [[when({ IpAddress: { 'acs:SourceIp': '2001:db8::/32' } })]], with: { 'acs:SourceIp': '2001:db9::1' }, decision: 'ImplicitDeny' },
  { name: 'IpAddress: an IPv6 caller never matches an IPv4 CIDR', policies: [[when({ IpAddress: { 'acs:SourceIp': '0.0.0.0/0' } })]], with: { 'acs:SourceIp': '2001:db8::1' }, decision: 'ImplicitDeny' },
  { name: 'IpAddress: a zone index on the caller is ignored', policies: [[when({ IpAddress: { 'acs:SourceIp': 'fe80::/10' } })]], with: { 'acs:SourceIp': 'fe80::1%eth0' }, decision: 'Allow' },
  { name: 'IpAddress: a caller address that is not an IP matches nothing', policies: [[when({ IpAddress: { 'acs:SourceIp': '0.0.0.0/0' } })]], with: { 'acs:SourceIp': 'unknown' }, decision: 'ImplicitDeny' },
  { name: 'NotIpAddress: outside the CIDR holds', policies: [[when({ NotIpAddress: { 'acs:SourceIp': '192.168.0.0/16' } })]], decision: 'Allow' },
  { name: 'NotIpAddress: inside any listed CIDR fails', policies: [[when({ NotIpAddress: { 'acs:SourceIp': ['192.168.0.0/16', '10.0.0.0/8'] } })]], decision: 'ImplicitDeny' },
  { name: 'NotIpAddress in a Deny blocks callers outside the office', policies: [[allow(), deny({ Condition: { NotIpAddress: { 'acs:SourceIp': '172.16.0.0/12' } } })]], decision: 'ExplicitDeny', by: [0, 1] },
  // String operators (acs:SourceVpc and generic keys)
  { name: 'StringEquals: the VPC matches', policies: [[when({ StringEquals: { 'acs:SourceVpc': 'vpc-abc123' } })]], decision: 'Allow' },
  { name: 'StringEquals: is case-sensitive', policies: [[when({ StringEquals: { 'acs:SourceVpc': 'VPC-ABC123' } })]], decision: 'ImplicitDeny' },
  { name: 'StringEquals: any listed value matches', policies: [[when({ StringEquals: { 'acs:SourceVpc': ['vpc-other', 'vpc-abc123'] } })]], decision: 'Allow' },
  { name: 'StringNotEquals: a different VPC holds', policies: [[when({ StringNotEquals: { 'acs:SourceVpc': 'vpc-other' } })]], decision: 'Allow' },
  { name: 'StringNotEquals: the same VPC fails', policies: [[when({ StringNotEquals: { 'acs:SourceVpc': ['vpc-other', 'vpc-abc123'] } })]], decision: 'ImplicitDeny' },
  { name: 'StringEqualsIgnoreCase: ignores case', policies: [[when({ StringEqualsIgnoreCase: { 'acs:SourceVpc': 'VPC-ABC123' } })]], decision: 'Allow' },
  { name: 'StringNotEqualsIgnoreCase: the same VPC in another case fails', policies: [[when({ StringNotEqualsIgnoreCase: { 'acs:SourceVpc': 'VPC-ABC123' } })]], decision: 'ImplicitDeny' },
  { name: 'StringLike: a wildcard VPC', policies: [[when({ StringLike: { 'acs:SourceVpc': 'vpc-abc*' } })]], decision: 'Allow' },
  { name: 'StringLike: no match', policies: [[when({ StringLike: { 'acs:SourceVpc': 'vpc-x?z*' } })]], decision: 'ImplicitDeny' },
  { name: 'StringNotLike: no match holds', policies: [[when({ StringNotLike: { 'acs:SourceVpc': 'vpc-x*' } })]], decision: 'Allow' },
  { name: 'StringNotLike: a match fails', policies: [[when({ StringNotLike: { 'acs:SourceVpc': 'vpc-*' } })]], decision: 'ImplicitDeny' },
  { name: 'StringEquals on a generic key the caller added', policies: [[when({ StringEquals: { 'fc:TriggerAuthType': 'function' } })]], with: { 'fc:TriggerAuthType': 'function' }, decision: 'Allow' },
  { name: 'StringEquals: a multi-valued request key matches when any value does', policies: [[when({ StringEquals: { 'acs:ResourceTag/team': 'payments' } })]], with: { 'acs:ResourceTag/team': ['search', 'payments'] }, decision: 'Allow' },
  { name: 'StringNotEquals: a multi-valued request key fails when any value is listed', policies: [[when({ StringNotEquals: { 'acs:ResourceTag/team': 'payments' } })]], with: { 'acs:ResourceTag/team': ['search', 'payments'] }, decision: 'ImplicitDeny' },
  { name: 'condition keys are looked up case-insensitively', policies: [[when({ StringEquals: { 'ACS:sourcevpc': 'vpc-abc123' } })]], decision: 'Allow' },
  // Bool / acs:SecureTransport
  { name: 'Bool: HTTPS required and used', policies: [[when({ Bool: { 'acs:SecureTransport': true } })]], decision: 'Allow' },
  { name: 'Bool: HTTPS required, plain HTTP used', policies: [[when({ Bool: { 'acs:SecureTransport': 'true' } })]], with: { 'acs:SecureTransport': false }, decision: 'ImplicitDeny' },
  { name: 'Bool: a Deny on plain HTTP', policies: [[allow(), deny({ Condition: { Bool: { 'acs:SecureTransport': 'false' } } })]], with: { 'acs:SecureTransport': false }, decision: 'ExplicitDeny', by: [0, 1] },
  { name: 'Bool: a string request value "TRUE"', policies: [[when({ Bool: { 'fc:IsInternal': true } })]], with: { 'fc:IsInternal': 'TRUE' }, decision: 'Allow' },
  // Date operators / acs:CurrentTime (now = 2026-01-15T12:00:00Z)
  { name: 'DateGreaterThan: after the start', policies: [[when({ DateGreaterThan: { 'acs:CurrentTime': '2026-01-01T00:00:00Z' } })]], decision: 'Allow' },
  { name: 'DateGreaterThan: not after the very instant', policies: [[when({ DateGreaterThan: { 'acs:CurrentTime': '2026-01-15T12:00:00Z' } })]], decision: 'ImplicitDeny' },
  { name: 'DateGreaterThanEquals: the very instant', policies: [[when({ DateGreaterThanEquals: { 'acs:CurrentTime': '2026-01-15T20:00:00+08:00' } })]], decision: 'Allow' },
  { name: 'DateLessThan: before the end', policies: [[when({ DateLessThan: { 'acs:CurrentTime': '2026-02-01T00:00:00+08:00' } })]], decision: 'Allow' },
  { name: 'DateLessThan: after the end', policies: [[when({ DateLessThan: { 'acs:CurrentTime': '2026-01-15' } })]], decision: 'ImplicitDeny' },
  { name: 'DateLessThanEquals: the very instant', policies: [[when({ DateLessThanEquals: { 'acs:CurrentTime': '2026-01-15T12:00:00.000Z' } })]], decision: 'Allow' },
  { name: 'DateLessThanEquals: a millisecond too late', policies: [[when({ DateLessThanEquals: { 'acs:CurrentTime': '2026-01-15T11:59:59.999Z' } })]], decision: 'ImplicitDeny' },
  { name: 'DateEquals / DateNotEquals on the instant', policies: [[when({ DateEquals: { 'acs:CurrentTime': '2026-01-15T12:00:00Z' }, DateNotEquals: { 'acs:CurrentTime': '2026-01-15T12:00:01Z' } })]], decision: 'Allow' },
  { name: 'a time window: both bounds AND\'ed', policies: [[when({ DateGreaterThan: { 'acs:CurrentTime': '2026-01-16T00:00:00Z' }, DateLessThan: { 'acs:CurrentTime': '2026-02-01T00:00:00Z' } })]], decision: 'ImplicitDeny' },
  { name: 'a date condition reads an epoch-millisecond request value', policies: [[when({ DateLessThan: { 'fc:ExpiresAt': '2026-01-15T12:00:01Z' } })]], with: { 'fc:ExpiresAt': NOW_MS }, decision: 'Allow' },
  // Numeric operators
  { name: 'NumericEquals', policies: [[when({ NumericEquals: { 'fc:MemorySize': 512 } })]], with: { 'fc:MemorySize': '512' }, decision: 'Allow' },
  { name: 'NumericNotEquals', policies: [[when({ NumericNotEquals: { 'fc:MemorySize': ['128', 256] } })]], with: { 'fc:MemorySize': 512 }, decision: 'Allow' },
  { name: 'NumericLessThan: equal is not less', policies: [[when({ NumericLessThan: { 'fc:MemorySize': 512 } })]], with: { 'fc:MemorySize': 512 }, decision: 'ImplicitDeny' },
  { name: 'NumericLessThanEquals', policies: [[when({ NumericLessThanEquals: { 'fc:MemorySize': 512 } })]], with: { 'fc:MemorySize': 512 }, decision: 'Allow' },
  { name: 'NumericGreaterThan', policies: [[when({ NumericGreaterThan: { 'fc:MemorySize': 1024 } })]], with: { 'fc:MemorySize': 512 }, decision: 'ImplicitDeny' },
  { name: 'NumericGreaterThanEquals', policies: [[when({ NumericGreaterThanEquals: { 'fc:MemorySize': '512.0' } })]], with: { 'fc:MemorySize': 512 }, decision: 'Allow' },
  { name: 'a numeric condition on a value that is not a number fails', policies: [[when({ NumericGreaterThan: { 'fc:MemorySize': 0 } })]], with: { 'fc:MemorySize': 'lots' }, decision: 'ImplicitDeny' },
  // Missing keys: positive operators fail, negated ones hold
  { name: 'missing key: StringEquals fails', policies: [[when({ StringEquals: { 'acs:SourceVpc': 'vpc-abc123' } })]], context: createRequestConditions({ isSecureTransport: true, currentTimeMs: NOW_MS }), decision: 'ImplicitDeny' },
  { name: 'missing key: StringNotEquals holds', policies: [[when({ StringNotEquals: { 'acs:SourceVpc': 'vpc-abc123' } })]], context: createRequestConditions({ isSecureTransport: true, currentTimeMs: NOW_MS }), decision: 'Allow' },
  { name: 'missing key: IpAddress fails', policies: [[when({ IpAddress: { 'acs:SourceIp': '0.0.0.0/0' } })]], context: createRequestConditions({ isSecureTransport: true, currentTimeMs: NOW_MS }), decision: 'ImplicitDeny' },
  { name: 'missing key: NotIpAddress holds', policies: [[when({ NotIpAddress: { 'acs:SourceIp': '10.0.0.0/8' } })]], context: createRequestConditions({ isSecureTransport: true, currentTimeMs: NOW_MS }), decision: 'Allow' },
  { name: 'missing key: Bool fails', policies: [[when({ Bool: { 'fc:IsInternal': false } })]], decision: 'ImplicitDeny' },
  { name: 'missing key: NumericLessThan fails', policies: [[when({ NumericLessThan: { 'fc:MemorySize': 1024 } })]], decision: 'ImplicitDeny' },
  { name: 'missing key: an empty list counts as missing', policies: [[when({ StringLike: { 'acs:ResourceTag/team': '*' } })]], with: { 'acs:ResourceTag/team': [] }, decision: 'ImplicitDeny' },
  { name: 'missing key: a Deny with a positive operator does not apply', policies: [[allow(), deny({ Condition: { StringEquals: { 'acs:SourceVpc': 'vpc-abc123' } } })]], context: createRequestConditions({ isSecureTransport: true, currentTimeMs: NOW_MS }), decision: 'Allow', by: [0, 0] },
  // AND across operators and keys
  { name: 'every operator of a statement must hold (one fails)', policies: [[when({ IpAddress: { 'acs:SourceIp': '10.0.0.0/8' }, Bool: { 'acs:SecureTransport': true }, StringEquals: { 'acs:SourceVpc': 'vpc-other' } })]], decision: 'ImplicitDeny' },
  { name: 'every operator of a statement must hold (all hold)', policies: [[when({ IpAddress: { 'acs:SourceIp': '10.0.0.0/8' }, Bool: { 'acs:SecureTransport': true }, StringEquals: { 'acs:SourceVpc': 'vpc-abc123' } })]], decision: 'Allow' },
  { name: 'every key under one operator must hold', policies: [[when({ StringEquals: { 'acs:SourceVpc': 'vpc-abc123', 'fc:TriggerAuthType': 'anonymous' } })]], with: { 'fc:TriggerAuthType': 'function' }, decision: 'ImplicitDeny' },
  { name: 'a statement whose condition fails falls through to the next', policies: [[when({ Bool: { 'acs:SecureTransport': false } }), allow({ Resource: FN('prod-*') })]], decision: 'Allow', by: [0, 1] },
];

for (const row of ROWS) {
  test(`evaluate: ${row.name}`, () => {
    const policies = row.policies.map((statements) => parsePolicyDocument({ Version: '1', Statement: statements.map(withoutUndefined) }));
    const result = evaluate(policies, {
      action: row.action ?? BASE.action,
      resource: row.resource ?? BASE.resource,
      context: { ...(row.context ?? BASE.context), ...row.with },
    });
    assert.equal(result.decision, row.decision);
    if (row.decision === 'ImplicitDeny') assert.equal(result.statement, undefined);
    else assert.ok(result.statement, 'a decision other than ImplicitDeny names its statement');
    if (row.by) {
      assert.deepEqual([result.statement!.policyIndex, result.statement!.statementIndex], row.by);
      assert.equal(result.statement!.statement, policies[row.by[0]]!.statements[row.by[1]]);
    }
  });
}

test('createRequestConditions fills the global keys, and extra keys can add or override', () => {
  assert.deepEqual(createRequestConditions({ sourceIp: '10.1.2.3', isSecureTransport: false, currentTimeMs: NOW_MS, extra: { 'fc:X': 'y' } }), {
    'acs:SourceIp': '10.1.2.3',
    'acs:SecureTransport': false,
    'acs:CurrentTime': '2026-01-15T12:00:00.000Z',
    'fc:X': 'y',
  });
});

test('wildcard matching: * spans anything, ? one character, and no pattern blows up', () => {
  assert.equal(matchesWildcard('a*b*c', 'aXXbYYc'), true);
  assert.equal(matchesWildcard('a*b*c', 'aXXbYY'), false);
  assert.equal(matchesWildcard('*', ''), true);
  assert.equal(matchesWildcard('', ''), true);
  assert.equal(matchesWildcard('?', ''), false);
  assert.equal(matchesWildcard('a**', 'a'), true);
  assert.equal(matchesWildcard('*.zip', 'code.zip'), true);
  assert.equal(matchesWildcard('A*', 'abc'), false);
  assert.equal(matchesWildcard('A*', 'abc', true), true);
  const started = process.hrtime.bigint();
  assert.equal(matchesWildcard(`${'*a'.repeat(50)}b`, 'a'.repeat(5000)), false);
  assert.ok(process.hrtime.bigint() - started < 1_000_000_000n, 'a pathological pattern still answers quickly');
});

function withoutUndefined(statement: Statement): Statement {
  return Object.fromEntries(Object.entries(statement).filter(([, v]) => v !== undefined));
}
