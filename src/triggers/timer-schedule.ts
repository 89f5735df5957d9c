/**
 * @module triggers/timer-schedule
 * FC's timer `cronExpression`s and the schedule points they name:
 * - six-field cron with seconds first, `S M H DoM Mon DoW`: numbers, `*`, `?`, ranges `a-b`,
 *   lists `a,b`, steps `x/n` and `a-b/n`; months JAN–DEC, weekdays SUN–SAT (0 and 7 are Sunday).
 *   When both day-of-month and day-of-week are restricted, a day matching either fires (as cron does);
 * - an optional `CRON_TZ=<IANA zone> ` (or `TZ=`) prefix: fields are wall-clock time in that zone (default UTC);
 * - `@yearly`, `@monthly`, `@weekly`, `@daily` (`@midnight`), `@hourly`;
 * - `@every <duration>` such as `@every 1m30s` or `@every 2h` (units h, m, s; at least 1s). Its
 *   points are `anchorMs + k × interval`, where the anchor is when the trigger was last created or updated,
 *   so the points (and the async task ids made from them) are the same after a restart.
 */
import { invalidArgument } from '../errors/index.js';
import { isTimeZone, nextCronPoint, parseCronSchedule, type CronSchedule } from '../time/cron-schedule.js';

export type TimerSchedule =
  | { readonly kind: 'cron'; readonly expression: string; readonly cron: CronSchedule }
  | { readonly kind: 'every'; readonly expression: string; readonly intervalMs: number };

const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 0 1 1 *', '@annually': '0 0 0 1 1 *', '@monthly': '0 0 0 1 * *', '@weekly': '0 0 0 * * 0', '@daily': '0 0 0 * * *', '@midnight': '0 0 0 * * *', '@hourly': '0 0 * * * *',
};
const DURATION_UNITS_MS: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1000 };
/** The longest `@every` interval accepted. @default 366 days */
export const MAX_EVERY_INTERVAL_MS = 366 * 24 * 3_600_000;

function bad(expr: string, why: string): Error {
  return invalidArgument(`cronExpression '${expr}' is invalid: ${why}. Use six fields 'S M H DoM Mon DoW' such as '0 0/5 * * * *' (optionally after 'CRON_TZ=Asia/Shanghai '), or '@every 1m30s'`);
}

function parseDuration(expr: string, text: string): number {
  const parts = [...text.matchAll(/(\d+)([hms])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw bad(expr, `'${text}' is not a duration such as 1m30s, 2h or 45s`);
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * DURATION_UNITS_MS[p[2]!]!, 0);
  if (ms < 1000) throw bad(expr, 'the interval must be at least 1s');
  if (ms > MAX_EVERY_INTERVAL_MS) throw bad(expr, 'the interval must be at most 366 days');
  return ms;
}

/** Parses and checks a cronExpression; InvalidArgument says what is wrong. */
export function parseTimerSchedule(expression: string): TimerSchedule {
  let expr = expression.trim();
  const every = /^@every\s+(\S+)$/.exec(expr);
  if (every) return { kind: 'every', expression, intervalMs: parseDuration(expression, every[1]!) };
  let timeZone = 'UTC';
  const tz = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(expr);
  if (tz) {
    timeZone = tz[1]!;
    if (!isTimeZone(timeZone)) throw bad(expression, `'${timeZone}' is not an IANA time zone such as Asia/Shanghai`);
    expr = tz[2]!.trim();
  }
  if (expr.startsWith('@')) {
    const d = DESCRIPTORS[expr.toLowerCase()];
    if (!d) throw bad(expression, `'${expr}' is not one of @every <duration>, ${Object.keys(DESCRIPTORS).join(', ')}`);
    expr = d;
  }
  return { kind: 'cron', expression, cron: parseCronSchedule(expr, timeZone, (why) => bad(expression, why)) };
}

/**
 * The first schedule point strictly after `afterMs` (whole seconds for cron). `anchorMs` is where an
 * `@every` schedule's points start from. Undefined when a cron expression names no later point.
 */
export function nextPoint(schedule: TimerSchedule, afterMs: number, anchorMs: number): number | undefined {
  if (schedule.kind === 'every') {
    if (afterMs < anchorMs) return anchorMs + schedule.intervalMs;
    return anchorMs + (Math.floor((afterMs - anchorMs) / schedule.intervalMs) + 1) * schedule.intervalMs;
  }
  return nextCronPoint(schedule.cron, afterMs);
}

/**
 * The points in (`afterMs`, `untilMs`]: how many there are and the newest. Counting stops at
 * `maxCount` (a long outage of a per-second schedule is not walked point by point).
 */
export function pointsBetween(schedule: TimerSchedule, afterMs: number, untilMs: number, anchorMs: number, maxCount = 10_000): { count: number; newestMs?: number; isCapped: boolean } {
  if (schedule.kind === 'every') {
    const first = nextPoint(schedule, afterMs, anchorMs)!;
    if (first > untilMs) return { count: 0, isCapped: false };
    const count = Math.floor((untilMs - first) / schedule.intervalMs) + 1;
    return { count, newestMs: first + (count - 1) * schedule.intervalMs, isCapped: false };
  }
  let count = 0;
  let newestMs: number | undefined;
  let t = afterMs;
  for (;;) {
    const p = nextCronPoint(schedule.cron, t);
    if (p === undefined || p > untilMs) return { count, newestMs, isCapped: false };
    count++;
    newestMs = p;
    t = p;
    if (count >= maxCount) {
      // Too many to count: find the newest by searching back from the end in growing windows.
      for (let span = 60_000; ; span *= 4) {
        const from = Math.max(t, untilMs - span);
        let q = nextCronPoint(schedule.cron, from);
        if (q === undefined || q > untilMs) {
          if (from === t) return { count, newestMs, isCapped: true };
          continue;
        }
        while (q !== undefined && q <= untilMs) {
          newestMs = q;
          q = nextCronPoint(schedule.cron, q);
        }
        return { count, newestMs, isCapped: true };
      }
    }
  }
}
