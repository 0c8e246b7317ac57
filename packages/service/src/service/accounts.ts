/** Users, teams, billing cycles, admin grants and the Pro-uses exchange. */
import type { Batch, Me } from '@cutline/contract/api';
import { exchangeCredits, type CreditType, type Plan } from '@cutline/contract/credit-types';
import { creditsPerCycle, cycleDays, DAY_MS, type Billing } from '../ledger/plans';
import type { Tx } from '../store/db';
import { getTeam, getUser, proUsesOf, requireUser } from './account-state';
import type { Ctx } from './context';
import { conflict, invalid, notFound, ServiceError } from './errors';
import { insertBatch } from './grants';
import { newId } from './ids';
import type { Journal } from './journal';
import { mutate } from './mutate';
import { hashPassword } from './passwords';
import { isoOrNull, type TeamRow, type UserRow } from './rows';

export function meOf(u: UserRow): Me {
  return {
    id: u.id,
    email: u.email,
    plan: u.plan,
    teamId: u.team_id,
    proUses: proUsesOf(u),
    exchanged: u.exchanged === 1,
    cycleEndsAt: isoOrNull(u.cycle_ends_at),
  };
}

export interface NewUser {
  email: string;
  password: string;
  plan: Plan;
  billing: Billing;
  proUses: number | null;
  teamId: string | null;
}

export async function createUser(ctx: Ctx, input: NewUser): Promise<Me> {
  if (input.proUses !== null && input.plan !== 'pro') throw invalid('proUses is only for a legacy Pro plan');
  // A teams seat may start without a team (API.md: `teamId: null`, then
  // `POST /admin/v1/teams/:id/members`): until it joins it has no team pool, only its own batches.
  const passwordHash = await hashPassword(input.password);
  const email = input.email.trim().toLowerCase();
  const out = await mutate(ctx, { kind: 'grant' }, async (tx, journal, now) => {
    if (await tx.get('SELECT id FROM users WHERE email = ?', [email])) throw conflict('a user with this email already exists');
    if (input.teamId) {
      await tx.lock('teams', [input.teamId]);
      if (!(await getTeam(tx, input.teamId))) throw notFound('team');
    }
    const id = newId('u');
    const personalCycle = input.plan === 'pro';
    const end = personalCycle ? now + cycleDays(input.billing) * DAY_MS : null;
    await tx.run(
      `INSERT INTO users (id, email, password_hash, plan, billing, team_id, pro_uses_remaining, pro_uses_per_cycle,
        exchanged, cycle_started_at, cycle_ends_at, version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 0, ?)`,
      [id, email, passwordHash, input.plan, input.billing, input.teamId, input.proUses, input.proUses,
        personalCycle ? now : null, end, now],
    );
    const user = await requireUser(tx, id);
    if (personalCycle) await grantCycle(tx, journal, user, now, end!);
    journal.touchUser(id);
    return id;
  });
  return ctx.db.read(async (tx) => meOf(await requireUser(tx, out.value)));
}

/** The current cycle's grant of a personal plan: Pro uses (legacy, not exchanged) or subscription credits. */
async function grantCycle(tx: Tx, journal: Journal, user: UserRow, start: number, end: number): Promise<void> {
  if (user.pro_uses_per_cycle !== null && user.exchanged === 0) {
    await tx.run('UPDATE users SET pro_uses_remaining = ? WHERE id = ?', [user.pro_uses_per_cycle, user.id]);
    journal.add({ userId: user.id, scopeId: user.id, kind: 'grant', amount: user.pro_uses_per_cycle, unit: 'proUses', type: null, batchId: null });
    journal.touchUser(user.id);
    return;
  }
  const credits = creditsPerCycle(user.plan, user.billing);
  if (credits > 0) {
    await insertBatch(tx, journal, { ownerKind: 'user', ownerId: user.id, type: 'subscription', amount: credits, expiresAt: end, source: 'cycle', grantedAt: start }, start);
  }
}

export async function createTeam(ctx: Ctx, name: string, perCycle: number, billing: Billing = 'monthly'): Promise<{ id: string; name: string; creditsPerCycle: number; cycleEndsAt: string }> {
  const out = await mutate(ctx, { kind: 'grant' }, async (tx, journal, now) => {
    const id = newId('t');
    const end = now + cycleDays(billing) * DAY_MS;
    await tx.run(
      'INSERT INTO teams (id, name, credits_per_cycle, cycle_days, cycle_started_at, cycle_ends_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [id, name, perCycle, cycleDays(billing), now, end, now],
    );
    if (perCycle > 0) {
      await insertBatch(tx, journal, { ownerKind: 'team', ownerId: id, type: 'subscription', amount: perCycle, expiresAt: end, source: 'cycle' }, now);
    }
    return { id, name, creditsPerCycle: perCycle, cycleEndsAt: new Date(end).toISOString() };
  });
  return out.value;
}

