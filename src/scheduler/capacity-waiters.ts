/**
 * @module scheduler/capacity-waiters
 * Invocations waiting for capacity (a freed slot, or a stopped instance's quota share). Each
 * waits until it is woken or until its own deadline on the injected clock, whichever comes first.
 */
import type { Clock } from '../time/clock.js';

export class CapacityWaiters {
  readonly #clock: Clock;
  readonly #waiters = new Set<() => void>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get size(): number {
    return this.#waiters.size;
  }

  /** Resolves when {@link wakeAll} is called, or at `untilMs`. */
  wait(untilMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.#waiters.delete(wake);
        this.#clock.clearTimeout(timer);
        resolve();
      };
      const timer = this.#clock.setTimeout(wake, Math.max(0, untilMs - this.#clock.now()));
      this.#waiters.add(wake);
    });
  }

  /** Capacity may have been freed: every waiter looks again. */
  wakeAll(): void {
    for (const wake of [...this.#waiters]) wake();
  }
}
