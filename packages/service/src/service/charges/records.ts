/**
 * The charge aggregate's storage: its SQL, its typed rows (`ChargeRow`, the parts it drew, the
 * wire shape) and the refusals its steps answer with.
 */
import type { Charge, ChargeConflictReason, InsufficientReason } from '@cutline/contract/api';
import type { Platform } from '@cutline/contract/credit-types';
import type { AllocationPart, BatchState } from '../../ledger/types';
import type { RowColumn, Tx } from '../../db/db';
import { InvariantBroken, notFound, ServiceError } from '../kernel/errors';
import { deviceOf, num } from '../../ledger-wire';
import { batchState, iso, numOrNull } from '../kernel/rows';

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
  /** The project the charge was made for (migration 9); null when the request named none. */
  project_id: string | null;
  project_name: string | null;
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
    project_id: (r.project_id as string | null | undefined) ?? null,
    project_name: (r.project_name as string | null | undefined) ?? null,
  };
}

/** A charge's project as the wire shows it (on the charge, and on its ledger entries). */
export const projectOf = (id: string | null, name: string | null) => (id !== null && name !== null ? { id, name } : undefined);

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
    ...(c.project_id !== null ? { project: projectOf(c.project_id, c.project_name) } : {}),
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

// The refusals of the charge steps (docs/api.md § Charges).
export const idempotencyMismatch = () => new ServiceError('idempotency_mismatch', 'this Idempotency-Key was already used for a different request');

/** A 402: what the action costs, what this charge could take, and why it could not (`reason`, docs/api.md § Teams). */
export const insufficientCredits = (publicUrl: string, toolName: string, cost: number, available: number, reason: InsufficientReason) =>
  new ServiceError('insufficient_credits', `${INSUFFICIENT_MESSAGES[reason]}: ${toolName} costs ${cost}, ${available} available`, {
    cost,
    available,
    storeUrl: `${publicUrl}/store`,
    reason,
  });

const INSUFFICIENT_MESSAGES: Record<InsufficientReason, string> = {
  insufficient: 'Not enough credits',
  member_limit: "Not enough credits within your limit on the team's pool",
  personal_cap: 'Not enough credits without using more of your own credits than you agreed to',
};

/**
 * A capture or release the charge's state refuses: 409 `conflict` (the contract's code) with the
 * case as `reason` (docs/api.md § Charges, an extension).
 */
export const chargeConflict = (reason: ChargeConflictReason) => new ServiceError('conflict', CONFLICT_MESSAGES[reason], { reason });

const CONFLICT_MESSAGES: Record<ChargeConflictReason, string> = {
  hold_expired: 'the hold expired before it was captured; its credits were returned',
  charge_released: 'the charge was released and cannot be captured',
  charge_captured: 'the charge was already captured and cannot be released',
};

// ---- a batch of charge steps: its reads and its multi-row writes (charges/batch.ts) ----------

/** A charge with its parts in order (each with whose batch it drew from, filled in by the caller). */
export interface LoadedCharge {
  row: ChargeRow;
  parts: readonly OwnedPart[];
}

const PART_COLUMNS = 'c.*, a.batch_id AS part_batch, a.type AS part_type, a.amount AS part_amount, a.ord AS part_ord';

/**
 * The charges a batch's steps name, with their parts, in one statement: by id (capture, release,
 * a lapsed hold) and by (user, Idempotency-Key) (hold). Under the accounts' locks.
 */
export async function chargesFor(tx: Tx, ids: readonly string[], keys: readonly { userId: string; key: string }[]): Promise<LoadedCharge[]> {
  const selects: string[] = [];
  const params: unknown[] = [];
  if (ids.length) {
    const v = tx.rows([['charge_id', 'text']], ids.map((id) => [id]));
    selects.push(`SELECT ${PART_COLUMNS} FROM ${v.sql} AS v JOIN charges c ON c.id = v.charge_id LEFT JOIN allocations a ON a.charge_id = c.id`);
    params.push(...v.params);
  }
  if (keys.length) {
    const v = tx.rows([['key_user', 'text'], ['key_text', 'text']], keys.map((k) => [k.userId, k.key]));
    selects.push(
      `SELECT ${PART_COLUMNS} FROM ${v.sql} AS v JOIN charges c ON c.user_id = v.key_user AND c.idem_key = v.key_text LEFT JOIN allocations a ON a.charge_id = c.id`,
    );
    params.push(...v.params);
  }
  if (!selects.length) return [];
  const rows = await tx.all(selects.join(' UNION ALL '), params);
  const byId = new Map<string, { row: ChargeRow; parts: Map<number, OwnedPart> }>();
  for (const r of rows) {
    const id = String(r.id);
    let c = byId.get(id);
    if (!c) byId.set(id, (c = { row: chargeRow(r), parts: new Map() }));
    // (A charge named both by id and by key comes twice: its parts are keyed by their order.)
    if (r.part_batch !== null && r.part_batch !== undefined) {
      c.parts.set(num(r.part_ord), { batchId: String(r.part_batch), type: r.part_type as AllocationPart['type'], amount: num(r.part_amount) });
    }
  }
  return [...byId.values()].map(({ row, parts }) => ({ row, parts: [...parts].sort(([a], [b]) => a - b).map(([, p]) => p) }));
}

/**
 * In one statement: the live batches (at `now`) of the owners named — users and teams — and the
 * batches named by id whatever their state (those open holds drew from: a release returns to them).
 */
