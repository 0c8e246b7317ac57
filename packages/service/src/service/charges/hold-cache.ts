/**
 * The hold → capture batch cache: what a batch of charge steps left an account with, so the step
 * that usually follows — the capture of the hold just made — reads neither the account's batches
 * nor the charge again.
 *
 * INVARIANT (what makes an entry right): an entry describes the account exactly as of `version`
 * — every batch the account owns that can still matter to it (live ones, and those its open
 * holds drew from), with `remaining` as committed, and some of its open holds with their parts.
 * Every committed change to an account's batches, charges or Pro uses bumps its version in the
 * same transaction, under the account's lock (kernel/journal.ts `commitAll`), so an entry whose
 * `version` equals the version of the account's row *as locked* is what a read would return.
 * Time is the one thing that moves without a version: users of an entry apply their own `now`
 * (a batch counts only while live; a hold lapses at its expiry). Accounts without a team only:
 * a team's pool is shared with teammates.
 *
 * HOW A BREACH IS CAUGHT: a batch that used an entry writes the batches it moved with a statement
 * that returns their `remaining` as stored, and checks each against what the entry said
 * (charges/records.ts `moveBatches`); a mismatch throws `InvariantBroken`, the batch is rolled
 * back, the engine forgets the entries of its accounts and runs it again from the rows
 * (charges/engine.ts), and the observer hears of it. (A capture moves no batch: its snapshot
 * is built from the entry and is right as long as the invariant holds; the next write of the
 * account's batches checks them.)
 *
 * One cache per charge engine (per database); the oldest entry goes first beyond `max`; an
 * entry is replaced by every batch that touches its account. Entries share their batch and
 * charge objects with the batches that use them: a batch replaces an object that changes, never
 * changes it (charges/batch.ts).
 */
import type { BatchState } from '../../ledger/types';
import type { ChargeRow, OwnedPart } from './records';

/** An open hold as stored: its row and its parts (with whose batch each drew from). */
export interface KnownCharge {
  row: ChargeRow;
  parts: readonly OwnedPart[];
}

export interface HoldCacheEntry {
  version: number;
  batches: readonly BatchState[];
  /** Some of the account's open (held) charges, by id. */
  holds: ReadonlyMap<string, KnownCharge>;
}

export class HoldCache {
  private readonly entries = new Map<string, HoldCacheEntry>();

  constructor(private readonly max = 10_000) {}

  /** The entry for an account locked at `version` (teamless), or null; a stale entry is dropped. */
  take(userId: string, version: number, teamId: string | null): HoldCacheEntry | null {
    const e = this.entries.get(userId);
    if (!e) return null;
    if (e.version !== version || teamId !== null) {
      this.entries.delete(userId);
      return null;
    }
    return e;
  }

  /** What a committed batch left the account with, at the version it gave the account. */
  keep(userId: string, entry: HoldCacheEntry): void {
    this.entries.delete(userId); // re-inserted last: the Map's order is the eviction order
    this.entries.set(userId, entry);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  forget(userIds: Iterable<string>): void {
    for (const id of userIds) this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }
}
