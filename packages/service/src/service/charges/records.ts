/**
 * The charge aggregate's storage: its SQL, its typed rows (`ChargeRow`, the parts it drew, the
 * wire shape) and the refusals its steps answer with.
 */
import type { Charge } from '@cutline/contract/api';
import type { Platform } from '@cutline/contract/credit-types';
import type { AllocationPart } from '../../ledger/types';
import type { Tx } from '../../db/db';
import { conflict, notFound, ServiceError } from '../kernel/errors';
import { deviceOf, num } from '../../ledger-wire';
import { iso, numOrNull } from '../kernel/rows';

export interface ChargeRow {
  id: string;
  user_id: string;
  idem_key: string;
  request_hash: string;
  tool: string;
  quantity: number;
  cost: number;
  uses_pro_use: number;
  pro_uses: number;
  status: Charge['status'];
  release_reason: Charge['releaseReason'];
  hold_expires_at: number;
  created_at: number;
  settled_at: number | null;
  device_id: string | null;
  device_platform: Platform | null;
}
export function chargeRow(r: Record<string, unknown>): ChargeRow {
  return {
    ...(r as unknown as ChargeRow),
    quantity: num(r.quantity),
    cost: num(r.cost),
    uses_pro_use: num(r.uses_pro_use),
    pro_uses: num(r.pro_uses),
    hold_expires_at: num(r.hold_expires_at),
    created_at: num(r.created_at),
    settled_at: numOrNull(r.settled_at),
  };
}

export function chargeWire(c: ChargeRow, parts: readonly AllocationPart[]): Charge {
  return {
    id: c.id,
    status: c.status,
    tool: c.tool,
    quantity: c.quantity,
    cost: c.cost,
    usesProUse: c.uses_pro_use === 1,
    allocation: parts.map((p) => ({ type: p.type, batchId: p.batchId, amount: p.amount })),
    holdExpiresAt: iso(c.hold_expires_at),
    createdAt: iso(c.created_at),
    device: deviceOf(c.device_id, c.device_platform),
    releaseReason: c.release_reason ?? null,
  };
}

/** A charge's parts, each with whose batch it drew from (a team pool's movements are the team's history). */
export type OwnedPart = AllocationPart & { ownerKind?: 'user' | 'team' };

interface PartRow {
  batch_id: string;
  type: AllocationPart['type'];
  amount: unknown;
  owner_kind: 'user' | 'team' | null;
}

const partOf = (r: PartRow): OwnedPart => ({ batchId: r.batch_id, type: r.type, amount: Number(r.amount), ownerKind: r.owner_kind ?? 'user' });

export async function loadParts(tx: Tx, chargeId: string): Promise<OwnedPart[]> {
  const rows = await tx.all<PartRow>(
    'SELECT a.batch_id, a.type, a.amount, b.owner_kind FROM allocations a LEFT JOIN batches b ON b.id = a.batch_id WHERE a.charge_id = ? ORDER BY a.ord',
    [chargeId],
  );
  return rows.map(partOf);
}

/** One of the account's charges; another account's is "not found". */
export async function loadCharge(tx: Tx, userId: string, chargeId: string): Promise<ChargeRow> {
  const r = await tx.get('SELECT * FROM charges WHERE id = ? AND user_id = ?', [chargeId, userId]);
  if (!r) throw notFound('charge');
  return chargeRow(r);
}

/** The charge an Idempotency-Key already made for the account, if any. */
export async function chargeByKey(tx: Tx, userId: string, key: string): Promise<ChargeRow | undefined> {
  const r = await tx.get('SELECT * FROM charges WHERE user_id = ? AND idem_key = ?', [userId, key]);
  return r ? chargeRow(r) : undefined;
}

