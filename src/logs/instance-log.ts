/**
 * @module logs/instance-log
 * Attribution of one instance's output (see the glossary in logs/types.ts): the raw stdout/stderr
 * chunks are cut into lines, each line goes to the record of its request (FC's markers, or the
 * `<ISO time> <requestId> [<level>]` prefix, or the one request open on the instance), and a
 * record is handed on once it is complete: its End marker arrived and the runtime's result was
 * settled, or a grace period passed. Lines outside any request collect in instance records.
 * The work per invocation is a map lookup and a few string scans; nothing here touches the store.
 */
import type { Clock, TimerHandle } from '../time/clock.js';
import type { LogRecordKind, NewLogRecord } from './types.js';

/** FC truncates a single log line at 32 KB; longer lines are cut there. */
export const MAX_LINE_CHARS = 32 * 1024;
/** One record keeps at most this much output; the rest is counted and noted, not kept. */
export const MAX_RECORD_CHARS = 256 * 1024;
/** After an instance is gone, how long its open records wait for the last output still in the pipe. */
export const CLOSE_GRACE_MS = 250;

/** Who an instance is, as its records name it. */
export interface InstanceLogRef {
  readonly accountId: string;
  readonly functionName: string;
  readonly qualifier: string;
  readonly versionId?: string;
  readonly revision: number;
  readonly instanceId: string;
}

/** The runtime's error result of a request (INVOKE_RESULT or ASSIGN_RESULT). */
export interface SettledError {
  /** FC's class: `HandledInvocationError` or `UnhandledInvocationError`. */
  readonly functionError: string;
  /** The error body: `{errorMessage, errorType, stackTrace}` as JSON bytes or parsed. */
  readonly body: Buffer | { errorMessage?: unknown; errorType?: unknown; stackTrace?: unknown };
}

/** The log of one instance, fed by the scheduler. */
export interface InstanceLog {
  /** A chunk of the instance's stdout or stderr. */
  output(chunk: Buffer): void;
  /**
   * The runtime answered `requestId` (with an error, when it failed). `run.startTimeMs`: when the
   * invocation was sent (its record starts there, however late its first output came);
   * `run.quiet`: the runtime wrote nothing for it (no markers either), so the record is complete now.
   */
  settle(requestId: string, error?: SettledError, kind?: LogRecordKind, run?: { startTimeMs: number; quiet: boolean }): void;
  /** The instance is gone: what is still open is closed after the grace period. */
  close(): void;
}

interface Pending {
  readonly requestId: string;
  kind: LogRecordKind;
  startTimeMs: number;
  endTimeMs: number;
  lines: string[];
  chars: number;
  droppedChars: number;
  hasStart: boolean;
  hasEnd: boolean;
  isSettled: boolean;
  error: SettledError | undefined;
  /** When the record started waiting for its other half (End marker or result). */
  waitingSinceMs: number | undefined;
}

const MARKER = /^FC (Invoke|Initialize|PreStop|PreFreeze) (Start|End) RequestId: (\S+)\s*$/;
const KIND_OF_MARKER: Readonly<Record<string, LogRecordKind>> = { Invoke: 'invocation', Initialize: 'initializer', PreStop: 'preStop', PreFreeze: 'preFreeze' };
const LABEL_OF_KIND: Readonly<Record<LogRecordKind, string>> = { invocation: 'Invoke', initializer: 'Initialize', preStop: 'PreStop', preFreeze: 'PreFreeze', instance: '' };

const INVOKE_START = 'FC Invoke Start RequestId: ';
const INVOKE_END = 'FC Invoke End RequestId: ';

/** An FC marker line: which kind of record it opens or closes, and for which request. Invoke markers (the hot path) skip the regex. */
function parseMarker(line: string): { kind: LogRecordKind; isStart: boolean; requestId: string } | undefined {
  const isStart = line.startsWith(INVOKE_START);
  if (isStart || line.startsWith(INVOKE_END)) {
    const requestId = line.slice(isStart ? INVOKE_START.length : INVOKE_END.length).trim();
    if (requestId.length > 0 && !requestId.includes(' ')) return { kind: 'invocation', isStart, requestId };
    return undefined;
  }
  const m = MARKER.exec(line);
  return m ? { kind: KIND_OF_MARKER[m[1]!]!, isStart: m[2] === 'Start', requestId: m[3]! } : undefined;
}

/** The request id of a line in the built-in runtimes' format `<ISO time> <requestId> [<level>] ...`. */
function prefixedRequestId(line: string): string | undefined {
  if (line.length < 26 || line.charCodeAt(4) !== 45 /* - */ || line.charCodeAt(10) !== 84 /* T */) return undefined;
  const a = line.indexOf(' ');
  if (a < 19 || a > 30) return undefined;
  const b = line.indexOf(' ', a + 1);
  if (b < 0 || line.charCodeAt(b + 1) !== 91 /* [ */) return undefined;
  return line.slice(a + 1, b);
}