export async function addTeamMember(ctx: Ctx, teamId: string, userId: string): Promise<Me> {
  const out = await mutate(ctx, { kind: 'grant' }, async (tx, journal) => {
    await tx.lock('teams', [teamId]);
    if (!(await getTeam(tx, teamId))) throw notFound('team');
    await tx.lock('users', [userId]);
    const user = await getUser(tx, userId);
    if (!user) throw notFound('user');
    if (user.team_id && user.team_id !== teamId) throw conflict('the user already belongs to another team');
    await tx.run("UPDATE users SET team_id = ?, plan = 'teams' WHERE id = ?", [teamId, userId]);
    journal.touchUser(userId); // the team pool is now part of their balance
    return userId;
  });
  return ctx.db.read(async (tx) => meOf(await requireUser(tx, out.value)));
}

export interface AdminGrant {
  userId?: string;
  teamId?: string;
  type: CreditType;
  amount: number;
  expiresAt: number | null;
  source: string;
}

export async function adminGrant(ctx: Ctx, g: AdminGrant): Promise<Batch> {
  const out = await mutate(ctx, { kind: 'grant' }, async (tx, journal, now) => {
    if (g.expiresAt !== null && g.expiresAt <= now) throw invalid('expiresAt must be in the future');
    const ownerKind = g.teamId ? 'team' : 'user';
    const ownerId = (g.teamId ?? g.userId)!;
    if (ownerKind === 'team') {
      await tx.lock('teams', [ownerId]);
      if (!(await getTeam(tx, ownerId))) throw notFound('team');
    } else {
      await tx.lock('users', [ownerId]);
      if (!(await getUser(tx, ownerId))) throw notFound('user');
    }
    return insertBatch(tx, journal, { ownerKind, ownerId, type: g.type, amount: g.amount, expiresAt: g.expiresAt, source: g.source }, now);
  });
  return out.value;
}

/** Expires the owner's subscription batches valid for the cycle ending at `cycleEnd` (cycle grants and exchanges) at `now`. */
async function endCycleBatches(tx: Tx, journal: Journal, ownerKind: 'user' | 'team', ownerId: string, cycleEnd: number, now: number): Promise<void> {
  const rows = await tx.all<{ id: string; type: CreditType; remaining: unknown }>(
    "SELECT id, type, remaining FROM batches WHERE owner_id = ? AND type = 'subscription' AND expires_at = ? AND remaining > 0",
    [ownerId, cycleEnd],
  );
  for (const b of rows) {
    const amount = Number(b.remaining);
    await tx.run('UPDATE batches SET expires_at = ?, remaining = 0, expire_logged = 1 WHERE id = ?', [now, b.id]);
    journal.add({ userId: ownerKind === 'user' ? ownerId : null, scopeId: ownerId, kind: 'expire', amount, unit: 'credits', type: b.type, batchId: b.id });
  }
  if (ownerKind === 'user') journal.touchUser(ownerId);
  else journal.touchTeam(ownerId);
}

/** Starts the cycle [start, start + length) for a personal plan, granting its credits or Pro uses. */
async function startUserCycle(tx: Tx, journal: Journal, user: UserRow, start: number): Promise<void> {
  const end = start + cycleDays(user.billing) * DAY_MS;
  await tx.run('UPDATE users SET cycle_started_at = ?, cycle_ends_at = ? WHERE id = ?', [start, end, user.id]);
  await grantCycle(tx, journal, { ...user, cycle_started_at: start, cycle_ends_at: end }, start, end);
}

async function startTeamCycle(tx: Tx, journal: Journal, team: TeamRow, start: number): Promise<void> {
  const end = start + team.cycle_days * DAY_MS;
  await tx.run('UPDATE teams SET cycle_started_at = ?, cycle_ends_at = ? WHERE id = ?', [start, end, team.id]);
  if (team.credits_per_cycle > 0) {
    await insertBatch(tx, journal, { ownerKind: 'team', ownerId: team.id, type: 'subscription', amount: team.credits_per_cycle, expiresAt: end, source: 'cycle', grantedAt: start }, start);
  }
}

/**
 * `POST /admin/v1/users/:id/renew`: ends the current cycle now and starts the next. For a Teams
 * member it renews the team's cycle (subscription credits belong to the team).
 */
export async function renewNow(ctx: Ctx, userId: string): Promise<Me> {
  await mutate(ctx, { kind: 'grant' }, async (tx, journal, now) => {
    const pre = await requireUser(tx, userId);
    if (pre.team_id) {
      await tx.lock('teams', [pre.team_id]);
      const team = (await getTeam(tx, pre.team_id))!;
      await endCycleBatches(tx, journal, 'team', team.id, team.cycle_ends_at, now);
      await startTeamCycle(tx, journal, team, now);
      return;
    }
    await tx.lock('users', [userId]);
    const user = await requireUser(tx, userId);
    if (user.plan !== 'pro' || user.cycle_ends_at === null) throw conflict('this account has no billing cycle to renew');
    await endCycleBatches(tx, journal, 'user', user.id, user.cycle_ends_at, now);
    await startUserCycle(tx, journal, user, now);
  });
  return ctx.db.read(async (tx) => meOf(await requireUser(tx, userId)));
}

