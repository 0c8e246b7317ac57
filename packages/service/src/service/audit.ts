/**
 * The audit at the edge: reads the rows the books are made of in one snapshot and hands them to
 * the pure recomputation (`ledger/audit.ts`). Used by `GET /admin/v1/audit` and `npm run audit`.
 */
import { auditBooks, type AuditBatch, type AuditCharge, type AuditReport } from '../ledger/audit';
import type { Db } from '../db/db';
import type { Ctx } from './kernel/context';

/** The audit of the service's own database, now (`GET /admin/v1/audit`). */
export function auditNow(ctx: Ctx): Promise<AuditReport> {
  return auditDb(ctx.db, ctx.clock.now());
}

export async function auditDb(db: Db, now: number): Promise<AuditReport> {
  return db.read(async (tx) => {
    const accounts = await tx.all<{ id: string; team_id: string | null; pool_held: unknown }>('SELECT id, team_id, pool_held FROM users');
    const batches = await tx.all<{ id: string; owner_id: string; owner_kind: string; type: string; amount: unknown; remaining: unknown; expires_at: unknown }>(
      'SELECT id, owner_id, owner_kind, type, amount, remaining, expires_at FROM batches',
    );
    const charges = await tx.all<{ id: string; user_id: string; status: string; cost: unknown; uses_pro_use: unknown }>(
      'SELECT id, user_id, status, cost, uses_pro_use FROM charges',
    );
    const allocations = await tx.all<{ charge_id: string; batch_id: string; amount: unknown }>('SELECT charge_id, batch_id, amount FROM allocations');
    const entries = await tx.all<{ kind: string; batch_id: string | null; charge_id: string | null; amount: unknown; n: unknown }>(
      `SELECT kind, batch_id, charge_id, SUM(amount) AS amount, COUNT(*) AS n FROM ledger WHERE unit = 'credits'
       GROUP BY kind, batch_id, charge_id`,
    );
    return auditBooks({
      now,
      accounts: accounts.map((a) => ({ id: a.id, teamId: a.team_id, poolHeld: Number(a.pool_held) })),
      batches: batches.map(
        (b): AuditBatch => ({
          id: b.id,
          ownerId: b.owner_id,
          ownerKind: b.owner_kind === 'team' ? 'team' : 'user',
          type: b.type,
          amount: Number(b.amount),
          remaining: Number(b.remaining),
          expiresAt: b.expires_at === null ? null : Number(b.expires_at),
        }),
      ),
      charges: charges.map(
        (c): AuditCharge => ({ id: c.id, userId: c.user_id, status: c.status as AuditCharge['status'], cost: Number(c.cost), usesProUse: Number(c.uses_pro_use) === 1 }),
      ),
      allocations: allocations.map((a) => ({ chargeId: a.charge_id, batchId: a.batch_id, amount: Number(a.amount) })),
      entries: entries.map((e) => ({ kind: e.kind, batchId: e.batch_id, chargeId: e.charge_id, amount: Number(e.amount), count: Number(e.n) })),
    });
  });
}

/** One line per drift and a summary line, for the script. */
export function describeReport(r: AuditReport): string {
  const head = `audit: ${r.checked.accounts} accounts, ${r.checked.batches} batches, ${r.checked.charges} charges, ${r.checked.entries} credit entries — `;
  if (r.ok) return `${head}the books add up`;
  return [`${head}${r.drifts.length} drift(s)`, ...r.drifts.map((d) => `  ${JSON.stringify(d)}`)].join('\n');
}