function parseError(error: SettledError): { errorType?: string; errorMessage?: string; errorStack?: string } {
  let body: { errorMessage?: unknown; errorType?: unknown; stackTrace?: unknown } | undefined;
  if (Buffer.isBuffer(error.body)) {
    try {
      const parsed: unknown = JSON.parse(error.body.toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null) body = parsed as typeof body;
    } catch {
      body = { errorMessage: error.body.toString('utf8').slice(0, MAX_LINE_CHARS) };
    }
  } else body = error.body;
  const stack = Array.isArray(body?.stackTrace) ? body.stackTrace.filter((s): s is string => typeof s === 'string') : [];
  return {
    ...(typeof body?.errorType === 'string' && { errorType: body.errorType }),
    ...(typeof body?.errorMessage === 'string' && { errorMessage: body.errorMessage }),
    ...(stack.length > 0 && { errorStack: stack.join('\n') }),
  };
}

export interface InstanceLogOptions {
  readonly clock: Clock;
  /** How long a record waits for its End marker after the result (or the reverse) before it is closed anyway. */
  readonly graceMs: number;
  /** Receives each complete record. */
  readonly emit: (record: NewLogRecord) => void;
  /** Called when the instance has lines outside any request waiting to be taken by {@link InstanceLogHandle.takeInstanceRecord}. */
  readonly onInstanceLines: (log: InstanceLogHandle) => void;
}

/** The instance log with the writer's side: taking the instance lines and closing everything at shutdown. */
export interface InstanceLogHandle extends InstanceLog {
  /** The lines printed outside any request since the last call, as one instance record. */
  takeInstanceRecord(): NewLogRecord | undefined;
  /** Closes every open record now (shutdown). */
  closeAll(): void;
  /** Records still waiting for their End marker or result. */
  readonly pendingCount: number;
}

