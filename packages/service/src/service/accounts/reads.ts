/** Read-only views of an account: profile, balance snapshot, history, the events a stream missed. */
import type { BalanceSnapshot, LedgerPage, Me } from '@cutline/contract/api';
import type { Plan } from '@cutline/contract/credit-types';
import type { Billing } from '../../ledger/plans';
import type { HubEvent } from '../../events';
import { eventsBetween } from '../../db/event-log';
import { meNow, requireUser, snapshotOf } from './state';
import { chargeStatusesOf } from '../charges/records';
import type { Ctx } from '../kernel/context';
import { invalid } from '../kernel/errors';
import { LEDGER_JOINS, ledgerWire } from '../../ledger-wire';

export function me(ctx: Ctx, userId: string): Promise<Me> {
  return meNow(ctx, userId);
}

export function balance(ctx: Ctx, userId: string): Promise<BalanceSnapshot> {
  return ctx.db.read(async (tx) => snapshotOf(tx, await requireUser(tx, userId), ctx.clock.now()));
}

/** An account's plan as the pricing and upgrade pages show it. */
export interface PlanView {
  plan: Plan;
  billing: Billing;
  /** Its entry in `PLAN_CATALOGUE`: free, pro-monthly, pro-annual or teams. */
  catalogueId: string;
  /** A legacy Pro account still paying with Pro uses (not exchanged to credits). */
  onProUses: boolean;
  /** When the current billing cycle ends (ms), if the plan has one. */
  cycleEndsAt: number | null;
}

export async function planView(ctx: Ctx, userId: string): Promise<PlanView> {
  const u = await ctx.db.read((tx) => requireUser(tx, userId));
  return {
    plan: u.plan,
    billing: u.billing,
    catalogueId: u.plan === 'pro' ? (u.billing === 'annual' ? 'pro-annual' : 'pro-monthly') : u.plan,
    onProUses: u.pro_uses_per_cycle !== null && u.exchanged === 0,
    cycleEndsAt: u.cycle_ends_at,
  };
}

/** The account's committed events after version `after` up to `upTo`, in order: a stream's gap. */
export function missedEvents(ctx: Ctx, userId: string, after: number, upTo: number): Promise<HubEvent[]> {
  return ctx.db.read((tx) => eventsBetween(tx, userId, after, upTo));
}

/**
 * History newest first: the account's own entries and its team pool's (grants, expiries, and
 * every member's holds, captures and releases of pool credits, each naming the member). The cursor
 * is the sequence number of the last entry returned; each side is an index range scan with a
 * limit, so a page costs the same however long the history is.
 */
export function ledgerPage(ctx: Ctx, userId: string, limit: number, before?: string): Promise<LedgerPage> {
  let cursor = Number.MAX_SAFE_INTEGER;
  if (before !== undefined) {
    if (!/^[0-9]{1,15}$/.test(before)) throw invalid('before must be a cursor returned by this endpoint');
    cursor = Number(before);
  }
  return ctx.db.read(async (tx) => {
    const user = await requireUser(tx, userId);
    const sql =
      `SELECT ${LEDGER_JOINS.columns} FROM ${LEDGER_JOINS.from} WHERE l.scope_id = ? AND l.seq < ? ORDER BY l.seq DESC LIMIT ?`;
    let rows = await tx.all(sql, [userId, cursor, limit + 1]);
    if (user.team_id) {
      const team = await tx.all(sql, [user.team_id, cursor, limit + 1]);
      rows = rows.concat(team).sort((a, b) => Number(b.seq) - Number(a.seq));
    }
    const page = rows.slice(0, limit);
    const more = rows.length > limit;
    return { entries: page.map(ledgerWire), next: more ? String(page[page.length - 1].seq) : null };
  });
}

/** The status of each charge (by id) among `ids`: to tell a hold whose capture is on a newer history page. */
export async function chargeStatuses(ctx: Ctx, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  return ctx.db.read((tx) => chargeStatusesOf(tx, ids));
}
