/**
 * The web store: credit packs and orders. Payment is simulated; what is real is the order row
 * and the `purchased` batch it grants (valid 2 years), written in one transaction through
 * `mutate`, so every signed-in device receives the push.
 *
 * An order is granted exactly once per checkout form: the form carries a random key, and
 * `orders (user_id, form_key)` is unique. A repeated submission finds the existing order and
 * grants nothing; two racing submissions cannot both commit (the loser's transaction fails on
 * the unique index, rolls back its batch, and then finds the winner's order).
 */
import type { OrderWire } from '@cutline/contract/api';
import { PURCHASED_VALID_MS } from '../ledger/plans';
import type { Tx } from '../store/db';
import { requireUser } from './account-state';
import type { Ctx } from './context';
import { invalid, notFound, ServiceError } from './errors';
import { insertBatch } from './grants';
import { newId, newSecret } from './ids';
import { mutate } from './mutate';
import { iso, isoOrNull } from './rows';

export interface Pack {
  id: string;
  credits: number;
  priceCents: number;
}

/** The packs on sale (PRODUCT.md § Credits 1: e.g. 100 credits for $4.99). */
export const PACKS: readonly Pack[] = [
  { id: 'pack-100', credits: 100, priceCents: 499 },
  { id: 'pack-500', credits: 500, priceCents: 1999 },
  { id: 'pack-1200', credits: 1200, priceCents: 3999 },
];

export const findPack = (id: string): Pack | undefined => PACKS.find((p) => p.id === id);

/** A checkout form's idempotency key: what `newFormKey` makes, or anything a client chose of that shape. */
export const FORM_KEY = /^[A-Za-z0-9_-]{16,64}$/;
export const newFormKey = (): string => newSecret().slice(0, 32);

export interface Order {
  id: string;
  userId: string;
  pack: string;
  credits: number;
  priceCents: number;
  batchId: string;
  createdAt: number;
  /** When the purchased batch expires (from the batch; the order keeps only its id). */
  expiresAt: number | null;
}

function orderOf(r: Record<string, unknown>): Order {
  return {
    id: String(r.id),
    userId: String(r.user_id),
    pack: String(r.pack),
    credits: Number(r.credits),
    priceCents: Number(r.price_cents),
    batchId: String(r.batch_id),
    createdAt: Number(r.created_at),
    expiresAt: r.expires_at === null || r.expires_at === undefined ? null : Number(r.expires_at),
  };
}

const ORDER_SELECT = 'SELECT o.*, b.expires_at FROM orders o JOIN batches b ON b.id = o.batch_id';

async function orderByFormKey(tx: Tx, userId: string, formKey: string): Promise<Order | undefined> {
  const r = await tx.get(`${ORDER_SELECT} WHERE o.user_id = ? AND o.form_key = ?`, [userId, formKey]);
  return r ? orderOf(r) : undefined;
}

/**
 * Places (or finds) the order of one checkout form. `created` is false when the form had
 * already been submitted: nothing is granted a second time.
 */
export async function placeOrder(ctx: Ctx, userId: string, packId: string, formKey: string): Promise<{ order: Order; created: boolean }> {
  const pack = findPack(packId);
  if (!pack) throw invalid('There is no such credit pack.');
  if (!FORM_KEY.test(formKey)) throw invalid('This checkout form is damaged. Open the store again and choose a pack.');
  const same = (o: Order) => {
    if (o.pack !== pack.id) {
      throw new ServiceError('idempotency_mismatch', 'This checkout form was already used to buy a different pack. Open the store again to buy another one.');
    }
    return { order: o, created: false };
  };
  try {
    const out = await mutate(ctx, { kind: 'purchase' }, async (tx, journal, now) => {
      await tx.lock('users', [userId]);
      await requireUser(tx, userId);
      const existing = await orderByFormKey(tx, userId, formKey);
      if (existing) return same(existing);
      const batch = await insertBatch(
        tx,
        journal,
        { ownerKind: 'user', ownerId: userId, type: 'purchased', amount: pack.credits, expiresAt: now + PURCHASED_VALID_MS, source: `store:${pack.id}`, kind: 'purchase' },
        now,
      );
      const id = newId('ord');
      await tx.run('INSERT INTO orders (id, user_id, form_key, pack, credits, price_cents, batch_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
        id,
        userId,
        formKey,
        pack.id,
        pack.credits,
        pack.priceCents,
        batch.id,
        now,
      ]);
      const order: Order = { id, userId, pack: pack.id, credits: pack.credits, priceCents: pack.priceCents, batchId: batch.id, createdAt: now, expiresAt: now + PURCHASED_VALID_MS };
      return { order, created: true };
    });
    return out.value;
  } catch (e) {
    if (e instanceof ServiceError) throw e;
    // A concurrent submission of the same form committed first (unique index): that order stands.
    const winner = await ctx.db.read((tx) => orderByFormKey(tx, userId, formKey));
    if (winner) return same(winner);
    throw e;
  }
}

/** One of the user's orders; another account's order is "not found". */
export async function getOrder(ctx: Ctx, userId: string, orderId: string): Promise<Order | null> {
  if (!/^ord_[A-Za-z0-9_-]{1,64}$/.test(orderId)) return null;
  const r = await ctx.db.read((tx) => tx.get(`${ORDER_SELECT} WHERE o.id = ? AND o.user_id = ?`, [orderId, userId]));
  return r ? orderOf(r) : null;
}

/** `GET /v1/orders/:id`: one of the caller's orders on the wire; unknown or another account's → 404. */
export async function orderForApi(ctx: Ctx, userId: string, orderId: string): Promise<OrderWire> {
  const order = await getOrder(ctx, userId, orderId);
  if (!order) throw notFound('order');
  return {
    id: order.id,
    status: 'completed',
    pack: order.pack,
    credits: order.credits,
    priceCents: order.priceCents,
    createdAt: iso(order.createdAt),
    expiresAt: isoOrNull(order.expiresAt),
  };
}

/** The user's latest orders, newest first (index on user_id, created_at). */
export async function recentOrders(ctx: Ctx, userId: string, limit = 5): Promise<Order[]> {
  const rows = await ctx.db.read((tx) => tx.all(`${ORDER_SELECT} WHERE o.user_id = ? ORDER BY o.created_at DESC, o.id DESC LIMIT ?`, [userId, limit]));
  return rows.map(orderOf);
}
