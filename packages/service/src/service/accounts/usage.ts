/**
 * Reads behind the credits dashboard and the exchange result page: credits spent per day by
 * type (from `capture` ledger entries — a capture is credits actually spent; holds that were
 * released never count), and the record of a past Pro-uses exchange.
 */
import type { CreditType } from '@cutline/contract/credit-types';
import { DAY_MS } from '../../ledger/plans';
import type { Ctx } from '../kernel/context';

export interface DaySpend {
  /** Start of the UTC day, ms since the epoch. */
  day: number;
  byType: Record<CreditType, number>;
  total: number;
}

/**
 * Credits spent on each of the last `days` UTC days (today included), oldest first. One
 * aggregate over the account's capture entries in the window (index on scope, kind, time), so
 * the cost follows the window's activity, not the account's history.
 */
export async function spentPerDay(ctx: Ctx, userId: string, days = 30): Promise<DaySpend[]> {
  const now = ctx.clock.now();
  const today = Math.floor(now / DAY_MS);
  const first = today - (days - 1);
  const rows = await ctx.db.read((tx) =>
    tx.all<{ day: unknown; type: CreditType; spent: unknown }>(
      `SELECT at / ${DAY_MS} AS day, type, SUM(amount) AS spent FROM ledger
       WHERE (scope_id = ? OR (scope_id = (SELECT team_id FROM users WHERE id = ?) AND user_id = ?)) AND kind = 'capture' AND unit = 'credits' AND at >= ?
       GROUP BY at / ${DAY_MS}, type`,
      [userId, userId, userId, first * DAY_MS],
    ),
  );
  const out: DaySpend[] = [];
  for (let d = first; d <= today; d++) out.push({ day: d * DAY_MS, byType: { subscription: 0, activity: 0, purchased: 0 }, total: 0 });
  for (const r of rows) {
    const slot = out[Math.floor(Number(r.day)) - first];
    if (!slot || !(r.type in slot.byType)) continue;
    const n = Number(r.spent);
    slot.byType[r.type] += n;
    slot.total += n;
  }
  return out;
}

export interface ExchangeRecord {
  at: number;
  proUses: number;
  credits: number;
  batchId: string | null;
  validUntil: number | null;
}

/** The account's exchange (there is at most one), or null if it never exchanged. */
export async function exchangeRecord(ctx: Ctx, userId: string): Promise<ExchangeRecord | null> {
  const rows = await ctx.db.read((tx) =>
    tx.all<{ at: unknown; amount: unknown; unit: string; batch_id: string | null; expires_at: unknown }>(
      `SELECT l.at, l.amount, l.unit, l.batch_id, b.expires_at FROM ledger l LEFT JOIN batches b ON b.id = l.batch_id
       WHERE l.scope_id = ? AND l.kind = 'exchange' ORDER BY l.at`,
      [userId],
    ),
  );
  const uses = rows.find((r) => r.unit === 'proUses');
  if (!uses) return null;
  const credits = rows.find((r) => r.unit === 'credits');
  return {
    at: Number(uses.at),
    proUses: Number(uses.amount),
    credits: credits ? Number(credits.amount) : 0,
    batchId: credits?.batch_id ?? null,
    validUntil: credits && credits.expires_at !== null ? Number(credits.expires_at) : null,
  };
}
