/**
 * The web store: credit packs and orders. Payment is simulated; what is real is the order row
 * and the `purchased` batch it grants (valid 2 years), written in one transaction through
 * `mutate`, so every signed-in device receives the push.
 *
 * An order is granted exactly once per checkout form: the form carries a random key, and
 * `orders (user_id, form_key)` is unique. A repeated submission finds the existing order and
 * grants nothing. The check runs under the account's lock (`lockAccount`), so of two racing
 * submissions the second waits for the first to commit and then finds its order; the unique
 * index is the backstop.
 */
import type { OrderWire } from '@cutline/contract/api';
import { PURCHASED_VALID_MS } from '../../ledger/plans';
import { lockAccount } from '../accounts/state';
import type { Ctx } from '../kernel/context';
import { invalid, notFound, ServiceError } from '../kernel/errors';
import { insertBatch } from '../batches/grants';
import { newId, newSecret } from '../kernel/ids';
import { mutate } from '../kernel/mutate';
import { insertOrder, latestOrders, orderByFormKey, orderById, type Order } from './records';
import { ok } from '../kernel/outcome';
import { iso, isoOrNull } from '../kernel/rows';

export type { Order };

export interface Pack {
  id: string;
  credits: number;
  priceCents: number;
}

/** The packs on sale (docs/product.md § Three types: e.g. 100 credits for $4.99). */
export const PACKS: readonly Pack[] = [
  { id: 'pack-100', credits: 100, priceCents: 499 },
  { id: 'pack-500', credits: 500, priceCents: 1999 },
  { id: 'pack-1200', credits: 1200, priceCents: 3999 },
];

export const findPack = (id: string): Pack | undefined => PACKS.find((p) => p.id === id);

/** A checkout form's idempotency key: what `newFormKey` makes, or anything a client chose of that shape. */
export const FORM_KEY = /^[A-Za-z0-9_-]{16,64}$/;
export const newFormKey = (): string => newSecret().slice(0, 32);

/**
 * Places (or finds) the order of one checkout form. `created` is false when the form had
 * already been submitted: nothing is granted a second time.
 */
export async function placeOrder(ctx: Ctx, userId: string, packId: string, formKey: string): Promise<{ order: Order; created: boolean }> {
  const pack = findPack(packId);
  if (!pack) throw invalid('There is no such credit pack.');
  if (!FORM_KEY.test(formKey)) throw invalid('This checkout form is damaged. Open the store again and choose a pack.');
  const out = await mutate(ctx, { kind: 'purchase' }, async (tx, journal, now) => {
    await lockAccount(tx, userId);
    // Under the account's lock, the form's earlier order (if any) is committed and seen here.
    const existing = await orderByFormKey(tx, userId, formKey);
    if (existing) {
      if (existing.pack !== pack.id) {
        throw new ServiceError('idempotency_mismatch', 'This checkout form was already used to buy a different pack. Open the store again to buy another one.');
      }
      return ok({ order: existing, created: false });
    }
    const expiresAt = now + PURCHASED_VALID_MS;
    const batch = await insertBatch(
      tx,
      journal,
      { ownerKind: 'user', ownerId: userId, type: 'purchased', amount: pack.credits, expiresAt, source: `store:${pack.id}`, kind: 'purchase' },
      now,
    );
    const order: Order = { id: newId('ord'), userId, pack: pack.id, credits: pack.credits, priceCents: pack.priceCents, batchId: batch.id, createdAt: now, expiresAt };
    await insertOrder(tx, { ...order, formKey });
    return ok({ order, created: true });
  });
  return out.value;
}

/** One of the user's orders; another account's order is "not found". */
export async function getOrder(ctx: Ctx, userId: string, orderId: string): Promise<Order | null> {
  if (!/^ord_[A-Za-z0-9_-]{1,64}$/.test(orderId)) return null;
  return (await ctx.db.read((tx) => orderById(tx, userId, orderId))) ?? null;
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

/** The user's latest orders, newest first. */
export async function recentOrders(ctx: Ctx, userId: string, limit = 5): Promise<Order[]> {
  return ctx.db.read((tx) => latestOrders(tx, userId, limit));
}
