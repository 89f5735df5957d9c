/**
 * @module time/clock
 * Time as a dependency: domain code reads `clock.now()` and schedules with `clock.setTimeout()`,
 * never `Date.now()` or the global timers, so tests can drive time with a {@link FakeClock}.
 */

/** An opaque handle returned by {@link Clock.setTimeout}. */
export interface TimerHandle {
  /** Lets the process exit while this timer is pending (a no-op on fake clocks). */
  unref(): TimerHandle;
}

/** The source of time for every service that waits, expires or schedules. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  setTimeout(fn: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

class SystemTimer implements TimerHandle {
  constructor(readonly timeout: NodeJS.Timeout) {}
  unref(): TimerHandle {
    this.timeout.unref();
    return this;
  }
}

/** The real clock. */
export function createSystemClock(): Clock {
  return {
    now: () => Date.now(),
    setTimeout: (fn, delayMs) => new SystemTimer(setTimeout(fn, Math.max(0, delayMs))),
    clearTimeout: (handle) => {
      if (handle instanceof SystemTimer) clearTimeout(handle.timeout);
    },
  };
}

interface FakeTimer extends TimerHandle {
  readonly id: number;
  readonly dueAt: number;
  readonly fn: () => void;
}

/**
 * A clock whose time only moves when a test calls {@link FakeClock.advance}.
 * Timers due within the advanced window fire in due order.
 */
export class FakeClock implements Clock {
  #now: number;
  #nextId = 1;
  #timers = new Map<number, FakeTimer>();

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    const timer: FakeTimer = {
      id: this.#nextId++,
      dueAt: this.#now + Math.max(0, delayMs),
      fn,
      unref() {
        return this;
      },
    };
    this.#timers.set(timer.id, timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle && 'id' in handle) this.#timers.delete((handle as FakeTimer).id);
  }

  /** Number of timers not yet fired. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      let next: FakeTimer | undefined;
      for (const t of this.#timers.values()) if (t.dueAt <= target && (!next || t.dueAt < next.dueAt)) next = t;
      if (!next) break;
      this.#timers.delete(next.id);
      this.#now = next.dueAt;
      next.fn();
    }
    this.#now = target;
  }
}
