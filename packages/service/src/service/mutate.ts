import type { Tx } from '../store/db';
import type { Ctx } from './context';
import type { HubEvent } from './event-hub';
import { Journal } from './journal';
import type { BalanceSnapshot, EventCause, LedgerEntry } from '@cutline/contract/api';

export interface MutationOutcome<T> {
  value: T;
  entries: LedgerEntry[];
  events: HubEvent[];
  /** Each affected account's snapshot after the change: the `balance` of its event payload. */
  balances: Map<string, BalanceSnapshot>;
}

/**
 * Runs one mutation as a single transaction: `fn` reads and writes through `tx` and records what
 * changed in the journal; the journal is committed (ledger rows, versions, event rows) in the
 * same transaction, and the events are published only after the commit succeeded.
 */
export async function mutate<T>(
  ctx: Ctx,
  cause: Omit<EventCause, 'entry'>,
  fn: (tx: Tx, journal: Journal, now: number) => Promise<T>,
): Promise<MutationOutcome<T>> {
  const out = await ctx.db.transaction(async (tx) => {
    const now = ctx.clock.now();
    const journal = new Journal(cause);
    const value = await fn(tx, journal, now);
    const { events, entries, balances } = await journal.commit(tx, now);
    return { value, events, entries, balances };
  });
  ctx.hub.publish(out.events);
  return out;
}
