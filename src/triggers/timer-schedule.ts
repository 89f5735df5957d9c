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
import { CRON_DAYS, parseCronField } from '../time/cron-field.js';

export type TimerSchedule =
  | {
      readonly kind: 'cron'; readonly expression: string; readonly fields: readonly (readonly boolean[])[]; readonly isDayOr: boolean; readonly timeZone: string;
      /** Reads wall-clock fields in `timeZone`; undefined for UTC, which needs none. */
      readonly formatter?: Intl.DateTimeFormat;
    }
  | { readonly kind: 'every'; readonly expression: string; readonly intervalMs: number };

const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 0 1 1 *', '@annually': '0 0 0 1 1 *', '@monthly': '0 0 0 1 * *', '@weekly': '0 0 0 * * 0', '@daily': '0 0 0 * * *', '@midnight': '0 0 0 * * *', '@hourly': '0 0 * * * *',
};
/** A cron expression that names no point within this horizon is refused (it would never fire). */
const SEARCH_HORIZON_MS = 5 * 366 * 24 * 3600 * 1000;
const DURATION_UNITS_MS: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1000 };
/** The longest `@every` interval accepted. @default 366 days */
export const MAX_EVERY_INTERVAL_MS = 366 * 24 * 3_600_000;

function bad(expr: string, why: string): Error {
  return invalidArgument(`cronExpression '${expr}' is invalid: ${why}. Use six fields 'S M H DoM Mon DoW' such as '0 0/5 * * * *' (optionally after 'CRON_TZ=Asia/Shanghai '), or '@every 1m30s'`);
}


function checkTimeZone(expr: string, timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw bad(expr, `'${timeZone}' is not an IANA time zone such as Asia/Shanghai`);
  }
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
    checkTimeZone(expression, timeZone);
    expr = tz[2]!.trim();
  }
  if (expr.startsWith('@')) {
    const d = DESCRIPTORS[expr.toLowerCase()];
    if (!d) throw bad(expression, `'${expr}' is not one of @every <duration>, ${Object.keys(DESCRIPTORS).join(', ')}`);
    expr = d;
  }
  const texts = expr.split(/\s+/);
  if (texts.length !== 6) throw bad(expression, `it has ${texts.length} fields, not six (seconds come first)`);
  const fields = texts.map((f, i) => parseCronField(f, i, (why) => bad(expression, why)));
  const isStar = (t: string) => t === '*' || t === '?';
  const formatter = timeZone === 'UTC'
    ? undefined
    : new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short' });
  const schedule: TimerSchedule = { kind: 'cron', expression, fields, isDayOr: !isStar(texts[3]!) && !isStar(texts[5]!), timeZone, ...(formatter && { formatter }) };
  if (nextCronPoint(schedule, Date.UTC(2024, 0, 1) - 1) === undefined) throw bad(expression, 'it names no point in time (such as February 30)');
  return schedule;
}

interface WallClock {
  second: number;
  minute: number;
  hour: number;
  day: number;
  month: number;
  weekday: number;
}

/** The wall-clock fields of `ms`: UTC without a formatter, else in the formatter's zone. */
function wallClock(ms: number, formatter: Intl.DateTimeFormat | undefined): WallClock {
  if (!formatter) {
    const d = new Date(ms);
    return { second: d.getUTCSeconds(), minute: d.getUTCMinutes(), hour: d.getUTCHours(), day: d.getUTCDate(), month: d.getUTCMonth() + 1, weekday: d.getUTCDay() };
  }
  const w: Partial<WallClock> = {};
  for (const p of formatter.formatToParts(ms)) {
    if (p.type === 'weekday') w.weekday = CRON_DAYS.indexOf(p.value.toUpperCase());
    else if (p.type === 'second' || p.type === 'minute' || p.type === 'hour' || p.type === 'day' || p.type === 'month') w[p.type] = Number(p.value);
  }
  return w as WallClock;
}

function nextCronPoint(s: Extract<TimerSchedule, { kind: 'cron' }>, afterMs: number): number | undefined {
  const [sec, min, hour, dom, mon, dow] = s.fields as [boolean[], boolean[], boolean[], boolean[], boolean[], boolean[]];
  let t = Math.floor(afterMs / 1000) * 1000 + 1000;
  const limit = t + SEARCH_HORIZON_MS;
  while (t < limit) {
    const w = wallClock(t, s.formatter);
    const isDay = mon[w.month] && (s.isDayOr ? dom[w.day] || dow[w.weekday] : dom[w.day] && dow[w.weekday]);
    // Skips go to the next whole hour or minute only, so a zone's daylight-saving jump cannot be stepped over.
    if (!isDay || !hour[w.hour]) {
      t += (3600 - w.minute * 60 - w.second) * 1000;
      continue;
    }
    if (!min[w.minute]) {
      t += (60 - w.second) * 1000;
      continue;
    }
    for (let x = w.second; x < 60; x++) if (sec[x]) return t + (x - w.second) * 1000;
    t += (60 - w.second) * 1000;
  }
  return undefined;
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
  return nextCronPoint(schedule, afterMs);
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
    const p = nextCronPoint(schedule, t);
    if (p === undefined || p > untilMs) return { count, newestMs, isCapped: false };
    count++;
    newestMs = p;
    t = p;
    if (count >= maxCount) {
      // Too many to count: find the newest by searching back from the end in growing windows.
      for (let span = 60_000; ; span *= 4) {
        const from = Math.max(t, untilMs - span);
        let q = nextCronPoint(schedule, from);
        if (q === undefined || q > untilMs) {
          if (from === t) return { count, newestMs, isCapped: true };
          continue;
        }
        while (q !== undefined && q <= untilMs) {
          newestMs = q;
          q = nextCronPoint(schedule, q);
        }
        return { count, newestMs, isCapped: true };
      }
    }
  }
}
