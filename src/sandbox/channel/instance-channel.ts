/**
 * @module sandbox/channel/instance-channel
 * The host side of the instance protocol: one unix socket per instance carrying frames,
 * multiplexing concurrent invocations by id. No timeouts here: the scheduler enforces them by
 * destroying the instance, which rejects everything pending with {@link ChannelClosedError}.
 */
import fs from 'node:fs';
import net from 'node:net';
import { FRAME_KIND, FrameDecoder, encodeFrame, type Frame } from './frame-codec.js';

export interface FunctionErrorBody {
  errorMessage: string;
  errorType: string;
  stackTrace: string[];
}
export interface HelloHeader {
  protocol: number;
  runtime: string;
  pid: number;
}
export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
}
export interface AssignHeader {
  instanceId: string;
  accountId: string;
  region: string;
  codeDir: string;
  env: Record<string, string>;
  function: {
    name: string;
    handler: string;
    memory: number;
    timeout: number;
    initializer?: string;
    initializationTimeout?: number;
    preStop?: string;
    preStopTimeout?: number;
    preFreeze?: string;
    preFreezeTimeout?: number;
    qualifier: string;
    versionId: string;
  };
  initRequestId: string;
  credentials?: Credentials;
  /** The FC runtime id (`python3.10`, `custom.debian12`, …); runtimes use it for FC_RUNTIME-like choices. */
  runtime?: string;
  /** Custom runtimes only: how to start the user's server and where it listens (§10.5). */
  customRuntime?: {
    /** argv of the server; empty means `<codeDir>/bootstrap`. */
    command: string[];
    args: string[];
    port: number;
    /** How long the server may take to accept connections before the start fails. */
    readyTimeoutMs: number;
  };
}
export type AssignOutcome = { ok: true } | { ok: false; error: FunctionErrorBody; log?: string };
export interface InvokeHeader {
  requestId: string;
  isLogTail: boolean;
  deadlineMs: number;
  credentials?: Credentials;
  /** The event is FC's HTTP trigger event (reference §10.4) and a response object is expected; a custom runtime passes the request through to its server as HTTP (docs/instance-protocol.md). */
  httpTrigger?: boolean;
}
export type InvocationErrorType = 'HandledInvocationError' | 'UnhandledInvocationError';
export interface InvokeOutcome {
  body: Buffer;
  errorType?: InvocationErrorType;
  contentType?: string;
  log?: string;
  /** The runtime wrote nothing to its stdout or stderr for this invocation, not even its markers (docs/instance-protocol.md). */
  quiet?: boolean;
}
export type HookOutcome = { ok: true; log?: string } | { ok: false; error: FunctionErrorBody; log?: string };

export class ChannelClosedError extends Error {
  override readonly name = 'ChannelClosedError';
}

interface Pending {
  readonly resolve: (f: Frame) => void;
  readonly reject: (e: Error) => void;
}

export class InstanceChannel {
  readonly hello: Promise<HelloHeader>;
  readonly #socket: net.Socket;
  readonly #decoder = new FrameDecoder();
  readonly #pending = new Map<number, Pending>();
  readonly #closeListeners: (() => void)[] = [];
  #nextId = 1;
  #isClosed = false;
  #isCorked = false;
  #resolveHello!: (h: HelloHeader) => void;
  #rejectHello!: (e: Error) => void;

  constructor(socket: net.Socket) {
    this.#socket = socket;
    this.hello = new Promise((resolve, reject) => {
      this.#resolveHello = resolve;
      this.#rejectHello = reject;
    });
    this.hello.catch(() => undefined);
    socket.on('data', (chunk: Buffer) => {
      let frames: Frame[];
      try {
        frames = this.#decoder.push(chunk);
      } catch (e: unknown) {
        this.close();
        return;
      }
      for (const f of frames) this.#onFrame(f);
    });
    socket.on('close', () => this.#onClosed());
    socket.on('error', () => this.#onClosed());
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  async assign(header: AssignHeader): Promise<AssignOutcome> {
    const f = await this.#request(FRAME_KIND.ASSIGN, header);
    return f.header as unknown as AssignOutcome;
  }

  async invoke(header: InvokeHeader, event: Buffer): Promise<InvokeOutcome> {
    // The one frame of the hot path: its header is written out directly rather than through a generic stringify.
    const json = header.credentials || header.httpTrigger
      ? header
      : `{"requestId":${JSON.stringify(header.requestId)},"isLogTail":${header.isLogTail},"deadlineMs":${header.deadlineMs}}`;
    const f = await this.#request(FRAME_KIND.INVOKE, json, event);
    const h = f.header as { errorType?: InvocationErrorType; contentType?: string; log?: string; quiet?: boolean };
    return { body: f.body, errorType: h.errorType, contentType: h.contentType, log: h.log, quiet: h.quiet === true };
  }

  async hook(hook: 'preStop' | 'preFreeze', requestId: string): Promise<HookOutcome> {
    const f = await this.#request(FRAME_KIND.HOOK, { hook, requestId });
    return f.header as unknown as HookOutcome;
  }

  onClose(fn: () => void): void {
    if (this.#isClosed) fn();
    else this.#closeListeners.push(fn);
  }

  close(): void {
    this.#socket.destroy();
    this.#onClosed();
  }

  /** `header` is an object, or its JSON text already. */
  #request(kind: number, header: object | string, body?: Buffer): Promise<Frame> {
    if (this.#isClosed) return Promise.reject(new ChannelClosedError('the instance channel is closed'));
    const id = this.#nextId;
    this.#nextId = this.#nextId >= 0xfffffffe ? 1 : this.#nextId + 1;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      // Frames sent in one turn of the event loop leave in one write (flushed on setImmediate, after
      // the pending I/O callbacks): each HTTP request arrives in its own tick, so a nextTick flush
      // would still cost a syscall, and a wake-up of the runtime, per invocation.
      if (!this.#isCorked) {
        this.#isCorked = true;
        this.#socket.cork();
        setImmediate(() => {
          this.#isCorked = false;
          this.#socket.uncork();
        });
      }
      this.#socket.write(encodeFrame(kind, id, header, body));
    });
  }

  #onFrame(f: Frame): void {
    if (f.kind === FRAME_KIND.HELLO) {
      this.#resolveHello(f.header as unknown as HelloHeader);
      return;
    }
    const p = this.#pending.get(f.id);
    if (!p) {
      this.close();
      return;
    }
    this.#pending.delete(f.id);
    p.resolve(f);
  }

  #onClosed(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    const err = new ChannelClosedError('the instance channel closed');
    this.#rejectHello(err);
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
    for (const fn of this.#closeListeners.splice(0)) {
      try {
        fn();
      } catch {
        /* a close listener must not break the others */
      }
    }
  }
}

/** Listens on `socketPath` (removing a stale file first); the first connection becomes the channel. */
export async function listenForRuntime(socketPath: string): Promise<{ server: net.Server; connection: Promise<InstanceChannel> }> {
  fs.rmSync(socketPath, { force: true });
  const server = net.createServer();
  const connection = new Promise<InstanceChannel>((resolve) => {
    server.once('connection', (socket) => resolve(new InstanceChannel(socket)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  fs.chmodSync(socketPath, 0o666);
  return { server, connection };
}