export async function insertCharge(tx: Tx, row: ChargeRow): Promise<void> {
  await tx.run(
    `INSERT INTO charges (id, user_id, idem_key, request_hash, tool, quantity, cost, uses_pro_use, pro_uses, status,
      release_reason, hold_expires_at, created_at, settled_at, device_id, device_platform)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [row.id, row.user_id, row.idem_key, row.request_hash, row.tool, row.quantity, row.cost, row.uses_pro_use, row.pro_uses,
      row.status, row.release_reason, row.hold_expires_at, row.created_at, row.settled_at, row.device_id, row.device_platform],
  );
}

/**
 * Takes every part from its batch and records the allocation, in one statement each (the parts
 * name distinct batches). A batch left short would be a change under the account's lock: all or none.
 */
export async function takeParts(tx: Tx, chargeId: string, parts: readonly AllocationPart[]): Promise<void> {
  if (!parts.length) return;
  const r = await tx.run(
    `UPDATE batches SET remaining = remaining - v.column2
       FROM (VALUES ${parts.map(() => '(?, CAST(? AS INTEGER))').join(', ')}) AS v
      WHERE batches.id = v.column1 AND batches.remaining >= v.column2`,
    parts.flatMap((p) => [p.batchId, p.amount]),
  );
  if (r.changes !== parts.length) throw new Error(`batches ${parts.map((p) => p.batchId).join(', ')} changed under a locked hold`);
  await tx.run(
    `INSERT INTO allocations (charge_id, batch_id, type, amount, ord) VALUES ${parts.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
    parts.flatMap((p, ord) => [chargeId, p.batchId, p.type, p.amount, ord]),
  );
}

/** The status of each of the charges named (unknown ids are left out). */
export async function chargeStatusesOf(tx: Tx, ids: readonly string[]): Promise<Map<string, Charge['status']>> {
  const rows = await tx.all<{ id: string; status: Charge['status'] }>(`SELECT id, status FROM charges WHERE id IN (${ids.map(() => '?').join(', ')})`, [...ids]);
  return new Map(rows.map((r) => [r.id, r.status]));
}

/** Held charges whose hold ran out by `now`, oldest first (the sweep's work list). */
export async function lapsedHolds(tx: Tx, now: number, limit: number): Promise<{ id: string; userId: string }[]> {
  const rows = await tx.all<{ id: string; user_id: string }>(
    "SELECT id, user_id FROM charges WHERE status = 'held' AND hold_expires_at <= ? ORDER BY hold_expires_at LIMIT ?",
    [now, limit],
  );
  return rows.map((r) => ({ id: r.id, userId: r.user_id }));
}

/** Whether an action paid with Pro uses is still held for the account. */
export async function hasHeldProUse(tx: Tx, userId: string): Promise<boolean> {
  return (await tx.get("SELECT id FROM charges WHERE user_id = ? AND status = 'held' AND uses_pro_use = 1", [userId])) !== undefined;
}

/** Settles a held charge (a charge no longer held is left as it is). */
export async function settleCharge(tx: Tx, id: string, status: 'captured' | 'released' | 'expired', reason: ChargeRow['release_reason'], now: number): Promise<void> {
  await tx.run("UPDATE charges SET status = ?, release_reason = ?, settled_at = ? WHERE id = ? AND status = 'held'", [status, reason, now, id]);
}

// The refusals of the charge steps (docs/api.md § Charges).
export const idempotencyMismatch = () => new ServiceError('idempotency_mismatch', 'this Idempotency-Key was already used for a different request');

export const insufficientCredits = (publicUrl: string, toolName: string, cost: number, available: number) =>
  new ServiceError('insufficient_credits', `Not enough credits: ${toolName} costs ${cost}, ${available} available`, {
    cost,
    available,
    storeUrl: `${publicUrl}/store`,
  });

/** A capture of a charge no longer held (its credits went back: now, or before). */
export const notCapturable = (status: ChargeRow['status']) =>
  conflict(status === 'expired' ? 'the hold expired before it was captured; its credits were returned' : 'the charge was released and cannot be captured');

export const alreadyCaptured = () => conflict('the charge was already captured and cannot be released');
