/** Billing cycles: a cycle's grant, renewing now (admin), and rolling the cycles that ended (the sweep). */
import { cyclesDue, refillProUses, setTeamCycle, setUserCycle } from './records';
import type { Me } from '@cutline/contract/api';
import { creditsPerCycle, cycleDays, DAY_MS } from '../../ledger/plans';
import type { Tx } from '../../db/db';
import { getTeam, lockAccount, lockTeam, meNow } from './state';
import { cycleBatches } from '../batches/records';
import type { Ctx } from '../kernel/context';
import { conflict } from '../kernel/errors';
import { expireBatches, touchOwner } from '../batches/expiry';
import { insertBatch } from '../batches/grants';
import type { Journal } from '../kernel/journal';
import { mutate } from '../kernel/mutate';
import { ok } from '../kernel/outcome';
import type { TeamRow, UserRow } from '../kernel/rows';
import { resetPoolUse } from '../teams/records';

/** The current cycle's grant of a personal plan: Pro uses (legacy, not exchanged) or subscription credits. */
export async function grantCycle(tx: Tx, journal: Journal, user: UserRow, start: number, end: number): Promise<void> {
  if (user.pro_uses_per_cycle !== null && user.exchanged === 0) {
    await refillProUses(tx, user.id, user.pro_uses_per_cycle);
    journal.add({ userId: user.id, scopeId: user.id, kind: 'grant', amount: user.pro_uses_per_cycle, unit: 'proUses', type: null, batchId: null });
    journal.touchUser(user.id);
    return;
  }
  const credits = creditsPerCycle(user.plan, user.billing);
  if (credits > 0) {
    await insertBatch(tx, journal, { ownerKind: 'user', ownerId: user.id, type: 'subscription', amount: credits, expiresAt: end, source: 'cycle', grantedAt: start }, start);
  }
}

/** Expires the owner's subscription batches valid for the cycle ending at `cycleEnd` (cycle grants and exchanges) at `now`. */
async function endCycleBatches(tx: Tx, journal: Journal, owner: { ownerKind: 'user' | 'team'; ownerId: string }, cycleEnd: number, now: number): Promise<void> {
  await expireBatches(tx, journal, owner, await cycleBatches(tx, owner.ownerId, cycleEnd), now);
  touchOwner(journal, owner);
}

/** Starts the cycle [start, start + length) for a personal plan, granting its credits or Pro uses. */
async function startUserCycle(tx: Tx, journal: Journal, user: UserRow, start: number): Promise<void> {
  const end = start + cycleDays(user.billing) * DAY_MS;
  await setUserCycle(tx, user.id, start, end);
  await grantCycle(tx, journal, { ...user, cycle_started_at: start, cycle_ends_at: end }, start, end);
}

/** A team's new cycle: its dates, every member's pool `used` back to 0 (docs/product.md § Teams), the pool's grant. */
async function startTeamCycle(tx: Tx, journal: Journal, team: TeamRow, start: number): Promise<void> {
  const end = start + team.cycle_days * DAY_MS;
  await setTeamCycle(tx, team.id, start, end);
  await resetPoolUse(tx, team.id);
  journal.touchTeam(team.id); // every member's limit changed with it
  if (team.credits_per_cycle > 0) {
    await insertBatch(tx, journal, { ownerKind: 'team', ownerId: team.id, type: 'subscription', amount: team.credits_per_cycle, expiresAt: end, source: 'cycle', grantedAt: start }, start);
  }
}

/** The start of the latest cycle due at `at`, for a cycle of length `len` that ended at `ended`. */
const latestStart = (ended: number, len: number, at: number) => ended + Math.floor((at - ended) / len) * len;

/**
 * `POST /admin/v1/users/:id/renew`: ends the current cycle now and starts the next. For a Teams
 * member it renews the team's cycle (subscription credits belong to the team).
 */
export async function renewNow(ctx: Ctx, userId: string): Promise<Me> {
  // a new cycle: new dates (and Pro uses), which every device reloads with the account
  await mutate(ctx, { kind: 'grant', account: true }, async (tx, journal, now) => {
    const user = await lockAccount(tx, userId);
    if (user.team_id) {
      const team = (await getTeam(tx, user.team_id))!; // locked with the account
      await endCycleBatches(tx, journal, { ownerKind: 'team', ownerId: team.id }, team.cycle_ends_at, now);
      await startTeamCycle(tx, journal, team, now);
      return ok();
    }
    if (user.plan !== 'pro' || user.cycle_ends_at === null) throw conflict('this account has no billing cycle to renew');
    await endCycleBatches(tx, journal, { ownerKind: 'user', ownerId: user.id }, user.cycle_ends_at, now);
    await startUserCycle(tx, journal, user, now);
    return ok();
  });
  return meNow(ctx, userId);
}

/** Cycles that ended while nobody renewed them (the sweep): the latest due cycle starts. */
export async function rollDueCycles(ctx: Ctx, limit = 100): Promise<number> {
  const now = ctx.clock.now();
  const { users, teams } = await ctx.db.read((tx) => cyclesDue(tx, now, limit));
  for (const id of users) {
    await mutate(ctx, { kind: 'grant', account: true }, async (tx, journal, at) => {
      const u = await lockAccount(tx, id);
      if (u.cycle_ends_at !== null && u.cycle_ends_at <= at) {
        await startUserCycle(tx, journal, u, latestStart(u.cycle_ends_at, cycleDays(u.billing) * DAY_MS, at));
      }
      return ok();
    });
  }
  for (const id of teams) {
    await mutate(ctx, { kind: 'grant', account: true }, async (tx, journal, at) => {
      const t = await lockTeam(tx, id);
      if (t.cycle_ends_at <= at) await startTeamCycle(tx, journal, t, latestStart(t.cycle_ends_at, t.cycle_days * DAY_MS, at));
      return ok();
    });
  }
  return users.length + teams.length;
}