/** Cycles that ended while nobody renewed them (the sweep): the latest due cycle starts. */
export async function rollDueCycles(ctx: Ctx, limit = 100): Promise<number> {
  const now = ctx.clock.now();
  const { users, teams } = await ctx.db.read(async (tx) => ({
    users: await tx.all<{ id: string }>("SELECT id FROM users WHERE plan = 'pro' AND cycle_ends_at <= ? LIMIT ?", [now, limit]),
    teams: await tx.all<{ id: string }>('SELECT id FROM teams WHERE cycle_ends_at <= ? LIMIT ?', [now, limit]),
  }));
  for (const { id } of users) {
    await mutate(ctx, { kind: 'grant' }, async (tx, journal, at) => {
      await tx.lock('users', [id]);
      const u = await requireUser(tx, id);
      if (u.cycle_ends_at === null || u.cycle_ends_at > at) return;
      const len = cycleDays(u.billing) * DAY_MS;
      const start = u.cycle_ends_at + Math.floor((at - u.cycle_ends_at) / len) * len;
      await startUserCycle(tx, journal, u, start);
    });
  }
  for (const { id } of teams) {
    await mutate(ctx, { kind: 'grant' }, async (tx, journal, at) => {
      await tx.lock('teams', [id]);
      const t = (await getTeam(tx, id))!;
      if (t.cycle_ends_at > at) return;
      const len = t.cycle_days * DAY_MS;
      await startTeamCycle(tx, journal, t, t.cycle_ends_at + Math.floor((at - t.cycle_ends_at) / len) * len);
    });
  }
  return users.length + teams.length;
}

export interface ExchangeResult {
  proUses: number;
  credits: number;
  batch: Batch | null;
  validUntil: string;
}

/** What an exchange would give now, for the confirm page. */
export async function exchangePreview(ctx: Ctx, userId: string): Promise<ExchangeResult & { eligible: boolean; reason: string | null }> {
  return ctx.db.read(async (tx) => {
    const u = await requireUser(tx, userId);
    const remaining = u.pro_uses_remaining ?? 0;
    const reason = exchangeRefusal(u);
    return {
      eligible: reason === null,
      reason,
      proUses: remaining,
      credits: exchangeCredits(remaining),
      batch: null,
      validUntil: new Date(u.cycle_ends_at ?? ctx.clock.now()).toISOString(),
    };
  });
}

function exchangeRefusal(u: UserRow): string | null {
  if (u.exchanged === 1) return 'This account has already exchanged its Pro uses; an exchange happens only once.';
  if (u.pro_uses_per_cycle === null || u.plan !== 'pro') return 'This account has no Pro uses to exchange.';
  return null;
}

/**
 * The one-time, irreversible exchange of every remaining Pro use for subscription credits at
 * the published rate, valid until the current cycle ends (PRODUCT.md § Credits 8).
 */
export async function exchangeProUses(ctx: Ctx, userId: string): Promise<ExchangeResult> {
  const out = await mutate(ctx, { kind: 'exchange' }, async (tx, journal, now) => {
    await tx.lock('users', [userId]);
    const u = await requireUser(tx, userId);
    const reason = exchangeRefusal(u);
    if (reason) throw u.exchanged === 1 ? conflict(reason) : new ServiceError('forbidden', reason);
    const open = await tx.get("SELECT id FROM charges WHERE user_id = ? AND status = 'held' AND uses_pro_use = 1", [userId]);
    if (open) throw conflict('An AI action paid with a Pro use is still running; finish or cancel it first.');
    const proUses = u.pro_uses_remaining ?? 0;
    const credits = exchangeCredits(proUses);
    const end = u.cycle_ends_at ?? now;
    await tx.run('UPDATE users SET pro_uses_remaining = 0, exchanged = 1 WHERE id = ?', [userId]);
    journal.add({ userId, scopeId: userId, kind: 'exchange', amount: proUses, unit: 'proUses', type: null, batchId: null });
    journal.touchUser(userId);
    const batch =
      credits > 0 && end > now
        ? await insertBatch(tx, journal, { ownerKind: 'user', ownerId: userId, type: 'subscription', amount: credits, expiresAt: end, source: 'exchange', kind: 'exchange' }, now)
        : null;
    return { proUses, credits: batch ? credits : 0, batch, validUntil: new Date(end).toISOString() };
  });
  return out.value;
}
