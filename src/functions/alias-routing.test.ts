import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPlatformError } from '../errors/index.js';
import { parseVersionId, pickVersion, validateAliasName, validateWeights } from './alias-routing.js';

const refused = (fn: () => unknown, pattern: RegExp) => assert.throws(fn, (e: unknown) => isPlatformError(e, 'InvalidArgument') && pattern.test(e.message));

test('weights must name other versions, lie in [0, 1] and sum to at most 1', () => {
  assert.deepEqual(validateWeights(undefined, '1'), {});
  assert.deepEqual(validateWeights({ '2': 0.3, 3: 0.7 }, '1'), { '2': 0.3, '3': 0.7 });
  assert.deepEqual(validateWeights({ '2': 0.7, '3': 0.2, '4': 0.1 }, '1'), { '2': 0.7, '3': 0.2, '4': 0.1 }, 'float rounding is not a sum over 1');
  refused(() => validateWeights({ '1': 0.5 }, '1'), /own version/);
  refused(() => validateWeights({ '2': 1.5 }, '1'), /from 0 to 1/);
  refused(() => validateWeights({ '2': -0.1 }, '1'), /from 0 to 1/);
  refused(() => validateWeights({ '2': '0.5' }, '1'), /from 0 to 1/);
  refused(() => validateWeights({ '2': 0.6, '3': 0.5 }, '1'), /more than 1/);
  refused(() => validateWeights({ abc: 0.1 }, '1'), /version id/);
  refused(() => validateWeights([0.1], '1'), /object/);
});

test('version ids and alias names follow FC\'s formats', () => {
  assert.equal(parseVersionId('12', 'versionId'), '12');
  assert.equal(parseVersionId(3, 'versionId'), '3');
  refused(() => parseVersionId('01', 'versionId'), /version id/);
  refused(() => parseVersionId('LATEST', 'versionId'), /version id/);
  assert.equal(validateAliasName('prod'), 'prod');
  refused(() => validateAliasName('1abc'), /starting with a letter/);
  refused(() => validateAliasName('LATEST'), /cannot be 'LATEST'/);
});

test('the pick gives each extra version its weight and the alias\'s version the rest', () => {
  const alias = { versionId: '1', additionalVersionWeight: { '2': 0.3, '3': 0.2 } };
  assert.equal(pickVersion(alias, () => 0), '2');
  assert.equal(pickVersion(alias, () => 0.2999), '2');
  assert.equal(pickVersion(alias, () => 0.3), '3');
  assert.equal(pickVersion(alias, () => 0.4999), '3');
  assert.equal(pickVersion(alias, () => 0.5), '1');
  assert.equal(pickVersion(alias, () => 0.9999), '1');
  assert.equal(pickVersion({ versionId: '4', additionalVersionWeight: { '5': 0 } }, () => 0), '4', 'a zero weight never wins');
});
