/** Unit tests of the cron schedule shared by timer triggers and scheduled provisioning. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTimeZone, matchesCron, nextCronPoint, parseCronSchedule, wallClock, wallClockFormatter } from './cron-schedule.js';

const bad = (why: string) => new Error(why);

test('matching a second and finding the next point agree, in UTC and in a zone with daylight saving', () => {
  for (const [expr, zone] of [['*/20 15 1-3 * * ?', 'UTC'], ['0 30 2 * * *', 'America/New_York'], ['10 0 0 1 * MON', 'Europe/Berlin']] as const) {
    const s = parseCronSchedule(expr, zone, bad);
    // Three days around the 2026 spring-forward in New York (March 8, 07:00 UTC) in 997-second
    // strides, and the four hours around the switch in 7-second strides.
    const dst = Date.UTC(2026, 2, 8, 7);
    const times: number[] = [];
    for (let t = dst - 36 * 3_600_000; t < dst + 36 * 3_600_000; t += 997_000) times.push(Math.floor(t / 1000) * 1000);
    for (let t = dst - 2 * 3_600_000; t < dst + 2 * 3_600_000; t += 7_000) times.push(t);
    for (const t of times) {
      const next = nextCronPoint(s, t - 1000)!;
      assert.equal(next === t, matchesCron(s, t), `${expr} in ${zone} at ${new Date(t).toISOString()}`);
      assert.ok(next >= t);
    }
  }
});

test('with both day fields restricted a day matching either matches; with one of them * or ? only the other counts', () => {
  const either = parseCronSchedule('0 0 0 1 * MON', 'UTC', bad);
  assert.equal(matchesCron(either, Date.UTC(2026, 5, 1)), true, 'the 1st (a Monday in June 2026)');
  assert.equal(matchesCron(either, Date.UTC(2026, 6, 1)), true, 'July 1st 2026 is a Wednesday: the day of month matches');
  assert.equal(matchesCron(either, Date.UTC(2026, 6, 6)), true, 'July 6th 2026 is a Monday');
  assert.equal(matchesCron(either, Date.UTC(2026, 6, 7)), false);
  const mondays = parseCronSchedule('0 0 0 ? * MON', 'UTC', bad);
  assert.equal(matchesCron(mondays, Date.UTC(2026, 6, 1)), false);
  assert.equal(matchesCron(mondays, Date.UTC(2026, 6, 6)), true);
});

test('a wall clock skipped by daylight saving never matches, and the next point is the next real one', () => {
  const s = parseCronSchedule('0 30 2 * * *', 'America/New_York', bad);
  // 2026-03-08 02:30 does not exist in New York; the next 02:30 is on March 9 (06:30 UTC, EDT).
  assert.equal(nextCronPoint(s, Date.UTC(2026, 2, 8, 5, 0, 0)), Date.UTC(2026, 2, 9, 6, 30, 0));
});

test('zones, wall clocks and refusals', () => {
  assert.equal(isTimeZone('Asia/Shanghai'), true);
  assert.equal(isTimeZone('Mars/Olympus'), false);
  assert.deepEqual(wallClock(Date.UTC(2026, 10, 22, 14, 5, 6), wallClockFormatter('Asia/Shanghai')), { year: 2026, month: 11, day: 22, hour: 22, minute: 5, second: 6, weekday: 0 });
  assert.throws(() => parseCronSchedule('0 0 0 30 FEB ?', 'UTC', bad), /names no point/);
  assert.throws(() => parseCronSchedule('0 0 0 * *', 'UTC', bad), /five|not six/);
});
