/**
 * @module time/cron-schedule
 * A parsed six-field cron (`S M H DoM Mon DoW`, seconds first; fields as in {@link module:time/cron-field})
 * evaluated on the wall clock of an IANA time zone, shared by timer triggers and scheduled
 * provisioning. When both day-of-month and day-of-week are restricted, a day matching either
 * matches (as cron does); `*` or `?` in one of them leaves the other alone in charge.
 */
import { CRON_DAYS, parseCronField } from './cron-field.js';

export interface CronSchedule {
  readonly fields: readonly (readonly boolean[])[];
  /** Both day fields are restricted: a day matching either one matches. */
  readonly isDayOr: boolean;
  readonly timeZone: string;
  /** Reads wall-clock fields in `timeZone`; undefined for UTC, which needs none. */
  readonly formatter?: Intl.DateTimeFormat;
}

export interface WallClock {
  second: number;
  minute: number;
  hour: number;
  day: number;
  month: number;
  year: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

/** A cron expression that names no point within this horizon names none at all (such as February 30). */
const SEARCH_HORIZON_MS = 5 * 366 * 24 * 3600 * 1000;

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The formatter that reads wall-clock fields in `timeZone`; undefined for UTC. */
export function wallClockFormatter(timeZone: string): Intl.DateTimeFormat | undefined {
  if (timeZone === 'UTC') return undefined;
  return new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short' });
}

/** The wall-clock fields of `ms`: UTC without a formatter, else in the formatter's zone. */
export function wallClock(ms: number, formatter: Intl.DateTimeFormat | undefined): WallClock {
  if (!formatter) {
    const d = new Date(ms);
    return { second: d.getUTCSeconds(), minute: d.getUTCMinutes(), hour: d.getUTCHours(), day: d.getUTCDate(), month: d.getUTCMonth() + 1, year: d.getUTCFullYear(), weekday: d.getUTCDay() };
  }
  const w: Partial<WallClock> = {};
  for (const p of formatter.formatToParts(ms)) {
    if (p.type === 'weekday') w.weekday = CRON_DAYS.indexOf(p.value.toUpperCase());
    else if (p.type === 'second' || p.type === 'minute' || p.type === 'hour' || p.type === 'day' || p.type === 'month' || p.type === 'year') w[p.type] = Number(p.value);
  }
  return w as WallClock;
}

/**
 * Parses six whitespace-separated fields in a zone the caller has checked ({@link isTimeZone}).
 * `bad(why)` builds the error to throw; an expression that names no point in time is refused too.
 */
export function parseCronSchedule(sixFields: string, timeZone: string, bad: (why: string) => Error): CronSchedule {
  const texts = sixFields.trim().split(/\s+/);
  if (texts.length !== 6) throw bad(`it has ${texts.length} fields, not six (seconds come first)`);
  const fields = texts.map((f, i) => parseCronField(f, i, bad));
  const isStar = (t: string) => t === '*' || t === '?';
  const formatter = wallClockFormatter(timeZone);
  const schedule: CronSchedule = { fields, isDayOr: !isStar(texts[3]!) && !isStar(texts[5]!), timeZone, ...(formatter && { formatter }) };
  if (nextCronPoint(schedule, Date.UTC(2024, 0, 1) - 1) === undefined) throw bad('it names no point in time (such as February 30)');
  return schedule;
}

function isCronDay(s: CronSchedule, w: WallClock): boolean {
  const [, , , dom, mon, dow] = s.fields as [boolean[], boolean[], boolean[], boolean[], boolean[], boolean[]];
  return !!mon[w.month] && (s.isDayOr ? !!dom[w.day] || !!dow[w.weekday] : !!dom[w.day] && !!dow[w.weekday]);
}

/** Whether the schedule names the whole second starting at `secondMs`. */
export function matchesCron(s: CronSchedule, secondMs: number): boolean {
  const w = wallClock(secondMs, s.formatter);
  const [sec, min, hour] = s.fields as [boolean[], boolean[], boolean[]];
  return !!sec[w.second] && !!min[w.minute] && !!hour[w.hour] && isCronDay(s, w);
}

/** The first whole second strictly after `afterMs` that the schedule names; undefined when none comes within five years. */
export function nextCronPoint(s: CronSchedule, afterMs: number): number | undefined {
  const [sec, min, hour] = s.fields as [boolean[], boolean[], boolean[]];
  let t = Math.floor(afterMs / 1000) * 1000 + 1000;
  const limit = t + SEARCH_HORIZON_MS;
  while (t < limit) {
    const w = wallClock(t, s.formatter);
    // Skips go to the next whole hour or minute only, so a zone's daylight-saving jump cannot be stepped over.
    if (!isCronDay(s, w) || !hour[w.hour]) {
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
