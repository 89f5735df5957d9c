/** The signature verifier: inline when idle, batched onto a worker thread in bursts, same verdicts either way. */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createLogger } from '../observability/logger.js';
import { computeSignature, EMPTY_BODY_SHA256, type SignatureTask } from './acs3-signature.js';
import { createSignatureVerifier } from './signature-verifier.js';

const logger = createLogger({ level: 'error' });
const secret = 'FakeSecretForLocalTesting0000001';

function task(i: number, isGood: boolean): SignatureTask {
  const canonical = `POST\n/2023-03-30/functions/f${i}/invocations\n\nhost:127.0.0.1\n\nhost\n${EMPTY_BODY_SHA256}`;
  const signature = isGood ? computeSignature(secret, canonical) : computeSignature('another-secret-0000000', canonical);
  return { canonical, secret, signature, claimedBodySha256: EMPTY_BODY_SHA256, body: new Uint8Array(0) };
}

const verifier = createSignatureVerifier({ threads: 1, logger });
after(() => verifier.close());

test('an idle verifier answers at once, without a thread hop', () => {
  assert.equal(verifier.check(task(0, true)), 'ok');
  assert.equal(verifier.stats.offloaded, 0);
});

test('a burst is checked on the worker, with the same verdicts as inline checks', { timeout: 60_000 }, async () => {
  // The worker starts on the first burst; keep sending bursts until one is offloaded.
  while (verifier.stats.offloaded === 0) {
    const tasks = Array.from({ length: 8 }, (_, i) => task(i, i % 3 !== 0));
    const verdicts = await Promise.all(tasks.map((t) => verifier.check(t)));
    assert.deepEqual(verdicts, tasks.map((_, i) => (i % 3 !== 0 ? 'ok' : 'signature-mismatch')));
    await new Promise((resolve) => setImmediate(resolve));
  }
  const tasks = Array.from({ length: 16 }, (_, i) => task(i, i % 2 === 0));
  const bad = { ...task(99, true), body: new Uint8Array([1]) };
  const verdicts = await Promise.all([...tasks, bad].map((t) => verifier.check(t)));
  assert.deepEqual(verdicts, [...tasks.map((_, i) => (i % 2 === 0 ? 'ok' : 'signature-mismatch')), 'body-mismatch']);
});

test('with zero threads every check is inline', () => {
  const v = createSignatureVerifier({ threads: 0, logger });
  for (let i = 0; i < 5; i++) assert.equal(v.check(task(i, true)), 'ok');
  assert.equal(v.stats.inline, 5);
  return v.close();
});
