/**
 * The order aggregate's storage: its SQL and typed rows. An order is a store purchase or a Pro
 * upgrade, unique per checkout form (`orders (user_id, form_key)`); its expiry is its batch's.
 */
import type { Tx } from '../../db/db';

export interface Order {
  id: string;
  userId: string;
  /** A store pack's id, or `pro-monthly` / `pro-annual` for an upgrade. */
  pack: string;
  credits: number;
  priceCents: number;
  batchId: string;
  createdAt: number;
  /** When the purchased batch expires (from the batch; the order keeps only its id). */
  expiresAt: number | null;
}

/** An `orders` row joined with its batch's expiry, as both engines return it. */
interface OrderRow {
  id: string;
  user_id: string;
  pack: string;
  credits: unknown;
  price_cents: unknown;
  batch_id: string;
  created_at: unknown;
  expires_at: unknown;
}

const orderOf = (r: OrderRow): Order => ({
  id: r.id,
  userId: r.user_id,
  pack: r.pack,
  credits: Number(r.credits),
  priceCents: Number(r.price_cents),
  batchId: r.batch_id,
  createdAt: Number(r.created_at),
  expiresAt: r.expires_at === null || r.expires_at === undefined ? null : Number(r.expires_at),
});

const ORDER_SELECT = 'SELECT o.*, b.expires_at FROM orders o JOIN batches b ON b.id = o.batch_id';

/** The order a checkout form already made, if any. */
export async function orderByFormKey(tx: Tx, userId: string, formKey: string): Promise<Order | undefined> {
  const r = await tx.get<OrderRow>(`${ORDER_SELECT} WHERE o.user_id = ? AND o.form_key = ?`, [userId, formKey]);
  return r ? orderOf(r) : undefined;
}

/** One of the account's orders; another account's is undefined. */
export async function orderById(tx: Tx, userId: string, orderId: string): Promise<Order | undefined> {
  const r = await tx.get<OrderRow>(`${ORDER_SELECT} WHERE o.id = ? AND o.user_id = ?`, [orderId, userId]);
  return r ? orderOf(r) : undefined;
}

/** The account's latest orders, newest first (index on user_id, created_at). */
export async function latestOrders(tx: Tx, userId: string, limit: number): Promise<Order[]> {
  const rows = await tx.all<OrderRow>(`${ORDER_SELECT} WHERE o.user_id = ? ORDER BY o.created_at DESC, o.id DESC LIMIT ?`, [userId, limit]);
  return rows.map(orderOf);
}

export async function insertOrder(tx: Tx, o: Omit<Order, 'expiresAt'> & { formKey: string }): Promise<void> {
  await tx.run('INSERT INTO orders (id, user_id, form_key, pack, credits, price_cents, batch_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
    o.id, o.userId, o.formKey, o.pack, o.credits, o.priceCents, o.batchId, o.createdAt,
  ]);
}
