/**
 * `openfc serve --exit-with-parent`: when whatever started openfc dies without stopping it (a test
 * runner killed on a timeout, a crashed supervisor), openfc shuts down gracefully on its own
 * instead of living on as an orphan with its instances.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { OPENFC_BIN } from '../helpers/serve-process.js';
import { waitForFileMatch } from '../helpers/wait-for-file.js';

const EXIT_BOUND_MS = 20_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once `pid` has exited; rejects after `ms` (checked on each of a few bounded ticks). */
function exitOf(pid: number, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = setInterval(() => {
      if (!isAlive(pid)) {
        clearInterval(tick);
        resolve();
      } else if (Date.now() - started > ms) {
        clearInterval(tick);
        reject(new Error(`openfc (pid ${pid}) still runs ${ms} ms after its parent died`));
      }
    }, 100);
  });
}

test('openfc serve --exit-with-parent stops when the process that started it is killed', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-orphan-'));
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const parent = spawn('/bin/sh', ['-c', `"${process.execPath}" "${OPENFC_BIN}" serve --data-dir "${dataDir}" --port 0 --http-port 0 --sandbox process --log-level warn --exit-with-parent >/dev/null 2>&1 & echo $!; wait`], { stdio: ['ignore', 'pipe', 'ignore'] });
  const servePid = await new Promise<number>((resolve, reject) => {
    parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    parent.once('exit', () => reject(new Error('the parent shell exited before starting openfc')));
  });
  t.after(() => {
    if (isAlive(servePid)) process.kill(servePid, 'SIGKILL');
  });
  await waitForFileMatch(path.join(dataDir, 'serve.json'), /"pid"/, 60_000);
  assert.ok(isAlive(servePid));
  parent.kill('SIGKILL');
  await exitOf(servePid, EXIT_BOUND_MS);
  assert.equal(fs.existsSync(path.join(dataDir, 'serve.json')), false, 'it shut down gracefully (serve.json removed)');
});
