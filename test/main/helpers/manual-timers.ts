/**
 * A virtual clock for the core's `Timers` port: nothing runs until the test advances time, then
 * everything due runs in time order (including what those callbacks schedule).
 */
import type { Timers } from '../../../src/main/core/timers';

export class ManualTimers implements Timers {
  private t: number;
  private ids = 0;
  private queue: Array<{ at: number; fn: () => void; id: number }> = [];

  constructor(start = Date.parse('2026-12-01T09:00:00.000Z')) {
    this.t = start;
  }

  now = (): number => this.t;

  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.ids;
    this.queue.push({ at: this.t + Math.max(0, ms), fn, id });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.queue = this.queue.filter((q) => q.id !== handle);
  };

  /** Moves time forward by `ms`, running every callback that comes due. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.queue[0];
      if (!next || next.at > end) break;
      this.queue.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }

  /** Callbacks waiting, and when they are due (ms from now). */
  get pending(): number[] {
    return this.queue.map((q) => q.at - this.t).sort((a, b) => a - b);
  }
}
