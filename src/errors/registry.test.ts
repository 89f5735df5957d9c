/** Keeps docs/errors.md and the error registry in step. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { ERROR_CODES } from './registry.js';

test('docs/errors.md lists every registry code with its status, retry flag and description', () => {
  const doc = fs.readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const rows = new Map<string, string[]>();
  for (const line of doc.split('\n')) {
    const cells = line.split('|').map((c) => c.trim()).filter(Boolean);
    if (cells.length === 4 && /^[A-Z]\w+$/.test(cells[0]!) && cells[0] !== 'Code') rows.set(cells[0]!, cells);
  }
  assert.deepEqual([...rows.keys()].sort(), Object.keys(ERROR_CODES).sort());
  for (const [code, info] of Object.entries(ERROR_CODES)) {
    const [, status, retry, description] = rows.get(code)!;
    assert.equal(Number(status), info.status, code);
    assert.equal(retry, info.isRetryable ? 'yes' : 'no', code);
    assert.equal(description, info.description, code);
  }
});
