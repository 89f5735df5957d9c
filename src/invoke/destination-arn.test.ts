/** Unit tests of parseDestination: which async-invocation destinations openfc accepts, and the errors for the rest. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPlatformError } from '../errors/index.js';
import { parseDestination } from './destination-arn.js';

const ACCT = '1234567890123456';
const REGION = 'cn-hangzhou';
const parse = (arn: string, field?: string) => parseDestination(arn, ACCT, REGION, field);

/** Asserts InvalidArgument with a message matching `pattern`. */
function refuses(arn: string, pattern: RegExp): void {
  assert.throws(() => parse(arn), (e: unknown) => isPlatformError(e, 'InvalidArgument') && pattern.test(e.message), arn);
}

test('accepts a function of the same account and region, with or without a qualifier', () => {
  assert.deepEqual(parse(`acs:fc:${REGION}:${ACCT}:functions/on-done`), { kind: 'function', functionName: 'on-done', arn: `acs:fc:${REGION}:${ACCT}:functions/on-done` });
  assert.deepEqual(parse(`acs:fc:${REGION}:${ACCT}:functions/_f/prod`), { kind: 'function', functionName: '_f', qualifier: 'prod', arn: `acs:fc:${REGION}:${ACCT}:functions/_f/prod` });
  assert.equal(parse(`acs:fc:${REGION}:${ACCT}:functions/f/LATEST`).kind, 'function');
  assert.deepEqual(parse(`acs:fc:${REGION}:${ACCT}:functions/f/12`), { kind: 'function', functionName: 'f', qualifier: '12', arn: `acs:fc:${REGION}:${ACCT}:functions/f/12` });
});

test('accepts http and https URLs (an openfc extension) and keeps the ARN as given', () => {
  assert.deepEqual(parse('https://hooks.example.com/fc?x=1'), { kind: 'http', url: 'https://hooks.example.com/fc?x=1', arn: 'https://hooks.example.com/fc?x=1' });
  const d = parse('HTTP://127.0.0.1:8080');
  assert.deepEqual(d, { kind: 'http', url: 'http://127.0.0.1:8080/', arn: 'HTTP://127.0.0.1:8080' });
});

test('refuses another account\'s function, saying cross-account destinations are not allowed', () => {
  refuses(`acs:fc:${REGION}:9999999999999999:functions/f`, /cross-account destinations are not allowed/);
  refuses(`acs:fc:${REGION}::functions/f`, /cross-account destinations are not allowed/);
});

test('refuses a function ARN of another region', () => {
  refuses(`acs:fc:cn-shanghai:${ACCT}:functions/f`, /region 'cn-shanghai'.*serves region 'cn-hangzhou'/);
});

test('refuses MNS and EventBridge destinations as not available in openfc', () => {
  refuses(`acs:mns:${REGION}:${ACCT}:/queues/q/messages`, /MNS queue and topic destinations are not available in openfc/);
  refuses(`acs:mns:${REGION}:${ACCT}:/topics/t/messages`, /MNS queue and topic destinations are not available in openfc/);
  refuses(`acs:eventbridge:${REGION}:${ACCT}:eventbus/default/rule/r`, /EventBridge destinations are not available in openfc/);
  refuses(`acs:oss:${REGION}:${ACCT}:bucket/b`, /'oss' destinations are not supported/);
});

test('checks the function name with the function name rule, and the qualifier', () => {
  refuses(`acs:fc:${REGION}:${ACCT}:functions/1bad`, /function name must be 1-64 letters/);
  refuses(`acs:fc:${REGION}:${ACCT}:functions/`, /function name must be 1-64 letters/);
  refuses(`acs:fc:${REGION}:${ACCT}:functions/${'a'.repeat(65)}`, /function name must be 1-64 letters/);
  refuses(`acs:fc:${REGION}:${ACCT}:functions/f/-x`, /qualifier '-x' must be LATEST, a version number or an alias name/);
  refuses(`acs:fc:${REGION}:${ACCT}:functions/f/a/b`, /is not a function ARN/);
  refuses(`acs:fc:${REGION}:${ACCT}:services/s.LATEST/functions/f`, /is not a function ARN/);
});

test('refuses what is neither an ARN nor an http(s) URL, or a URL with credentials', () => {
  refuses('', /must be an FC function ARN/);
  refuses('my-function', /must be an FC function ARN/);
  refuses('acs:fc:cn-hangzhou', /is not an ARN of the form/);
  refuses('ftp://example.com/x', /must be an FC function ARN/);
  refuses('http://', /is not a valid URL/);
  refuses('https://user:secret@example.com/', /must not carry a user name or password/);
  refuses(' https://example.com/', /must not contain spaces/);
  refuses(`https://example.com/${'a'.repeat(3000)}`, /longer than 2048 characters/);
});

test('names the field in its messages', () => {
  assert.throws(() => parse('nope', 'destinationConfig.onFailure.destination'), /^PlatformError: destinationConfig\.onFailure\.destination 'nope' must be/);
});
