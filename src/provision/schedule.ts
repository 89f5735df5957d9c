/**
 * @module provision/schedule
 * FC's schedule expressions for scheduled scaling actions, evaluated in a time zone:
 * - `cron(S M H DoM Mon DoW)`: six fields (seconds first) of numbers, `*`, `?`, ranges `a-b`,
 *   lists `a,b` and steps `x/n`; months may be JAN–DEC and weekdays SUN–SAT (0 and 7 are Sunday);
 * - `at(YYYY-MM-DDTHH:mm:ss)`: once, at that wall-clock time in the zone (or with a trailing `Z`, in UTC).
 */
import { invalidArgument } from '../errors/index.js';
import { CRON_DAYS, parseCronField } from '../time/cron-field.js';

export type Schedule = { readonly kind: 'cron'; readonly fields: readonly (readonly boolean[])[]; readonly timeZone: string } | { readonly kind: 'at'; readonly atMs: number };

export function checkTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw invalidArgument(`timeZone '${timeZone}' is not an IANA time zone such as Asia/Shanghai`);
  }
}


/** The wall-clock fields of `ms` in `timeZone`. */
function wallClock(ms: number, timeZone: string): { second: number; minute: number; hour: number; day: number; month: number; weekday: number; year: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short' }).formatToParts(ms);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return {
    second: Number(get('second')), minute: Number(get('minute')), hour: Number(get('hour')), day: Number(get('day')), month: Number(get('month')), year: Number(get('year')),
    weekday: CRON_DAYS.indexOf(get('weekday').toUpperCase()),
  };
}

export function parseSchedule(expr: string, timeZone = 'UTC'): Schedule {
  checkTimeZone(timeZone);
  const cron = /^cron\((.+)\)$/.exec(expr.trim());
  if (cron) {
    const fields = cron[1]!.trim().split(/\s+/);
    if (fields.length !== 6) throw invalidArgument(`scheduleExpression '${expr}' must have six fields: seconds minutes hours day-of-month month day-of-week`);
    return { kind: 'cron', fields: fields.map((f, i) => parseCronField(f, i, (why) => invalidArgument(`scheduleExpression '${expr}': ${why}`))), timeZone };
  }
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(Z?)\)$/.exec(expr.trim());
  if (at) {
    const [y, mo, d, h, mi, s] = at.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
    if (at[7] === 'Z' || timeZone === 'UTC') return { kind: 'at', atMs: asUtc };
    // The zone's offset at that moment: compare the zone's wall clock for the UTC guess with the guess.
    const w = wallClock(asUtc, timeZone);
    const offset = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - asUtc;
    return { kind: 'at', atMs: asUtc - offset };
  }
  throw invalidArgument(`scheduleExpression '${expr}' must be cron(S M H DoM Mon DoW) or at(YYYY-MM-DDTHH:mm:ss)`);
}

/** Whether the schedule fires in the whole second starting at `secondMs`. */
export function firesAt(schedule: Schedule, secondMs: number): boolean {
  if (schedule.kind === 'at') return schedule.atMs >= secondMs && schedule.atMs < secondMs + 1000;
  const w = wallClock(secondMs, schedule.timeZone);
  const f = schedule.fields;
  return !!(f[0]![w.second] && f[1]![w.minute] && f[2]![w.hour] && f[3]![w.day] && f[4]![w.month] && f[5]![w.weekday]);
}
