/**
 * @module cli/exec-client
 * The client side of InstanceExec: opens the signed WebSocket and speaks the channel protocol of
 * exec/exec-bridge. A refusal before the upgrade rejects with the FC error (`code`, `data.Message`,
 * like the SDK's errors).
 */
import { WebSocket } from 'ws';
import { EXEC_CHANNEL, type ExecEnd } from '../exec/index.js';
import { EMPTY_BODY_SHA256, signHeaders } from '../iam/index.js';
import type { ClientConfig } from './client-config.js';

export interface ExecTarget {
  readonly functionName: string;
  readonly instanceId: string;
  readonly command: readonly string[];
  readonly tty?: boolean;
  readonly stdin?: boolean;
  readonly idleTimeoutSec?: number;
}

export interface ExecConnection {
  write(data: Buffer | string): void;
  /** Sends EOF on the command's stdin. */
  closeStdin(): void;
  onStdout(fn: (chunk: Buffer) => void): void;
  onStderr(fn: (chunk: Buffer) => void): void;
  /** The command's end as openfc reports it; rejects if the connection drops without one. */
  readonly done: Promise<ExecEnd>;
  close(): void;
}

/** An FC error answered instead of the upgrade. */
export class ExecRefusedError extends Error {
  override readonly name = 'ExecRefusedError';
  constructor(readonly statusCode: number, readonly code: string, message: string, readonly data: { Code: string; Message: string; RequestId?: string }) {
    super(message);
  }
}

export function execPath(t: ExecTarget): string {
  const q = new URLSearchParams();
  for (const part of t.command) q.append('command', part);
  q.set('tty', String(t.tty ?? false));
  q.set('stdin', String(t.stdin ?? true));
  if (t.idleTimeoutSec !== undefined) q.set('idleTimeout', String(t.idleTimeoutSec));
  return `/2023-03-30/functions/${encodeURIComponent(t.functionName)}/instances/${encodeURIComponent(t.instanceId)}/exec?${q.toString()}`;
}

export function openExec(config: Pick<ClientConfig, 'endpoint' | 'protocol' | 'accessKeyId' | 'accessKeySecret' | 'ca' | 'isInsecure'>, target: ExecTarget): Promise<ExecConnection> {
  const rawUrl = execPath(target);
  const headers = signHeaders({ accessKeyId: config.accessKeyId, accessKeySecret: config.accessKeySecret, host: config.endpoint }, 'GET', rawUrl, 'InstanceExec', Buffer.alloc(0), 'application/json', {}, { bodySha256: EMPTY_BODY_SHA256 });
  const ws = new WebSocket(`${config.protocol === 'https' ? 'wss' : 'ws'}://${config.endpoint}${rawUrl}`, {
    headers, perMessageDeflate: false, ...(config.ca !== undefined && { ca: config.ca }), ...(config.isInsecure && { rejectUnauthorized: false }),
  });
  const stdout: ((c: Buffer) => void)[] = [];
  const stderr: ((c: Buffer) => void)[] = [];
  let ended: ExecEnd | undefined;
  ws.on('message', (data: Buffer) => {
    const channel = data[0];
    const payload = data.subarray(1);
    if (channel === EXEC_CHANNEL.stdout) stdout.forEach((fn) => fn(payload));
    else if (channel === EXEC_CHANNEL.stderr) stderr.forEach((fn) => fn(payload));
    else if (channel === EXEC_CHANNEL.status) ended = JSON.parse(payload.toString('utf8')) as ExecEnd;
  });
  const done = new Promise<ExecEnd>((resolve, reject) => {
    ws.once('close', (code, reason) => (ended ? resolve(ended) : reject(new Error(`the exec session closed without a result (${code} ${reason.toString() || 'no reason'})`))));
  });
  done.catch(() => undefined);
  return new Promise((resolve, reject) => {
    ws.once('open', () =>
      resolve({
        write: (data) => ws.send(Buffer.concat([Buffer.of(EXEC_CHANNEL.stdin), Buffer.from(data)])),
        closeStdin: () => ws.send(Buffer.of(EXEC_CHANNEL.stdin)),
        onStdout: (fn) => stdout.push(fn),
        onStderr: (fn) => stderr.push(fn),
        done,
        close: () => ws.close(1000),
      }),
    );
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let body: { Code?: string; Message?: string; RequestId?: string } = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          /* not FC's JSON */
        }
        const code = body.Code ?? `HTTP${res.statusCode}`;
        const message = body.Message ?? `openfc answered ${res.statusCode} instead of upgrading`;
        reject(new ExecRefusedError(res.statusCode ?? 0, code, message, { Code: code, Message: message, ...(body.RequestId && { RequestId: body.RequestId }) }));
        ws.terminate();
      });
    });
    ws.once('error', reject);
  });
}
