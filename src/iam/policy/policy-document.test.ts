/** Unit tests of RAM policy parsing: normalization, precise errors, limits, and condition value syntax. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPlatformError } from '../../errors/index.js';
import {
  MAX_POLICY_DOCUMENT_CHARS, MAX_POLICY_STATEMENTS, parseBoolValue, parseIpBlock, parseIsoTime, parseNumericValue, parsePolicyDocument,
} from './policy-document.js';

const allowInvoke = { Effect: 'Allow', Action: 'fc:InvokeFunction', Resource: 'acs:fc:*:*:functions/*' };

function rejects(input: unknown, message: RegExp, field?: string): void {
  assert.throws(() => parsePolicyDocument(input, field), (e: unknown) => {
    assert.ok(isPlatformError(e, 'InvalidArgument'), `expected InvalidArgument, got ${String(e)}`);
    assert.match(e.message, message);
    return true;
  });
}

test('a document given as JSON text or as an object parses to the same normalized statements', () => {
  const doc = { Version: '1', Statement: [allowInvoke, { Effect: 'Deny', NotAction: ['fc:Get*', 'fc:List*'], NotResource: 'acs:fc:*:*:functions/prod-*' }] };
  const fromText = parsePolicyDocument(JSON.stringify(doc, null, 2));
  assert.deepEqual(fromText, parsePolicyDocument(doc));
  assert.deepEqual(fromText, {
    version: '1',
    statements: [
      { effect: 'Allow', actions: { isNegated: false, patterns: ['fc:InvokeFunction'] }, resources: { isNegated: false, patterns: ['acs:fc:*:*:functions/*'] }, conditions: [] },
      { effect: 'Deny', actions: { isNegated: true, patterns: ['fc:Get*', 'fc:List*'] }, resources: { isNegated: true, patterns: ['acs:fc:*:*:functions/prod-*'] }, conditions: [] },
    ],
  });
});

test('conditions become one entry per operator and key, with scalar values wrapped in a list', () => {
  const doc = parsePolicyDocument({
    Version: '1',
    Statement: [{
      ...allowInvoke,
      Condition: {
        IpAddress: { 'acs:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] },
        Bool: { 'acs:SecureTransport': 'true' },
        DateLessThan: { 'acs:CurrentTime': '2027-01-01T00:00:00+08:00' },
        NumericLessThanEquals: { 'fc:MemorySize': 512 },
      },
    }],
  });
  assert.deepEqual(doc.statements[0]!.conditions, [
    { operator: 'IpAddress', key: 'acs:SourceIp', values: ['10.0.0.0/8', '2001:db8::/32'] },
    { operator: 'Bool', key: 'acs:SecureTransport', values: ['true'] },
    { operator: 'DateLessThan', key: 'acs:CurrentTime', values: ['2027-01-01T00:00:00+08:00'] },
    { operator: 'NumericLessThanEquals', key: 'fc:MemorySize', values: [512] },
  ]);
});

const INVALID: Array<[string, unknown, RegExp]> = [
  ['text that is not JSON', '{"Version": "1",', /not valid JSON/],
  ['a JSON array', '[]', /must be a JSON object/],
  ['an unknown top-level field', { Version: '1', Statement: [allowInvoke], Id: 'x' }, /unknown field 'Id'/],
  ['Version as a number', { Version: 1, Statement: [allowInvoke] }, /Version must be the string "1", not 1/],
  ['no Version', { Statement: [allowInvoke] }, /Version must be the string "1", not missing/],
  ['Statement as an object', { Version: '1', Statement: allowInvoke }, /Statement must be an array/],
  ['an empty Statement', { Version: '1', Statement: [] }, /at least one statement/],
  ['a statement that is a string', { Version: '1', Statement: ['Allow'] }, /Statement\[0\] must be an object/],
  ['Effect in lower case', { Version: '1', Statement: [{ ...allowInvoke, Effect: 'allow' }] }, /Statement\[0\]\.Effect must be "Allow" or "Deny", not "allow"/],
  ['no Effect', { Version: '1', Statement: [allowInvoke, { Action: '*', Resource: '*' }] }, /Statement\[1\]\.Effect must be/],
  ['a Principal', { Version: '1', Statement: [{ ...allowInvoke, Principal: { RAM: ['acs:ram::1:root'] } }] }, /Statement\[0\] has 'Principal'/],
  ['an unknown statement field', { Version: '1', Statement: [{ ...allowInvoke, Sid: 'x' }] }, /Statement\[0\] has an unknown field 'Sid'/],
  ['both Action and NotAction', { Version: '1', Statement: [{ ...allowInvoke, NotAction: 'fc:Get*' }] }, /both Action and NotAction/],
  ['neither Action nor NotAction', { Version: '1', Statement: [{ Effect: 'Allow', Resource: '*' }] }, /Statement\[0\] needs Action \(or NotAction\)/],
  ['neither Resource nor NotResource', { Version: '1', Statement: [{ Effect: 'Allow', Action: '*' }] }, /Statement\[0\] needs Resource \(or NotResource\)/],
  ['an empty Action list', { Version: '1', Statement: [{ ...allowInvoke, Action: [] }] }, /Action must be a string or a non-empty array/],
  ['an action without a service', { Version: '1', Statement: [{ ...allowInvoke, Action: ['fc:GetFunction', 'InvokeFunction'] }] }, /Statement\[0\]\.Action\[1\] 'InvokeFunction' must be '<service>:<Action>'/],
  ['an action that is a number', { Version: '1', Statement: [{ ...allowInvoke, Action: [7] }] }, /Statement\[0\]\.Action\[0\] must be a string, not 7/],
  ['a resource that is not an ARN', { Version: '1', Statement: [{ ...allowInvoke, Resource: 'functions/demo' }] }, /Statement\[0\]\.Resource 'functions\/demo' must be '\*' or an ARN/],
  ['a NotResource ARN missing its path', { Version: '1', Statement: [{ Effect: 'Deny', Action: '*', NotResource: ['acs:fc:cn-hangzhou:123'] }] }, /Statement\[0\]\.NotResource\[0\]/],
  ['a Condition that is a list', { Version: '1', Statement: [{ ...allowInvoke, Condition: [] }] }, /Statement\[0\]\.Condition must be an object/],
  ['an unknown operator, with the right case suggested', { Version: '1', Statement: [{ ...allowInvoke, Condition: { stringequals: { 'acs:SourceVpc': 'vpc-1' } } }] }, /unknown operator 'stringequals' \(did you mean 'StringEquals'\?\)/],
  ['an operator with no keys', { Version: '1', Statement: [{ ...allowInvoke, Condition: { StringEquals: {} } }] }, /Condition\.StringEquals must be a non-empty object/],
  ['a condition key without a prefix', { Version: '1', Statement: [{ ...allowInvoke, Condition: { StringEquals: { SourceVpc: 'vpc-1' } } }] }, /condition key 'SourceVpc' that is not '<prefix>:<name>'/],
  ['a key with no values', { Version: '1', Statement: [{ ...allowInvoke, Condition: { StringEquals: { 'acs:SourceVpc': [] } } }] }, /Condition\.StringEquals\.acs:SourceVpc must have at least one value/],
  ['an object as a value', { Version: '1', Statement: [{ ...allowInvoke, Condition: { StringEquals: { 'acs:SourceVpc': [{ a: 1 }] } } }] }, /acs:SourceVpc\[0\] must be a string, number or boolean/],
  ['a bad IP', { Version: '1', Statement: [{ ...allowInvoke, Condition: { IpAddress: { 'acs:SourceIp': ['10.0.0.0/8', '10.0.0.300'] } } }] }, /Statement\[0\]\.Condition\.IpAddress\.acs:SourceIp\[1\] "10\.0\.0\.300" is not an IPv4\/IPv6 address/],
  ['an IPv4 prefix above 32', { Version: '1', Statement: [{ ...allowInvoke, Condition: { NotIpAddress: { 'acs:SourceIp': '10.0.0.0/33' } } }] }, /is not an IPv4\/IPv6 address or CIDR block/],
  ['a date that is not ISO 8601', { Version: '1', Statement: [{ ...allowInvoke, Condition: { DateGreaterThan: { 'acs:CurrentTime': 'Jan 1 2026' } } }] }, /"Jan 1 2026" is not an ISO 8601 time/],
  ['an impossible date', { Version: '1', Statement: [{ ...allowInvoke, Condition: { DateLessThan: { 'acs:CurrentTime': '2026-02-30T00:00:00Z' } } }] }, /is not an ISO 8601 time/],
  ['a Bool that is not true or false', { Version: '1', Statement: [{ ...allowInvoke, Condition: { Bool: { 'acs:SecureTransport': 'yes' } } }] }, /"yes" is not true or false \(Bool\)/],
  ['a Numeric value that is not a number', { Version: '1', Statement: [{ ...allowInvoke, Condition: { NumericGreaterThan: { 'fc:MemorySize': '1k' } } }] }, /"1k" is not a number \(NumericGreaterThan\)/],
];

for (const [name, input, message] of INVALID) {
  test(`rejects ${name} with a message naming the place`, () => rejects(input, message));
}

test('the field name, when given, prefixes the message', () => {
  rejects({ Version: '2', Statement: [allowInvoke] }, /^PolicyDocument: Version must be the string "1"/, 'PolicyDocument');
});

test(`a document of more than ${MAX_POLICY_DOCUMENT_CHARS} characters is refused, counting code points`, () => {
  const docOf = (padding: string) => JSON.stringify({ Version: '1', Statement: [{ ...allowInvoke, Resource: `acs:fc:*:*:functions/${padding}` }] });
  const base = docOf('').length;
  assert.equal(parsePolicyDocument(docOf('a'.repeat(MAX_POLICY_DOCUMENT_CHARS - base))).statements.length, 1);
  rejects(docOf('a'.repeat(MAX_POLICY_DOCUMENT_CHARS - base + 1)), /has 6145 characters; the limit is 6144/);
  // '😀' is two UTF-16 units but one character, as RAM counts: this fits.
  const emoji = '😀'.repeat(MAX_POLICY_DOCUMENT_CHARS - base);
  assert.equal(emoji.length, 2 * (MAX_POLICY_DOCUMENT_CHARS - base));
  assert.equal(parsePolicyDocument(docOf(emoji)).statements.length, 1);
  rejects(docOf('a'.repeat(100_000)), /the limit is 6144/);
});

test(`at most ${MAX_POLICY_STATEMENTS} statements`, () => {
  const small = { Effect: 'Allow', Action: '*', Resource: '*' };
  assert.equal(parsePolicyDocument({ Version: '1', Statement: Array(MAX_POLICY_STATEMENTS).fill(small) }).statements.length, 100);
  rejects({ Version: '1', Statement: Array(MAX_POLICY_STATEMENTS + 1).fill(small) }, /holds 101 statements; the limit is 100/);
});

test('IP blocks: IPv4, IPv6, embedded IPv4, and IPv4-mapped IPv6 read as IPv4', () => {
  assert.deepEqual(parseIpBlock('10.0.0.0/8'), { family: 4, bytes: Uint8Array.from([10, 0, 0, 0]), prefixBits: 8 });
  assert.deepEqual(parseIpBlock('192.168.1.7'), { family: 4, bytes: Uint8Array.from([192, 168, 1, 7]), prefixBits: 32 });
  assert.deepEqual(parseIpBlock('::ffff:10.1.2.3'), { family: 4, bytes: Uint8Array.from([10, 1, 2, 3]), prefixBits: 32 });
  assert.deepEqual(parseIpBlock('::ffff:a01:203'), { family: 4, bytes: Uint8Array.from([10, 1, 2, 3]), prefixBits: 32 });
  assert.deepEqual(parseIpBlock('::ffff:10.0.0.0/104'), { family: 4, bytes: Uint8Array.from([10, 0, 0, 0]), prefixBits: 8 });
  const v6 = parseIpBlock('2001:db8::1/64')!;
  assert.equal(v6.family, 6);
  assert.equal(v6.prefixBits, 64);
  assert.deepEqual([...v6.bytes], [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual([...parseIpBlock('::')!.bytes], Array(16).fill(0));
  assert.deepEqual([...parseIpBlock('64:ff9b::192.0.2.33')!.bytes].slice(12), [192, 0, 2, 33]);
  for (const bad of ['10.0.0', '10.0.0.256', '010.0.0.1', '10.0.0.0/', '10.0.0.0/x', '2001:db8::/129', '1::2::3', 'fe80::1%eth0', '', 'localhost']) {
    assert.equal(parseIpBlock(bad), undefined, bad);
  }
});

test('ISO 8601 times: offsets apply, a time without one is UTC, impossible dates are refused', () => {
  assert.equal(parseIsoTime('2026-01-15T12:00:00Z'), Date.UTC(2026, 0, 15, 12));
  assert.equal(parseIsoTime('2026-01-15T20:00:00+08:00'), Date.UTC(2026, 0, 15, 12));
  assert.equal(parseIsoTime('2026-01-15T07:30:00-0430'), Date.UTC(2026, 0, 15, 12));
  assert.equal(parseIsoTime('2026-01-15T12:00:00.250Z'), Date.UTC(2026, 0, 15, 12, 0, 0, 250));
  assert.equal(parseIsoTime('2026-01-15T12:00'), Date.UTC(2026, 0, 15, 12));
  assert.equal(parseIsoTime('2026-01-15'), Date.UTC(2026, 0, 15));
  for (const bad of ['2026-13-01', '2026-02-29', '2026-01-15T24:00:00Z', '2026-01-15T12:60Z', '2026-01-15 12:00:00', '1768478400000', '2026-01-15T12:00:00+08:60']) {
    assert.equal(parseIsoTime(bad), undefined, bad);
  }
});

test('numbers and booleans accept their string spellings', () => {
  assert.equal(parseNumericValue('512'), 512);
  assert.equal(parseNumericValue('-1.5e3'), -1500);
  assert.equal(parseNumericValue(3), 3);
  assert.equal(parseNumericValue('12abc'), undefined);
  assert.equal(parseNumericValue(true), undefined);
  assert.equal(parseBoolValue('TRUE'), true);
  assert.equal(parseBoolValue(false), false);
  assert.equal(parseBoolValue('1'), undefined);
});