export async function batchesFor(tx: Tx, owners: readonly string[], ids: readonly string[], now: number): Promise<BatchState[]> {
  const selects: string[] = [];
  const params: unknown[] = [];
  if (owners.length) {
    const v = tx.rows([['owner', 'text']], owners.map((o) => [o]));
    selects.push(`SELECT b.* FROM ${v.sql} AS v JOIN batches b ON b.owner_id = v.owner WHERE b.remaining > 0 AND (b.expires_at IS NULL OR b.expires_at > ?)`);
    params.push(...v.params, now);
  }
  if (ids.length) {
    const v = tx.rows([['batch_id', 'text']], ids.map((id) => [id]));
    selects.push(`SELECT b.* FROM ${v.sql} AS v JOIN batches b ON b.id = v.batch_id`);
    params.push(...v.params);
  }
  if (!selects.length) return [];
  const seen = new Set<string>();
  const out: BatchState[] = [];
  for (const r of await tx.all(selects.join(' UNION ALL '), params)) {
    const b = batchState(r);
    if (seen.has(b.id)) continue;
    seen.add(b.id);
    out.push(b);
  }
  return out;
}

const CHARGE_COLUMNS: readonly RowColumn[] = [
  ['id', 'text'], ['user_id', 'text'], ['idem_key', 'text'], ['request_hash', 'text'], ['tool', 'text'], ['quantity', 'int'], ['cost', 'int'],
  ['uses_pro_use', 'int'], ['pro_uses', 'int'], ['status', 'text'], ['release_reason', 'text'], ['hold_expires_at', 'bigint'],
  ['created_at', 'bigint'], ['settled_at', 'bigint'], ['device_id', 'text'], ['device_platform', 'text'], ['project_id', 'text'], ['project_name', 'text'],
];
const CHARGE_NAMES = CHARGE_COLUMNS.map(([n]) => n).join(', ');

/** New charges (as they stand at the end of their batch) and their allocations, in multi-row writes. */
export async function insertCharges(tx: Tx, charges: readonly LoadedCharge[]): Promise<void> {
  await tx.writeRows(
    CHARGE_COLUMNS,
    charges.map(({ row: c }) => CHARGE_COLUMNS.map(([n]) => c[n as keyof ChargeRow])),
    (v) => `INSERT INTO charges (${CHARGE_NAMES}) SELECT ${CHARGE_NAMES} FROM ${v} AS v`,
  );
  await tx.writeRows(
    [['charge_id', 'text'], ['batch_id', 'text'], ['type', 'text'], ['amount', 'int'], ['ord', 'int']],
    charges.flatMap(({ row, parts }) => parts.map((p, ord) => [row.id, p.batchId, p.type, p.amount, ord])),
    (v) => `INSERT INTO allocations (charge_id, batch_id, type, amount, ord) SELECT charge_id, batch_id, type, amount, ord FROM ${v} AS v`,
  );
}

/**
 * Settles held charges (captured, released, expired). Each was held when its batch read it, under
 * its account's lock: a row that is not held any more is a broken lock, and throws.
 */
export async function settleCharges(tx: Tx, charges: readonly ChargeRow[]): Promise<void> {
  const settled = await tx.writeRows(
    [['settle_id', 'text'], ['new_status', 'text'], ['reason', 'text'], ['at', 'bigint']],
    charges.map((c) => [c.id, c.status, c.release_reason, c.settled_at]),
    (v) => `UPDATE charges SET status = v.new_status, release_reason = v.reason, settled_at = v.at FROM ${v} AS v
             WHERE charges.id = v.settle_id AND charges.status = 'held' RETURNING id`,
  );
  if (settled.length !== charges.length) throw new Error(`${charges.length - settled.length} of ${charges.length} charges were settled under their account's lock`);
}

/**
 * Moves batches' remaining credits by `delta` and checks each against `expected`, the remaining
 * the batch's steps computed in memory (from rows read under the lock, or from the hold cache): a
 * different stored value means what the batch trusted was not the rows (hold-cache.ts's invariant)
 * and throws `InvariantBroken`; a negative one is refused by the table's CHECK.
 */
export async function moveBatches(tx: Tx, moves: readonly { id: string; delta: number; expected: number }[]): Promise<void> {
  const rows = await tx.writeRows(
    [['move_id', 'text'], ['delta', 'int']],
    moves.map((m) => [m.id, m.delta]),
    (v) => `UPDATE batches SET remaining = batches.remaining + v.delta FROM ${v} AS v WHERE batches.id = v.move_id RETURNING id, remaining`,
  );
  const stored = new Map(rows.map((r) => [String(r.id), num(r.remaining)]));
  for (const m of moves) {
    const got = stored.get(m.id);
    if (got !== m.expected) throw new InvariantBroken('hold cache', `batch ${m.id} holds ${got ?? 'nothing'} after this batch, not ${m.expected}`);
  }
}

/** The accounts' Pro uses left, as their batch's steps left them. */
export async function setProUses(tx: Tx, accounts: readonly { userId: string; remaining: number | null }[]): Promise<void> {
  await tx.writeRows(
    [['pro_user', 'text'], ['uses_left', 'int']],
    accounts.map((a) => [a.userId, a.remaining]),
    (v) => `UPDATE users SET pro_uses_remaining = v.uses_left FROM ${v} AS v WHERE users.id = v.pro_user`,
  );
}
