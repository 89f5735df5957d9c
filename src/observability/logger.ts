/**
 * @module observability/logger
 * The platform's structured logger: one JSON object per line, scoped with `child()`.
 * User function output never goes here; it is stored per invocation by the scheduler.
 * Never log secrets: AccessKey secrets, tokens and environment variable values stay out.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(scope: Record<string, unknown>): Logger;
}

export interface LogSink {
  write(line: string): void;
}

function serializeError(e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  const out: Record<string, unknown> = { name: e.name, message: e.message, stack: e.stack };
  if ('code' in e) out.code = (e as { code: unknown }).code;
  if (e.cause !== undefined) out.cause = serializeError(e.cause);
  return out;
}

export function createLogger(options: { level?: LogLevel; sink?: LogSink; scope?: Record<string, unknown> } = {}): Logger {
  const minRank = LEVEL_RANK[options.level ?? 'info'];
  const sink = options.sink ?? { write: (line: string) => process.stderr.write(line) };
  const scope = options.scope ?? {};
  const log = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (LEVEL_RANK[level] < minRank) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level, msg, ...scope };
    if (fields) for (const [k, v] of Object.entries(fields)) entry[k] = k === 'err' || v instanceof Error ? serializeError(v) : v;
    sink.write(JSON.stringify(entry) + '\n');
  };
  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    child: (extra) => createLogger({ level: options.level, sink, scope: { ...scope, ...extra } }),
  };
}

/** A logger that keeps entries in memory, for tests. */
export function createMemoryLogger(): Logger & { entries: Record<string, unknown>[] } {
  const entries: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'debug', sink: { write: (line) => entries.push(JSON.parse(line) as Record<string, unknown>) } });
  return Object.assign(logger, { entries });
}
