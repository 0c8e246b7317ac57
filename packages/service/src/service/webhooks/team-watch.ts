/**
 * What a change to a team's pool or members tells the team's webhooks, in the change's own
 * transaction (docs/api.md § Webhooks for team admins):
 * - `pool.low` when the pool falls below a subscription's `poolLowBelow` (pool-watch.ts's rule);
 * - `member.limit_near` when a member's `used + held` reaches the subscription's
 *   `memberNearPercent` % of their limit, `member.limit_reached` when it reaches the limit.
 * Each fires once per subscription, subject and team cycle (queue.ts `claimCrossing`). A team
 * without webhooks costs one indexed read.
 */
import type { WebhookEventType } from '@cutline/contract/webhooks';
import type { Tx } from '../../db/db';
import { limitView } from '../../ledger/member-limit';
import { getTeam } from '../accounts/state';
import { queuePoolLow } from './pool-watch';
import { queueTeamEvent } from './queue';
import { teamWebhooks, type WebhookRow } from './records';

/** A member's pool use has reached `percent` % of the limit (nothing used never counts). */
export const nearLimit = (used: number, limit: number, percent: number): boolean => used > 0 && used * 100 >= limit * percent;
/** A member's pool use has reached the limit (nothing used never counts). */
export const reachedLimit = (used: number, limit: number): boolean => used > 0 && used >= limit;

const MEMBER_EVENTS: readonly WebhookEventType[] = ['member.limit_near', 'member.limit_reached'];

export interface TeamChange {
  /** The pool's live subscription credits before and after the change (a charge's hold). */
  pool?: { before: number; after: number };
  /** Members whose pool use or limit the change moved. */
  members?: readonly string[];
}

/** Queues the events `change` causes for the team's subscriptions; answers how many deliveries were queued. */
export async function queueTeamChange(tx: Tx, teamId: string, change: TeamChange, now: number): Promise<number> {
  const hooks = await teamWebhooks(tx, teamId);
  if (!hooks.length) return 0;
  const team = await getTeam(tx, teamId);
  if (!team) return 0;
  let queued = 0;
  if (change.pool) queued += await queuePoolLow(tx, team, change.pool.before, change.pool.after, now, hooks);
  if (change.members?.length && hooks.some((h) => h.events.some((e) => MEMBER_EVENTS.includes(e)))) {
    queued += await queueMemberLimits(tx, team, change.members, hooks, now);
  }
  return queued;
}

async function queueMemberLimits(tx: Tx, team: { id: string; name: string; cycle_started_at: number }, memberIds: readonly string[], hooks: WebhookRow[], now: number): Promise<number> {
  // The pool counters the charge engine keeps on each member's row (written by this transaction's change already).
  const members = await tx.all<{ id: string; email: string; team_limit: unknown; pool_used: unknown; pool_held: unknown }>(
    `SELECT id, email, team_limit, pool_used, pool_held FROM users WHERE team_id = ? AND team_limit IS NOT NULL AND id IN (${memberIds.map(() => '?').join(', ')}) ORDER BY id`,
    [team.id, ...memberIds],
  );
  let queued = 0;
  for (const m of members) {
    const use = { used: Number(m.pool_used), held: Number(m.pool_held) };
    const limit = limitView({ credits: Number(m.team_limit), ...use })!;
    const total = use.used + use.held;
    const data = (extra: Record<string, unknown>) => ({ teamId: team.id, teamName: team.name, member: { id: m.id, email: m.email }, limit, ...extra });
    const crossing = { subject: m.id, cycleStartedAt: team.cycle_started_at };
    queued += await queueTeamEvent(
      tx,
      team.id,
      { type: 'member.limit_near', data: (h) => (nearLimit(total, limit.credits, h.member_near_percent) ? data({ memberNearPercent: h.member_near_percent }) : null), crossing },
      now,
      hooks,
    );
    queued += await queueTeamEvent(tx, team.id, { type: 'member.limit_reached', data: () => (reachedLimit(total, limit.credits) ? data({}) : null), crossing }, now, hooks);
  }
  return queued;
}
