/**
 * @module provision/schedule
 * FC's schedule expressions for scheduled scaling actions, evaluated in a time zone:
 * - `cron(S M H DoM Mon DoW)`: six fields (seconds first), as timer triggers take them
 *   ({@link module:time/cron-schedule}): numbers, `*`, `?`, ranges `a-b`, lists `a,b` and steps
 *   `x/n`; months may be JAN–DEC and weekdays SUN–SAT (0 and 7 are Sunday);
 * - `at(YYYY-MM-DDTHH:mm:ss)`: once, at that wall-clock time in the zone (or with a trailing `Z`, in UTC).
 */
import { invalidArgument } from '../errors/index.js';
import { isTimeZone, matchesCron, parseCronSchedule, wallClock, wallClockFormatter, type CronSchedule } from '../time/cron-schedule.js';

export type Schedule = { readonly kind: 'cron'; readonly cron: CronSchedule } | { readonly kind: 'at'; readonly atMs: number };

export function checkTimeZone(timeZone: string): void {
  if (!isTimeZone(timeZone)) throw invalidArgument(`timeZone '${timeZone}' is not an IANA time zone such as Asia/Shanghai`);
}

export function parseSchedule(expr: string, timeZone = 'UTC'): Schedule {
  checkTimeZone(timeZone);
  const cron = /^cron\((.+)\)$/.exec(expr.trim());
  if (cron) {
    const bad = (why: string) => invalidArgument(`scheduleExpression '${expr}': ${why}; write cron(S M H DoM Mon DoW)`);
    return { kind: 'cron', cron: parseCronSchedule(cron[1]!, timeZone, bad) };
  }
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(Z?)\)$/.exec(expr.trim());
  if (at) {
    const [y, mo, d, h, mi, s] = at.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
    if (at[7] === 'Z' || timeZone === 'UTC') return { kind: 'at', atMs: asUtc };
    // The zone's offset at that moment: compare the zone's wall clock for the UTC guess with the guess.
    const w = wallClock(asUtc, wallClockFormatter(timeZone));
    const offset = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - asUtc;
    return { kind: 'at', atMs: asUtc - offset };
  }
  throw invalidArgument(`scheduleExpression '${expr}' must be cron(S M H DoM Mon DoW) or at(YYYY-MM-DDTHH:mm:ss)`);
}

/** Whether the schedule fires in the whole second starting at `secondMs`. */
export function firesAt(schedule: Schedule, secondMs: number): boolean {
  if (schedule.kind === 'at') return schedule.atMs >= secondMs && schedule.atMs < secondMs + 1000;
  return matchesCron(schedule.cron, secondMs);
}
