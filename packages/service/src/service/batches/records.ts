/** The batch aggregate's storage: its SQL and typed rows (`BatchState` via kernel/rows.ts's `batchState`). */
import type { CreditType } from '@cutline/contract/credit-types';
import type { BatchState } from '../../ledger/types';
import type { Tx } from '../../db/db';

export async function insertBatchRow(tx: Tx, b: BatchState): Promise<void> {
  await tx.run(
    `INSERT INTO batches (id, owner_kind, owner_id, type, amount, remaining, granted_at, expires_at, source)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [b.id, b.ownerKind, b.ownerId, b.type, b.amount, b.remaining, b.grantedAt, b.expiresAt, b.source],
  );
}

/** When each of the batches expires (null: never, or no such batch). */
export async function batchExpiries(tx: Tx, batchIds: readonly string[]): Promise<Map<string, number | null>> {
  const expiry = new Map<string, number | null>();
  for (const id of batchIds) {
    const b = await tx.get<{ expires_at: unknown }>('SELECT expires_at FROM batches WHERE id = ?', [id]);
    expiry.set(id, b?.expires_at === null || b?.expires_at === undefined ? null : Number(b.expires_at));
  }
  return expiry;
}

/** Credits going back to the batch they came from (a release). */
export async function returnToBatch(tx: Tx, batchId: string, amount: number): Promise<void> {
  await tx.run('UPDATE batches SET remaining = remaining + ? WHERE id = ?', [amount, batchId]);
}

/** A batch about to expire with what it still holds. */
export interface ExpiringBatch {
  id: string;
  type: CreditType;
  remaining: number;
}

type ExpiringRow = { id: string; type: CreditType; remaining: unknown };
const expiringOf = (r: ExpiringRow): ExpiringBatch => ({ id: r.id, type: r.type, remaining: Number(r.remaining) });

/** Owners with batches past their expiry whose `expire` entry is not written yet (the sweep's work list). */
export async function ownersWithDueBatches(tx: Tx, now: number, limit: number): Promise<{ ownerId: string; ownerKind: 'user' | 'team' }[]> {
  const rows = await tx.all<{ owner_id: string; owner_kind: 'user' | 'team' }>(
    `SELECT DISTINCT owner_id, owner_kind FROM batches
     WHERE remaining > 0 AND expire_logged = 0 AND expires_at IS NOT NULL AND expires_at <= ? LIMIT ?`,
    [now, limit],
  );
  return rows.map((r) => ({ ownerId: r.owner_id, ownerKind: r.owner_kind }));
}

/** The owner's batches past their expiry at `at` whose `expire` entry is not written yet. */
export async function dueBatches(tx: Tx, ownerId: string, at: number): Promise<ExpiringBatch[]> {
  const rows = await tx.all<ExpiringRow>(
    `SELECT id, type, remaining FROM batches WHERE owner_id = ? AND remaining > 0 AND expire_logged = 0
     AND expires_at IS NOT NULL AND expires_at <= ?`,
    [ownerId, at],
  );
  return rows.map(expiringOf);
}

/** The owner's subscription batches valid for the cycle ending at `cycleEnd` that still hold credits. */
export async function cycleBatches(tx: Tx, ownerId: string, cycleEnd: number): Promise<ExpiringBatch[]> {
  const rows = await tx.all<ExpiringRow>(
    "SELECT id, type, remaining FROM batches WHERE owner_id = ? AND type = 'subscription' AND expires_at = ? AND remaining > 0",
    [ownerId, cycleEnd],
  );
  return rows.map(expiringOf);
}

/** Empties a batch whose `expire` entry is being written; `cutAt` also moves its expiry (a cycle ended early). */
export async function emptyExpiredBatch(tx: Tx, id: string, cutAt?: number): Promise<void> {
  if (cutAt === undefined) await tx.run('UPDATE batches SET remaining = 0, expire_logged = 1 WHERE id = ?', [id]);
  else await tx.run('UPDATE batches SET expires_at = ?, remaining = 0, expire_logged = 1 WHERE id = ?', [cutAt, id]);
}
