/**
 * Sign-ins the app started and has not finished: state → PKCE verifier. Each state can be taken
 * once, and only within ten minutes of being issued.
 */
export const PENDING_SIGN_IN_TTL_MS = 10 * 60 * 1000;

interface Pending {
  verifier: string;
  issuedAt: number;
}

export class PendingSignIns {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs = PENDING_SIGN_IN_TTL_MS,
  ) {}

  add(state: string, verifier: string): void {
    this.prune();
    this.pending.set(state, { verifier, issuedAt: this.now() });
  }

  /** True while `state` was issued by us, is unused and unexpired. Does not consume it. */
  has(state: string): boolean {
    const entry = this.pending.get(state);
    return entry !== undefined && !this.expired(entry);
  }

  /** The verifier for `state`, removing it; null for an unknown, used or expired state. */
  take(state: string): string | null {
    const entry = this.pending.get(state);
    if (!entry) return null;
    this.pending.delete(state);
    return this.expired(entry) ? null : entry.verifier;
  }

  /** Forgets every pending sign-in (the user cancelled): a callback for any of them is refused. */
  clear(): void {
    this.pending.clear();
  }

  get size(): number {
    this.prune();
    return this.pending.size;
  }

  private expired(entry: Pending): boolean {
    return this.now() - entry.issuedAt >= this.ttlMs;
  }

  private prune(): void {
    for (const [state, entry] of this.pending) if (this.expired(entry)) this.pending.delete(state);
  }
}
