/**
 * Captured charges over a period, read in pages: each page one index range scan per account
 * (`charges_captured (user_id, settled_at)`, or `charges_project` for one project — migration 9)
 * with the charge's parts summed by type, so a period costs what the period holds, however long
 * the account's history.
 */
import type { CreditType, Platform } from '@cutline/contract/credit-types';
import type { Tx } from '../../db/db';
import { num } from '../../ledger-wire';

/** One captured charge as usage reports it. */
export interface CapturedCharge {
  id: string;
  userId: string;
  email: string;
  tool: string;
  projectId: string | null;
  projectName: string | null;
  capturedAt: number;
  /** Credits captured, and by type (a Pro-use charge: 0). */
  credits: number;
  byType: Record<CreditType, number>;
  /** Pro uses it took (0 for a credit charge). */
  proUses: number;
  devicePlatform: Platform | null;
  deviceId: string | null;
}

/**
 * Whose charges: one account's (`userId`), or every member's that drew on a team's pool
 * (`teamId`: charges with a part from one of the team's batches); optionally one project's.
 */
export type UsageFilter = ({ userId: string; teamId?: undefined } | { teamId: string; userId?: undefined }) & { projectId?: string };

/** Where a page starts: after this (captured at, id). */
export type PageCursor = { at: number; id: string } | null;

export async function capturedPage(tx: Tx, f: UsageFilter, from: number, to: number, after: PageCursor, limit: number): Promise<CapturedCharge[]> {
  const params: unknown[] = [];
  let where: string;
  if (f.teamId !== undefined) {
    // A member's charges (each member's range of the index) with a part from the pool.
    where = `u.team_id = ? AND c.status = 'captured'
      AND EXISTS (SELECT 1 FROM allocations p JOIN batches b ON b.id = p.batch_id WHERE p.charge_id = c.id AND b.owner_id = ?)`;
    params.push(f.teamId, f.teamId);
  } else {
    where = "c.user_id = ? AND c.status = 'captured'";
    params.push(f.userId);
  }
  if (f.projectId !== undefined) {
    where += ' AND c.project_id = ?';
    params.push(f.projectId);
  }
  where += ' AND c.settled_at >= ? AND c.settled_at < ?';
  params.push(from, to);
  if (after) {
    where += ' AND (c.settled_at > ? OR (c.settled_at = ? AND c.id > ?))';
    params.push(after.at, after.at, after.id);
  }
  params.push(limit);
  const rows = await tx.all<Record<string, unknown>>(
    `SELECT c.id, c.user_id, u.email, c.tool, c.project_id, c.project_name, c.settled_at, c.pro_uses, c.device_platform, c.device_id,
            COALESCE(SUM(CASE WHEN a.type = 'subscription' THEN a.amount END), 0) AS subscription,
            COALESCE(SUM(CASE WHEN a.type = 'activity' THEN a.amount END), 0) AS activity,
            COALESCE(SUM(CASE WHEN a.type = 'purchased' THEN a.amount END), 0) AS purchased
       FROM charges c JOIN users u ON u.id = c.user_id LEFT JOIN allocations a ON a.charge_id = c.id
      WHERE ${where}
      GROUP BY c.id, c.user_id, u.email, c.tool, c.project_id, c.project_name, c.settled_at, c.pro_uses, c.device_platform, c.device_id
      ORDER BY c.settled_at, c.id
      LIMIT ?`,
    params,
  );
  return rows.map((r) => {
    const byType = { subscription: num(r.subscription), activity: num(r.activity), purchased: num(r.purchased) };
    return {
      id: String(r.id),
      userId: String(r.user_id),
      email: String(r.email),
      tool: String(r.tool),
      projectId: (r.project_id as string | null) ?? null,
      projectName: (r.project_name as string | null) ?? null,
      capturedAt: num(r.settled_at),
      credits: byType.subscription + byType.activity + byType.purchased,
      byType,
      proUses: num(r.pro_uses),
      devicePlatform: (r.device_platform as Platform | null) ?? null,
      deviceId: (r.device_id as string | null) ?? null,
    };
  });
}
