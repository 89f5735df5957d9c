/**
 * @module cli/commands/logs
 * `openfc logs <function> [--follow] [--request-id <id>] [--instance-id <id>] [--since <time|duration>]`:
 * prints what a function's instances printed (GetFunctionLogs), oldest first. With --follow it
 * keeps printing new records as they are written until Ctrl-C, which ends it cleanly (exit 0).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { addClientOptions, resolveClientConfig, type ClientFlags } from '../client-config.js';
import { getFunctionLogs, type LogPageView, type LogRecordView, type LogsRequest } from '../logs-client.js';

interface LogsFlags extends ClientFlags {
  follow?: boolean;
  requestId?: string;
  instanceId?: string;
  since?: string;
  until?: string;
  limit?: number;
  json?: boolean;
}

/** How long one follow request waits on the server before asking again. */
const FOLLOW_WAIT_MS = 20_000;
const PAGE_LIMIT = 500;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `--since`/`--until`: a duration back from now (`90s`, `10m`, `2h`, `1d`), an ISO 8601 time, or
 * milliseconds since the epoch. Returns what the API takes (ISO or epoch ms).
 */
export function parseTimeArg(value: string, nowMs: number): string {
  const d = /^(\d+)(ms|s|m|h|d)$/.exec(value.trim());
  if (d) return new Date(nowMs - Number(d[1]) * UNIT_MS[d[2]!]!).toISOString();
  if (/^\d+$/.test(value)) return value;
  const t = Date.parse(value);
  if (/^\d{4}-\d\d-\d\d/.test(value) && !Number.isNaN(t)) return new Date(t).toISOString();
  throw new InvalidArgumentError('must be a duration (90s, 10m, 2h, 1d), an ISO 8601 time or milliseconds since the epoch');
}

const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError('must be a whole number from 1 to 1000');
  return n;
};

function print(r: LogRecordView, isJson: boolean): void {
  if (isJson) return void process.stdout.write(JSON.stringify(r) + '\n');
  process.stdout.write(r.message.endsWith('\n') || r.message === '' ? r.message : r.message + '\n');
  if (r.errorStack && !r.message.includes(r.errorStack)) process.stdout.write(r.errorStack.split('\n').map((l) => `  ${l}`).join('\n') + '\n');
}

async function logs(functionName: string, flags: LogsFlags): Promise<void> {
  const config = resolveClientConfig(flags, process.env);
  const now = Date.now();
  const base: LogsRequest = {
    functionName, ...(flags.requestId !== undefined && { requestId: flags.requestId }), ...(flags.instanceId !== undefined && { instanceId: flags.instanceId }),
    ...(flags.since !== undefined && { since: parseTimeArg(flags.since, now) }), ...(flags.until !== undefined && { until: parseTimeArg(flags.until, now) }),
  };
  const isJson = flags.json === true;
  // What is there already, page by page (--limit caps it when not following).
  let nextToken: string | undefined;
  let printed = 0;
  for (;;) {
    const limit = flags.limit !== undefined && !flags.follow ? Math.min(PAGE_LIMIT, flags.limit - printed) : PAGE_LIMIT;
    if (limit <= 0) return;
    const page: LogPageView = await getFunctionLogs(config, { ...base, limit, ...(nextToken !== undefined && { nextToken }) });
    for (const r of page.records) print(r, isJson);
    printed += page.records.length;
    nextToken = page.nextToken;
    if (!page.hasMore) break;
  }
  if (!flags.follow) return;
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once('SIGINT', onSigint);
  try {
    while (!stop.signal.aborted) {
      let page: LogPageView;
      try {
        page = await getFunctionLogs(config, { ...base, limit: PAGE_LIMIT, nextToken, follow: true, waitMs: FOLLOW_WAIT_MS }, stop.signal);
      } catch (e: unknown) {
        if (stop.signal.aborted) return;
        throw e;
      }
      for (const r of page.records) print(r, isJson);
      nextToken = page.nextToken;
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

export function registerLogsCommand(program: Command): void {
  addClientOptions(
    program
      .command('logs')
      .description(
        "print a function's logs: what its instances printed, per invocation with FC's Start/End markers, oldest first " +
          '(GetFunctionLogs). --follow keeps printing new records as they are written, until Ctrl-C.',
      )
      .argument('<function>', 'function name')
      .option('-f, --follow', 'keep printing new records as they are written (Ctrl-C ends it)')
      .option('--request-id <id>', "only this invocation's record (an x-fc-request-id)")
      .option('--instance-id <id>', "only this instance's records (an x-fc-instance-id)")
      .option('--since <time|duration>', 'only records that ended since then: 90s, 10m, 2h, 1d, an ISO 8601 time or epoch ms')
      .option('--until <time|duration>', 'only records that started until then (same forms as --since)')
      .option('--limit <n>', 'print at most this many records (without --follow)', positiveInt)
      .option('--json', 'print each record as one JSON object per line (with requestId, instanceId, errorType, errorStack)'),
  ).action(async (functionName: string, flags: LogsFlags) => logs(functionName, flags));
}
