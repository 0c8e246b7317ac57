/** A fixed-window counter per key: at most `max` hits per `windowMs`. In memory, per instance. */
export class RateLimiter {
  private readonly hits = new Map<string, { start: number; count: number }>();
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a hit; false when the key is over its limit. */
  hit(key: string): boolean {
    const t = this.now();
    const w = this.hits.get(key);
    if (!w || t - w.start >= this.windowMs) {
      if (this.hits.size > 10_000) this.prune(t);
      this.hits.set(key, { start: t, count: 1 });
      return true;
    }
    w.count += 1;
    return w.count <= this.max;
  }

  isLimited(key: string): boolean {
    const w = this.hits.get(key);
    return !!w && this.now() - w.start < this.windowMs && w.count >= this.max;
  }

  private prune(t: number): void {
    for (const [k, w] of this.hits) if (t - w.start >= this.windowMs) this.hits.delete(k);
  }
}
