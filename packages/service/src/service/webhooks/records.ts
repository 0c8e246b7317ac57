/**
 * The webhook aggregate's storage: a team's subscriptions (`webhooks`), the events sent to them
 * (`webhook_deliveries`: body, status, attempts, last answer) and what already fired
 * (`webhook_crossings`), with their typed rows and wire shapes.
 */
import type { Webhook, WebhookDelivery, WebhookEventType } from '@cutline/contract/webhooks';
import type { Db, Tx } from '../../db/db';
import { iso, isoOrNull, numOrNull } from '../kernel/rows';
import { num } from '../../ledger-wire';

export interface WebhookRow {
  id: string;
  team_id: string;
  url: string;
  events: WebhookEventType[];
  secret: string;
  pool_low_below: number | null;
  member_near_percent: number;
  created_by: string;
  created_at: number;
}

const webhookRow = (r: Record<string, unknown>): WebhookRow => ({
  ...(r as unknown as WebhookRow),
  events: JSON.parse(String(r.events)) as WebhookEventType[],
  pool_low_below: numOrNull(r.pool_low_below),
  member_near_percent: num(r.member_near_percent),
  created_at: num(r.created_at),
});

export const webhookWire = (w: WebhookRow): Webhook => ({
  id: w.id,
  url: w.url,
  events: w.events,
  poolLowBelow: w.pool_low_below,
  memberNearPercent: w.member_near_percent,
  createdAt: iso(w.created_at),
});

export async function insertWebhook(tx: Tx, w: WebhookRow): Promise<void> {
  await tx.run(
    `INSERT INTO webhooks (id, team_id, url, events, secret, pool_low_below, member_near_percent, created_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [w.id, w.team_id, w.url, JSON.stringify(w.events), w.secret, w.pool_low_below, w.member_near_percent, w.created_by, w.created_at],
  );
}

export async function teamWebhooks(tx: Tx, teamId: string): Promise<WebhookRow[]> {
  const rows = await tx.all('SELECT * FROM webhooks WHERE team_id = ? ORDER BY created_at, id', [teamId]);
  return rows.map(webhookRow);
}

export async function countTeamWebhooks(tx: Tx, teamId: string): Promise<number> {
  const r = await tx.get<{ n: unknown }>('SELECT COUNT(*) AS n FROM webhooks WHERE team_id = ?', [teamId]);
  return num(r?.n ?? 0);
}

export async function teamWebhook(tx: Tx, teamId: string, id: string): Promise<WebhookRow | undefined> {
  const r = await tx.get('SELECT * FROM webhooks WHERE id = ? AND team_id = ?', [id, teamId]);
  return r ? webhookRow(r) : undefined;
}

/** The subscription and every trace of it: its deliveries and what it fired. */
export async function deleteWebhook(tx: Tx, id: string): Promise<void> {
  await tx.run('DELETE FROM webhook_deliveries WHERE webhook_id = ?', [id]);
  await tx.run('DELETE FROM webhook_crossings WHERE webhook_id = ?', [id]);
  await tx.run('DELETE FROM webhooks WHERE id = ?', [id]);
}

/**
 * Records that `webhookId` fired `type` for `subject` in the team cycle that started at
 * `cycleStartedAt`: true the first time, false when it already had (one statement, so two
 * transactions racing for the same crossing cannot both win).
 */
export async function claimCrossing(tx: Tx, webhookId: string, type: string, subject: string, cycleStartedAt: number, now: number): Promise<boolean> {
  const r = await tx.run(
    'INSERT INTO webhook_crossings (webhook_id, type, subject, cycle_started_at, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    [webhookId, type, subject, cycleStartedAt, now],
  );
  return r.changes === 1;
}

export interface DeliveryRow {
  id: string;
  webhook_id: string;
  type: string;
  body: string;
  status: WebhookDelivery['status'];
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

const deliveryRow = (r: Record<string, unknown>): DeliveryRow => ({
  ...(r as unknown as DeliveryRow),
  attempts: num(r.attempts),
  last_status: numOrNull(r.last_status),
  created_at: num(r.created_at),
  delivered_at: numOrNull(r.delivered_at),
});

export const deliveryWire = (d: DeliveryRow): WebhookDelivery => ({
  id: d.id,
  type: d.type,
  status: d.status,
  attempts: d.attempts,
  lastStatus: d.last_status,
  lastError: d.last_error,
  createdAt: iso(d.created_at),
  deliveredAt: isoOrNull(d.delivered_at),
});

export async function insertDelivery(tx: Tx, d: Pick<DeliveryRow, 'id' | 'webhook_id' | 'type' | 'body' | 'created_at'>): Promise<void> {
  await tx.run("INSERT INTO webhook_deliveries (id, webhook_id, type, body, status, attempts, created_at) VALUES (?, ?, ?, ?, 'pending', 0, ?)", [
    d.id, d.webhook_id, d.type, d.body, d.created_at,
  ]);
}

/** The newest `limit` deliveries of a subscription, newest first. */
export async function recentDeliveries(tx: Tx, webhookId: string, limit: number): Promise<DeliveryRow[]> {
  const rows = await tx.all('SELECT * FROM webhook_deliveries WHERE webhook_id = ? ORDER BY created_at DESC, id DESC LIMIT ?', [webhookId, limit]);
  return rows.map(deliveryRow);
}

/** What an attempt needs: the delivery with its subscription's URL and secret (undefined once the subscription is deleted). */
export async function deliveryToSend(tx: Tx, id: string): Promise<(DeliveryRow & { url: string; secret: string }) | undefined> {
  const r = await tx.get('SELECT d.*, w.url, w.secret FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = ?', [id]);
  return r ? { ...deliveryRow(r), url: String(r.url), secret: String(r.secret) } : undefined;
}

/** One attempt's result on the delivery row. */
export async function recordAttempt(
  tx: Tx,
  id: string,
  a: { attempts: number; status: DeliveryRow['status']; lastStatus: number | null; lastError: string | null; deliveredAt: number | null },
): Promise<void> {
  await tx.run('UPDATE webhook_deliveries SET attempts = ?, status = ?, last_status = ?, last_error = ?, delivered_at = ? WHERE id = ?', [
    a.attempts, a.status, a.lastStatus, a.lastError === null ? null : a.lastError.slice(0, 300), a.deliveredAt, id,
  ]);
}

const SETTLED_BEFORE = "FROM webhook_deliveries WHERE created_at < ? AND status <> 'pending'";

/** Settled deliveries (delivered or failed) written before `cutoff` go: a read first, so an idle sweep writes nothing. */
export async function pruneDeliveries(db: Db, cutoff: number): Promise<void> {
  if (await db.read((tx) => tx.get(`SELECT 1 AS x ${SETTLED_BEFORE} LIMIT 1`, [cutoff]))) {
    await db.transaction((tx) => tx.run(`DELETE ${SETTLED_BEFORE}`, [cutoff]));
  }
}
