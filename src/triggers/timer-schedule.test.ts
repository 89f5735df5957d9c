import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nextPoint, parseTimerSchedule, pointsBetween } from './timer-schedule.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('timer cronExpression', () => {
  test('six-field cron with seconds and steps names every fifth minute', () => {
    const s = parseTimerSchedule('0 0/5 * * * *');
    assert.equal(iso(nextPoint(s, at('2026-03-01T10:02:17Z'), 0)), '2026-03-01T10:05:00.000Z');
    assert.equal(iso(nextPoint(s, at('2026-03-01T10:05:00Z'), 0)), '2026-03-01T10:10:00.000Z');
  });

  test('names, ranges and lists: weekdays at 09:30:15', () => {
    const s = parseTimerSchedule('15 30 9 ? JAN-DEC MON-FRI');
    // 2026-03-07 is a Saturday.
    assert.equal(iso(nextPoint(s, at('2026-03-06T10:00:00Z'), 0)), '2026-03-09T09:30:15.000Z');
    assert.equal(iso(nextPoint(parseTimerSchedule('0 0 12 1,15 * *'), at('2026-03-02T00:00:00Z'), 0)), '2026-03-15T12:00:00.000Z');
  });

  test('CRON_TZ evaluates the fields on the wall clock of that zone', () => {
    const s = parseTimerSchedule('CRON_TZ=Asia/Shanghai 0 0 4 * * *');
    assert.equal(iso(nextPoint(s, at('2026-03-01T00:00:00Z'), 0)), '2026-03-01T20:00:00.000Z');
  });

  test('descriptors such as @hourly', () => {
    assert.equal(iso(nextPoint(parseTimerSchedule('@hourly'), at('2026-03-01T10:59:59Z'), 0)), '2026-03-01T11:00:00.000Z');
  });

  test('@every counts from its anchor', () => {
    const s = parseTimerSchedule('@every 1m30s');
    assert.equal(s.kind === 'every' && s.intervalMs, 90_000);
    const anchor = at('2026-03-01T00:00:00Z');
    assert.equal(iso(nextPoint(s, anchor, anchor)), '2026-03-01T00:01:30.000Z');
    assert.equal(iso(nextPoint(s, anchor + 100_000, anchor)), '2026-03-01T00:03:00.000Z');
  });

  test('pointsBetween counts missed points and finds the newest', () => {
    const s = parseTimerSchedule('0 * * * * *');
    const r = pointsBetween(s, at('2026-03-01T00:00:00Z'), at('2026-03-01T00:05:30Z'), 0);
    assert.equal(r.count, 5);
    assert.equal(iso(r.newestMs), '2026-03-01T00:05:00.000Z');
    const e = pointsBetween(parseTimerSchedule('@every 1m'), 0, 330_000, 0);
    assert.deepEqual(e, { count: 5, newestMs: 300_000, isCapped: false });
    const capped = pointsBetween(parseTimerSchedule('* * * * * *'), 0, 3_600_000, 0, 100);
    assert.equal(capped.isCapped, true);
    assert.equal(capped.newestMs, 3_600_000);
  });

  test('refuses malformed expressions with a message saying why', () => {
    for (const [expr, why] of [
      ['0 0 4 * *', /five|5 fields/],
      ['0 61 * * * *', /0-59 in the minutes field/],
      ['0 0 0 30 FEB *', /names no point/],
      ['CRON_TZ=Mars/Olympus 0 0 4 * * *', /IANA time zone/],
      ['@every 0s', /at least 1s/],
      ['@every 5 minutes', /duration/],
      ['@weekdays', /not one of/],
      ['0 0/0 * * * *', /bad step/],
    ] as const) {
      assert.throws(() => parseTimerSchedule(expr), (e: Error & { code?: string }) => e.code === 'InvalidArgument' && why.test(e.message), expr);
    }
  });
});
