/**
 * The sweep that writes `expire` entries for batches past their expiry. Balances never wait
 * for it (reads skip expired batches by time); it makes the history complete and pushes the
 * change to connected devices.
 */
import type { CreditType } from '@cutline/contract/credit-types';
import { lockAccount, lockTeam } from './account-state';
import type { Ctx } from './context';
import { mutate } from './mutate';
import { ok } from './outcome';

export async function expireDueBatches(ctx: Ctx, limit = 500): Promise<number> {
  const now = ctx.clock.now();
  const due = await ctx.db.read((tx) =>
    tx.all<{ owner_id: string; owner_kind: 'user' | 'team' }>(
      `SELECT DISTINCT owner_id, owner_kind FROM batches
       WHERE remaining > 0 AND expire_logged = 0 AND expires_at IS NOT NULL AND expires_at <= ? LIMIT ?`,
      [now, limit],
    ),
  );
  for (const owner of due) {
    await mutate(ctx, { kind: 'expire' }, async (tx, journal, at) => {
      if (owner.owner_kind === 'team') await lockTeam(tx, owner.owner_id);
      else await lockAccount(tx, owner.owner_id);
      const rows = await tx.all<{ id: string; type: CreditType; remaining: unknown }>(
        `SELECT id, type, remaining FROM batches WHERE owner_id = ? AND remaining > 0 AND expire_logged = 0
         AND expires_at IS NOT NULL AND expires_at <= ?`,
        [owner.owner_id, at],
      );
      for (const b of rows) {
        await tx.run('UPDATE batches SET remaining = 0, expire_logged = 1 WHERE id = ?', [b.id]);
        journal.add({
          userId: owner.owner_kind === 'user' ? owner.owner_id : null,
          scopeId: owner.owner_id,
          kind: 'expire',
          amount: Number(b.remaining),
          unit: 'credits',
          type: b.type,
          batchId: b.id,
        });
      }
      if (rows.length) {
        if (owner.owner_kind === 'team') journal.touchTeam(owner.owner_id);
        else journal.touchUser(owner.owner_id);
      }
      return ok();
    });
  }
  return due.length;
}

/** Event rows only serve gap-filling between instances; an hour is plenty. */
export async function pruneEvents(ctx: Ctx, keepMs = 3_600_000): Promise<void> {
  const cutoff = ctx.clock.now() - keepMs;
  // Read first: an idle sweep must not cost a durable write transaction every period.
  const stale = await ctx.db.read((tx) => tx.get('SELECT 1 AS x FROM events WHERE at < ? LIMIT 1', [cutoff]));
  if (stale) await ctx.db.transaction((tx) => tx.run('DELETE FROM events WHERE at < ?', [cutoff]));
}