export function createInstanceLog(ref: InstanceLogRef, opts: InstanceLogOptions): InstanceLogHandle {
  const { clock, graceMs, emit } = opts;
  const pending = new Map<string, Pending>();
  /** Started and not ended: the requests an unprefixed line may belong to. */
  const open = new Set<Pending>();
  let partial = '';
  let instLines: string[] = [];
  let instChars = 0;
  let instStartMs = 0;
  let instDropped = 0;
  let isClosed = false;
  let graceTimer: TimerHandle | undefined;
  const self: InstanceLogHandle = {
    output, settle, close, takeInstanceRecord, closeAll,
    get pendingCount() {
      return pending.size;
    },
  };

  function pendingOf(requestId: string, kind: LogRecordKind): Pending {
    let p = pending.get(requestId);
    if (!p) {
      const now = clock.now();
      p = { requestId, kind, startTimeMs: now, endTimeMs: now, lines: [], chars: 0, droppedChars: 0, hasStart: false, hasEnd: false, isSettled: false, error: undefined, waitingSinceMs: undefined };
      pending.set(requestId, p);
    }
    return p;
  }

  function add(p: Pending, line: string): void {
    if (p.chars + line.length > MAX_RECORD_CHARS) {
      p.droppedChars += line.length;
      return;
    }
    p.lines.push(line);
    p.chars += line.length;
  }

  function addInstanceLine(line: string): void {
    if (instLines.length === 0 && instDropped === 0) {
      instStartMs = clock.now();
      opts.onInstanceLines(self);
    }
    if (instChars + line.length > MAX_RECORD_CHARS) instDropped += line.length;
    else {
      instLines.push(line);
      instChars += line.length;
    }
  }

  function finish(p: Pending): void {
    pending.delete(p.requestId);
    open.delete(p);
    const label = LABEL_OF_KIND[p.kind];
    const head = p.hasStart ? '' : `FC ${label} Start RequestId: ${p.requestId}\n`;
    const err: ReturnType<typeof parseError> = p.error ? parseError(p.error) : {};
    let tail = '';
    if (p.droppedChars > 0) tail += `[openfc: ${p.droppedChars} characters of output dropped: a record keeps at most ${MAX_RECORD_CHARS}]\n`;
    if (!p.hasEnd && err.errorMessage && !p.lines.some((l) => l.includes(err.errorMessage!))) tail += `${err.errorMessage}\n`;
    tail += `FC ${label} End RequestId: ${p.requestId}\n`;
    const record: { -readonly [K in keyof NewLogRecord]: NewLogRecord[K] } = {
      accountId: ref.accountId, functionName: ref.functionName, qualifier: ref.qualifier, revision: ref.revision, kind: p.kind, requestId: p.requestId,
      instanceId: ref.instanceId, startTimeMs: p.startTimeMs, endTimeMs: p.hasEnd ? p.endTimeMs : clock.now(), message: head + p.lines.join('') + tail,
    };
    if (ref.versionId !== undefined) record.versionId = ref.versionId;
    if (p.error) Object.assign(record, { functionError: p.error.functionError }, err);
    emit(record);
  }

  /** Closes `p` if both halves are in, else starts its grace period. */
  function check(p: Pending): void {
    if (p.hasEnd && (p.isSettled || p.kind !== 'invocation')) return finish(p);
    if (p.waitingSinceMs === undefined) p.waitingSinceMs = clock.now();
    armGrace();
  }

  function armGrace(): void {
    if (graceTimer) return;
    graceTimer = clock.setTimeout(onGrace, isClosed ? Math.min(graceMs, CLOSE_GRACE_MS) : graceMs);
    graceTimer.unref();
  }

  function onGrace(): void {
    graceTimer = undefined;
    const now = clock.now();
    for (const p of [...pending.values()]) {
      if (isClosed || (p.waitingSinceMs !== undefined && now - p.waitingSinceMs >= graceMs)) finish(p);
    }
    if (pending.size > 0 && [...pending.values()].some((p) => p.waitingSinceMs !== undefined)) armGrace();
  }

  function onLine(line: string): void {
    if (line.charCodeAt(0) === 70 /* F */ && line.startsWith('FC ')) {
      const m = parseMarker(line);
      if (m) {
        const p = pendingOf(m.requestId, m.kind);
        p.kind = m.kind;
        if (m.isStart) {
          p.hasStart = true;
          // A runtime may write the marker only before its first output: the dispatch time, when known, stays.
          p.startTimeMs = p.isSettled ? p.startTimeMs : Math.min(p.startTimeMs, clock.now());
          open.add(p);
          add(p, line);
        } else {
          p.hasEnd = true;
          p.endTimeMs = clock.now();
          open.delete(p);
          check(p);
        }
        return;
      }
    }
    const id = prefixedRequestId(line);
    const owner = id !== undefined ? pending.get(id) : undefined;
    if (owner && !owner.hasEnd) return add(owner, line);
    if (open.size === 1 && id === undefined) {
      for (const p of open) add(p, line);
      return;
    }
    addInstanceLine(line);
  }

  function output(chunk: Buffer): void {
    const text = partial + chunk.toString('utf8');
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const line = nl - start > MAX_LINE_CHARS ? text.slice(start, start + MAX_LINE_CHARS) + '\n' : text.slice(start, nl + 1);
      onLine(line);
      start = nl + 1;
    }
    partial = start === 0 ? text : text.slice(start);
    if (partial.length > MAX_LINE_CHARS) {
      onLine(partial.slice(0, MAX_LINE_CHARS) + '\n');
      partial = '';
    }
  }

  function settle(requestId: string, error?: SettledError, kind: LogRecordKind = 'invocation', run?: { startTimeMs: number; quiet: boolean }): void {
    const p = pendingOf(requestId, kind);
    p.isSettled = true;
    if (error) p.error = error;
    if (run) p.startTimeMs = Math.min(p.startTimeMs, run.startTimeMs);
    if (run?.quiet && !p.hasStart) {
      // Nothing of it is in the pipe: finish() writes both markers.
      p.hasEnd = true;
      p.endTimeMs = clock.now();
    }
    check(p);
  }

  function close(): void {
    if (isClosed) return;
    isClosed = true;
    if (partial) {
      onLine(partial + '\n');
      partial = '';
    }
    // What the instance printed last may still be in the pipe: open records close after a short grace.
    clock.clearTimeout(graceTimer);
    graceTimer = undefined;
    if (pending.size > 0) armGrace();
  }

  function takeInstanceRecord(): NewLogRecord | undefined {
    if (instLines.length === 0 && instDropped === 0) return undefined;
    const note = instDropped > 0 ? `[openfc: ${instDropped} characters of output dropped: a record keeps at most ${MAX_RECORD_CHARS}]\n` : '';
    const record: NewLogRecord = {
      accountId: ref.accountId, functionName: ref.functionName, qualifier: ref.qualifier, ...(ref.versionId !== undefined && { versionId: ref.versionId }), revision: ref.revision,
      kind: 'instance', instanceId: ref.instanceId, startTimeMs: instStartMs, endTimeMs: clock.now(), message: instLines.join('') + note,
    };
    instLines = [];
    instChars = 0;
    instDropped = 0;
    return record;
  }

  function closeAll(): void {
    close();
    clock.clearTimeout(graceTimer);
    graceTimer = undefined;
    for (const p of [...pending.values()]) finish(p);
  }

  return self;
}
