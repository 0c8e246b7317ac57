import type { Tx } from '../../db/db';
import type { Ctx } from './context';
import type { HubEvent } from '../../events';
import { Journal } from './journal';
import { afterCommit, type Outcome } from './outcome';
import type { BalanceSnapshot, EventCause, LedgerEntry } from '@cutline/contract/api';

export interface MutationOutcome<T> {
  value: T;
  entries: LedgerEntry[];
  events: HubEvent[];
  /** Each affected account's snapshot after the change: the `balance` of its event payload. */
  balances: Map<string, BalanceSnapshot>;
}

/**
 * Runs one mutation as a single transaction: `fn` reads and writes through `tx`, records what
 * changed in the journal and returns an `Outcome` (outcome.ts). The journal is committed (ledger
 * rows, versions, event rows) in the same transaction — a refusal's changes too — and only after
 * the commit succeeded are the events published and the refusal thrown (`afterCommit`).
 */
export async function mutate<T>(
  ctx: Ctx,
  cause: Omit<EventCause, 'entry'>,
  fn: (tx: Tx, journal: Journal, now: number) => Promise<Outcome<T>>,
): Promise<MutationOutcome<T>> {
  const out = await ctx.db.transaction(async (tx) => {
    const now = ctx.clock.now();
    const journal = new Journal(cause);
    const outcome = await fn(tx, journal, now);
    const { events, entries, balances } = await journal.commit(tx, now);
    return { outcome, events, entries, balances };
  });
  const value = afterCommit(ctx.hub, out.outcome, out.events);
  return { value, events: out.events, entries: out.entries, balances: out.balances };
}
