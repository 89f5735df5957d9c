/** Schedule expressions: cron with seconds, names, steps and time zones; at() once. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPlatformError } from '../errors/index.js';
import { firesAt, parseSchedule } from './schedule.js';

test('cron fires on matching seconds, in its time zone', () => {
  const daily = parseSchedule('cron(0 0 22 * * *)', 'Asia/Shanghai');
  assert.equal(firesAt(daily, Date.UTC(2026, 10, 22, 14, 0, 0)), true, '22:00 in Shanghai is 14:00 UTC');
  assert.equal(firesAt(daily, Date.UTC(2026, 10, 22, 22, 0, 0)), false);
  assert.equal(firesAt(daily, Date.UTC(2026, 10, 22, 14, 0, 1)), false);
  const weekdays = parseSchedule('cron(*/15 30 9 ? JAN-DEC MON-FRI)');
  assert.equal(firesAt(weekdays, Date.UTC(2026, 10, 23, 9, 30, 45)), true, 'a Monday, second 45');
  assert.equal(firesAt(weekdays, Date.UTC(2026, 10, 22, 9, 30, 45)), false, 'a Sunday');
  assert.equal(firesAt(parseSchedule('cron(0 0 0 1 1,7 7)'), Date.UTC(2023, 0, 1)), true, '7 is Sunday too; 2023-01-01 was a Sunday');
});

test('at() fires once, at a wall-clock time in its zone or in UTC', () => {
  const utc = parseSchedule('at(2026-11-22T13:00:00Z)');
  assert.equal(firesAt(utc, Date.UTC(2026, 10, 22, 13, 0, 0)), true);
  assert.equal(firesAt(utc, Date.UTC(2026, 10, 22, 13, 0, 1)), false);
  const shanghai = parseSchedule('at(2026-11-22T21:00:00)', 'Asia/Shanghai');
  assert.equal(shanghai.kind === 'at' && shanghai.atMs, Date.UTC(2026, 10, 22, 13, 0, 0));
});

test('bad expressions and zones are InvalidArgument', () => {
  for (const [expr, tz] of [['cron(0 0 22 * *)', 'UTC'], ['cron(61 0 0 * * *)', 'UTC'], ['every day', 'UTC'], ['cron(0 0 0 * * *)', 'Mars/Olympus']]) {
    assert.throws(() => parseSchedule(expr!, tz), (e) => isPlatformError(e, 'InvalidArgument'), `${expr} ${tz}`);
  }
});
