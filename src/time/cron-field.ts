/**
 * @module time/cron-field
 * One field of FC's six-field cron (`S M H DoM Mon DoW`, seconds first), shared by timer
 * triggers and scheduled provisioning: numbers, `*`, `?`, ranges `a-b`, lists `a,b`, steps `x/n`
 * and `a-b/n`; months JAN–DEC and weekdays SUN–SAT (0 and 7 are Sunday). A field parses into the
 * set of values it allows, indexed by value.
 */

export const CRON_FIELD_NAMES = ['seconds', 'minutes', 'hours', 'day-of-month', 'month', 'day-of-week'] as const;
export const CRON_FIELD_RANGES: readonly [number, number][] = [[0, 59], [0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];
export const CRON_MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
export const CRON_DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** Parses field `index` (0 = seconds … 5 = day-of-week); `bad(why)` builds the error to throw. */
export function parseCronField(text: string, index: number, bad: (why: string) => Error): boolean[] {
  const [lo, hi] = CRON_FIELD_RANGES[index]!;
  const name = CRON_FIELD_NAMES[index];
  const allowed = new Array<boolean>(hi + 1).fill(false);
  const value = (t: string): number => {
    const upper = t.toUpperCase();
    if (index === 4 && CRON_MONTHS.includes(upper)) return CRON_MONTHS.indexOf(upper) + 1;
    if (index === 5 && CRON_DAYS.includes(upper)) return CRON_DAYS.indexOf(upper);
    const n = Number(t);
    if (!/^\d+$/.test(t) || n < lo || n > hi) throw bad(`'${t}' is not within ${lo}-${hi} in the ${name} field`);
    return n;
  };
  for (const part of text.split(',')) {
    const pieces = part.split('/');
    if (pieces.length > 2 || pieces[0] === '') throw bad(`'${part}' in the ${name} field is not a value, range or step`);
    const [range, stepText] = pieces as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!/^\d*$/.test(stepText ?? '') || !Number.isInteger(step) || step < 1) throw bad(`'${part}' has a bad step in the ${name} field`);
    let from: number;
    let to: number;
    if (range === '*' || range === '?') [from, to] = [lo, hi];
    else if (range.includes('-')) {
      const ends = range.split('-');
      if (ends.length !== 2) throw bad(`'${range}' is not a range in the ${name} field`);
      [from, to] = ends.map(value) as [number, number];
      if (from > to) throw bad(`the range '${range}' runs backwards in the ${name} field`);
    } else [from, to] = [value(range), stepText === undefined ? value(range) : hi];
    for (let v = from; v <= to; v += step) allowed[v] = true;
  }
  if (index === 5 && allowed[7]) allowed[0] = true;
  return allowed;
}
