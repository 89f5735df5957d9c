/**
 * Starts the real `openfc serve` as a child process on free ports and waits for it to be ready
 * (its "openfc ready" line), then exposes its credentials and endpoints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { createFcClient, type FCClient } from './sdk.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const OPENFC_BIN = path.join(REPO_ROOT, 'bin', 'openfc.js');

export interface Credentials {
  accountId: string;
  accessKeyId: string;
  accessKeySecret: string;
  region: string;
  endpoints: { http?: string; https: string };
  tlsCertFile: string;
}

export interface ServeProcess {
  readonly proc: ChildProcess;
  readonly dataDir: string;
  readonly credentials: Credentials;
  /** host:port of the plain-HTTP listener. */
  readonly httpHost: string;
  readonly httpsHost: string;
  output(): string;
  /** Sends a signal and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServe(options: { dataDir?: string; args?: string[]; env?: Record<string, string> } = {}): Promise<ServeProcess> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'openfc-it-'));
  const proc = spawn(process.execPath, [OPENFC_BIN, 'serve', '--data-dir', dataDir, '--port', '0', '--http-port', '0', '--log-level', 'warn', '--exit-with-parent', ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A test that fails before stopping its server must not leave it running (and hang the suite).
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  proc.once('exit', () => process.off('exit', killOnExit));
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = once(proc, 'exit') as Promise<[number | null, string | null]>;
  await new Promise<void>((resolve, reject) => {
    const onData = () => {
      if (out.includes('openfc ready\n')) {
        proc.stdout!.off('data', onData);
        resolve();
      }
    };
    proc.stdout!.on('data', onData);
    void exited.then(([code]) => reject(new Error(`openfc serve exited with ${code} before it was ready:\n${out}`)));
  });
  const credentials = JSON.parse(fs.readFileSync(path.join(dataDir, 'credentials.json'), 'utf8')) as Credentials;
  return {
    proc, dataDir, credentials,
    httpHost: credentials.endpoints.http!.replace('http://', ''),
    httpsHost: credentials.endpoints.https.replace('https://', ''),
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill(signal);
      const [code] = await exited;
      return code;
    },
  };
}

/**
 * Starts one `openfc serve` for the enclosing describe block (before/after hooks) and hands it,
 * with an official-SDK client for its root key, to `onReady`. Stops it and removes its data dir after.
 */
export function useServe(onReady: (serve: ServeProcess, client: FCClient) => void, options: Parameters<typeof startServe>[0] = {}): void {
  let serve: ServeProcess | undefined;
  before(async () => {
    serve = await startServe(options);
    onReady(serve, createFcClient({ endpoint: serve.httpHost, accessKeyId: serve.credentials.accessKeyId, accessKeySecret: serve.credentials.accessKeySecret }));
  });
  after(async () => {
    if (!serve) return;
    await serve.stop();
    fs.rmSync(serve.dataDir, { recursive: true, force: true });
  });
}
