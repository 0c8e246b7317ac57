/**
 * The team pool's webhook events (docs/api.md § Webhooks for team admins):
 * - `pool.low`: the pool — the team's live subscription credits, what its members spend first —
 *   falls below a subscription's `poolLowBelow`. Detected where the pool's remaining changes, in
 *   that change's transaction (a charge's hold, a batch's expiry): before ≥ threshold > after.
 * - `pool.expiring`: pool credits that expire within 72 hours (the sweep looks every pass), once
 *   per batch.
 * Each fires once per subscription and team cycle (queue.ts `claimCrossing`).
 */
import type { Db, Tx } from '../../db/db';
import type { TeamRow } from '../kernel/rows';
import { iso } from '../kernel/rows';
import { num } from '../../ledger-wire';
import { queueTeamEvent } from './queue';
import type { WebhookRow } from './records';

/** How far ahead `pool.expiring` looks. */
export const EXPIRING_WITHIN_MS = 72 * 3_600_000;

/** The pure rule of a downward crossing: it was at or above the threshold and is now below it. */
export const fellBelow = (before: number, after: number, threshold: number): boolean => before >= threshold && after < threshold;

/**
 * The pool went from `before` to `after` credits in this transaction: `pool.low` to each
 * subscription whose threshold it fell below (once per team cycle). Answers how many were queued.
 */
export function queuePoolLow(
  tx: Tx,
  team: Pick<TeamRow, 'id' | 'name' | 'cycle_started_at' | 'cycle_ends_at'>,
  before: number,
  after: number,
  now: number,
  hooks?: readonly WebhookRow[],
): Promise<number> {
  if (after >= before) return Promise.resolve(0);
  return queueTeamEvent(
    tx,
    team.id,
    {
      type: 'pool.low',
      data: (hook) =>
        hook.pool_low_below !== null && fellBelow(before, after, hook.pool_low_below)
          ? { teamId: team.id, teamName: team.name, remaining: after, poolLowBelow: hook.pool_low_below, cycleEndsAt: iso(team.cycle_ends_at) }
          : null,
      crossing: { subject: '', cycleStartedAt: team.cycle_started_at },
    },
    now,
    hooks,
  );
}

interface ExpiringPoolBatch {
  team_id: string;
  team_name: string;
  cycle_started_at: unknown;
  batch_id: string;
  remaining: unknown;
  expires_at: unknown;
}

/**
 * The sweep's part: pool batches entering the 72-hour window that a subscription asking for
 * `pool.expiring` has not been told of this cycle. A read first (an idle pass writes nothing), then
 * one transaction per team. Answers how many deliveries were queued.
 */
export async function queuePoolExpiring(db: Db, now: number): Promise<number> {
  const due = await db.read((tx) =>
    tx.all<ExpiringPoolBatch>(
      `SELECT DISTINCT t.id AS team_id, t.name AS team_name, t.cycle_started_at, b.id AS batch_id, b.remaining, b.expires_at
         FROM webhooks w
         JOIN teams t ON t.id = w.team_id
         JOIN batches b ON b.owner_id = w.team_id AND b.remaining > 0 AND b.expires_at > ? AND b.expires_at <= ?
        WHERE b.type = 'subscription' AND w.events LIKE '%"pool.expiring"%'
          AND NOT EXISTS (SELECT 1 FROM webhook_crossings c
                           WHERE c.webhook_id = w.id AND c.type = 'pool.expiring' AND c.subject = b.id AND c.cycle_started_at = t.cycle_started_at)`,
      [now, now + EXPIRING_WITHIN_MS],
    ),
  );
  let queued = 0;
  for (const b of due) {
    queued += await db.transaction((tx) =>
      queueTeamEvent(
        tx,
        b.team_id,
        {
          type: 'pool.expiring',
          data: () => ({ teamId: b.team_id, teamName: b.team_name, batchId: b.batch_id, credits: num(b.remaining), expiresAt: iso(num(b.expires_at)) }),
          crossing: { subject: b.batch_id, cycleStartedAt: num(b.cycle_started_at) },
        },
        now,
      ),
    );
  }
  return queued;
}
