/** Layer version ARNs: formatting, parsing and what is refused. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLayerVersionArn, parseLayerVersionArn, validateLayerName, validateLayerVersion } from './layer-arn.js';

test('a formatted layer version ARN parses back to its parts', () => {
  const ref = { region: 'cn-hangzhou', accountId: '1234567890', layerName: 'my_layer-1', version: 12 };
  const arn = formatLayerVersionArn(ref);
  assert.equal(arn, 'acs:fc:cn-hangzhou:1234567890:layers/my_layer-1/versions/12');
  assert.deepEqual(parseLayerVersionArn(arn), ref);
});

test('strings that are not layer version ARNs parse to undefined', () => {
  for (const bad of [
    'acs:fc:cn-hangzhou:1:functions/f', 'acs:fc:cn-hangzhou:1:layers/l/versions/0', 'acs:fc:cn-hangzhou:1:layers/l/versions/x',
    'acs:fc:cn-hangzhou:1:layers/1bad/versions/1', 'acs:fc:cn-hangzhou:1:layers/l/versions/1/extra', 'acs:fc::1:layers/l/versions/1', '',
  ]) assert.equal(parseLayerVersionArn(bad), undefined, bad);
});

test('layer names and versions are validated with InvalidArgument', () => {
  assert.equal(validateLayerName('_ok-Name9'), '_ok-Name9');
  for (const bad of ['', '9x', '-x', 'a/b', 'x'.repeat(129), 5]) assert.throws(() => validateLayerName(bad), { code: 'InvalidArgument' });
  assert.equal(validateLayerVersion('3'), 3);
  for (const bad of ['0', '-1', '1.5', 'abc', '', undefined]) assert.throws(() => validateLayerVersion(bad), { code: 'InvalidArgument' });
});
