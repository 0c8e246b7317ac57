/**
 * The sweep that writes `expire` entries for batches past their expiry. Balances never wait
 * for it (reads skip expired batches by time); it makes the history complete and pushes the
 * change to connected devices.
 */
import { pruneEventsBefore } from '../../db/event-log';
import type { Tx } from '../../db/db';
import { lockAccount, lockTeam } from '../accounts/state';
import { dueBatches, emptyExpiredBatch, ownersWithDueBatches, type ExpiringBatch } from './records';
import type { Ctx } from '../kernel/context';
import type { Journal } from '../kernel/journal';
import { mutate } from '../kernel/mutate';
import { ok } from '../kernel/outcome';
import { poolRemaining } from '../teams/records';
import { queuePoolLow } from '../webhooks/pool-watch';

/**
 * Writes the `expire` entries of an owner's batches and empties them (`cutAt`: their expiry moves
 * to that instant, a cycle ended early). The caller holds the owner's lock.
 */
export async function expireBatches(
  tx: Tx,
  journal: Journal,
  owner: { ownerKind: 'user' | 'team'; ownerId: string },
  batches: readonly ExpiringBatch[],
  cutAt?: number,
): Promise<void> {
  for (const b of batches) {
    await emptyExpiredBatch(tx, b.id, cutAt);
    journal.add({
      userId: owner.ownerKind === 'user' ? owner.ownerId : null,
      scopeId: owner.ownerId,
      kind: 'expire',
      amount: b.remaining,
      unit: 'credits',
      type: b.type,
      batchId: b.id,
    });
  }
}

/** Touches the owner's account(s): a user's own, or every member of a team. */
export function touchOwner(journal: Journal, owner: { ownerKind: 'user' | 'team'; ownerId: string }): void {
  if (owner.ownerKind === 'team') journal.touchTeam(owner.ownerId);
  else journal.touchUser(owner.ownerId);
}

/**
 * Writes the due expiries, one owner per transaction. A team pool that an expiry takes below a
 * webhook's `poolLowBelow` queues `pool.low` in the same transaction — unless the team's cycle is
 * ending (its subscription batch expires and the next cycle's grant refills the pool).
 */
export async function expireDueBatches(ctx: Ctx, limit = 500): Promise<number> {
  const due = await ctx.db.read((tx) => ownersWithDueBatches(tx, ctx.clock.now(), limit));
  let webhooks = 0;
  for (const owner of due) {
    await mutate(ctx, { kind: 'expire' }, async (tx, journal, at) => {
      const team = owner.ownerKind === 'team' ? await lockTeam(tx, owner.ownerId) : null;
      if (!team) await lockAccount(tx, owner.ownerId);
      const batches = await dueBatches(tx, owner.ownerId, at);
      await expireBatches(tx, journal, owner, batches);
      if (batches.length) touchOwner(journal, owner);
      if (team && batches.length && team.cycle_ends_at > at) {
        const after = await poolRemaining(tx, team.id, at);
        const lost = batches.reduce((n, b) => n + (b.type === 'subscription' ? b.remaining : 0), 0);
        webhooks += await queuePoolLow(tx, team, after + lost, after, at);
      }
      return ok();
    });
  }
  if (webhooks) ctx.wakeOutbox?.();
  return due.length;
}

/** Event rows only serve gap-filling between instances; an hour is plenty. */
export async function pruneEvents(ctx: Ctx, keepMs = 3_600_000): Promise<void> {
  await pruneEventsBefore(ctx.db, ctx.clock.now() - keepMs);
}
