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

  /** Counts a hit only while the key is under its limit; false (and nothing counted) when it is not. */
  take(key: string): boolean {
    if (this.isLimited(key)) return false;
    return this.hit(key);
  }

  /** Gives back one hit of the current window (an attempt that turned out legitimate). */
  refund(key: string): void {
    const w = this.hits.get(key);
    if (w && this.now() - w.start < this.windowMs && w.count > 0) w.count -= 1;
  }

  isLimited(key: string): boolean {
    const w = this.hits.get(key);
    return !!w && this.now() - w.start < this.windowMs && w.count >= this.max;
  }

  private prune(t: number): void {
    for (const [k, w] of this.hits) if (t - w.start >= this.windowMs) this.hits.delete(k);
  }
}

/** How many things per key are running right now, with a cap. */
export class InFlight {
  private readonly running = new Map<string, number>();
  constructor(private readonly max: number) {}

  /** Starts one for `key`; false when `max` are already running. */
  enter(key: string): boolean {
    const n = this.running.get(key) ?? 0;
    if (n >= this.max) return false;
    this.running.set(key, n + 1);
    return true;
  }

  leave(key: string): void {
    const n = (this.running.get(key) ?? 1) - 1;
    if (n <= 0) this.running.delete(key);
    else this.running.set(key, n);
  }
}

export interface SignInAttempt {
  /** The password was right: the attempt is given back (only failures use up the allowance). */
  succeeded(): void;
  /** Always call when the check is over (in a `finally`). */
  end(): void;
}

/**
 * The password-guessing guard of both sign-in forms (`/oauth/authorize`, web `/signin`): an
 * attempt is counted *before* its password is checked — so a burst cannot slip through while
 * the first checks run — and refused when the email or the client address has used its
 * allowance (10 and 100 attempts per 5 minutes) or already has attempts in flight (2 and 16;
 * such a refusal still counts). A correct password gives its attempt back.
 */
export class SignInGuard {
  private readonly perEmail: RateLimiter;
  private readonly perAddress: RateLimiter;
  private readonly emailsInFlight = new InFlight(2);
  private readonly addressesInFlight = new InFlight(16);

  constructor(now: () => number) {
    this.perEmail = new RateLimiter(10, 5 * 60_000, now);
    this.perAddress = new RateLimiter(100, 5 * 60_000, now);
  }

  /** A started attempt, or null: refuse with 429 and check nothing. */
  begin(email: string, address: string): SignInAttempt | null {
    if (this.perEmail.isLimited(email) || this.perAddress.isLimited(address)) return null;
    // Counted first: an attempt refused for being one too many in flight still uses allowance.
    this.perEmail.hit(email);
    this.perAddress.hit(address);
    if (!this.emailsInFlight.enter(email)) return null;
    if (!this.addressesInFlight.enter(address)) {
      this.emailsInFlight.leave(email);
      return null;
    }
    let ended = false;
    return {
      succeeded: () => {
        this.perEmail.refund(email);
        this.perAddress.refund(address);
      },
      end: () => {
        if (ended) return;
        ended = true;
        this.emailsInFlight.leave(email);
        this.addressesInFlight.leave(address);
      },
    };
  }
}

const guards = new WeakMap<object, SignInGuard>();

/** The one guard of a service instance, shared by both sign-in forms (keyed by its context). */
export function signInGuard(ctx: { clock: { now(): number } }): SignInGuard {
  let g = guards.get(ctx);
  if (!g) guards.set(ctx, (g = new SignInGuard(() => ctx.clock.now())));
  return g;
}
