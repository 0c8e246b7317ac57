/**
 * Admission control for the database reads of event streams: at most `limit` run at once, the
 * rest wait in arrival order. A storm of reconnects then queues here instead of taking the
 * connections (PostgreSQL pool, SQLite's single queue) that charges need.
 */
export class Admission {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`admission limit must be a positive integer, got ${limit}`);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next waiter
      else this.running--;
    }
  }

  /** Reads waiting for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }
}
