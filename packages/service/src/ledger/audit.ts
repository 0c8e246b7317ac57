/**
 * The books, recomputed (pure: rows in, drifts out; no I/O, time passed in). The ledger is the
 * record: every batch's `remaining` must be what its entries leave (grant, purchase, exchange and
 * release add; hold and expire remove; capture settles what hold already took), every charge's
 * allocations must be what its hold took, and what it took must have gone back (release) or been
 * settled (capture) exactly when its status says so; every account's held and total credits must
 * be the same computed from the entries as from the rows the service serves balances from; and a
 * team member's pool counter `held` (what a limit is checked against) must be the pool credits
 * their open holds took.
 */

export interface AuditBatch {
  id: string;
  ownerId: string;
  ownerKind: 'user' | 'team';
  type: string;
  amount: number;
  remaining: number;
  expiresAt: number | null;
}

export interface AuditCharge {
  id: string;
  userId: string;
  status: 'held' | 'captured' | 'released' | 'expired';
  cost: number;
  usesProUse: boolean;
}

export interface AuditAllocation {
  chargeId: string;
  batchId: string;
  amount: number;
}

/** Credit entries summed by (kind, batch, charge): what the ledger says happened. */
export interface AuditEntrySum {
  kind: string;
  batchId: string | null;
  chargeId: string | null;
  amount: number;
  /** How many entries the sum covers (1 when rows are passed one by one). */
  count?: number;
}

export interface AuditAccount {
  id: string;
  teamId: string | null;
  /** The stored pool counter: pool credits in this account's open holds (checked when given). */
  poolHeld?: number;
}

export interface AuditInput {
  now: number;
  accounts: readonly AuditAccount[];
  batches: readonly AuditBatch[];
  charges: readonly AuditCharge[];
  allocations: readonly AuditAllocation[];
  entries: readonly AuditEntrySum[];
}

export type Drift =
  | { kind: 'batch_remaining'; batchId: string; stored: number; fromLedger: number }
  | { kind: 'batch_grant'; batchId: string; amount: number; granted: number }
  | { kind: 'batch_bounds'; batchId: string; remaining: number; amount: number }
  | { kind: 'entry_without_batch'; batchId: string; amount: number }
  | { kind: 'charge_allocation'; chargeId: string; cost: number; allocated: number }
  | { kind: 'charge_hold'; chargeId: string; batchId: string; allocated: number; held: number }
  | { kind: 'charge_settlement'; chargeId: string; status: string; held: number; captured: number; released: number }
  | { kind: 'account_held'; accountId: string; stored: number; fromLedger: number }
  | { kind: 'account_total'; accountId: string; stored: number; fromLedger: number }
  | { kind: 'account_pool_held'; accountId: string; stored: number; fromHolds: number };

export interface AuditReport {
  ok: boolean;
  checked: { accounts: number; batches: number; charges: number; entries: number };
  drifts: Drift[];
}

const ADDS = new Set(['grant', 'purchase', 'exchange', 'release']);
const REMOVES = new Set(['hold', 'expire']);
const GRANTS = new Set(['grant', 'purchase', 'exchange']);

/** What an entry does to its batch's remaining credits. */
export function effectOn(kind: string, amount: number): number {
  if (ADDS.has(kind)) return amount;
  if (REMOVES.has(kind)) return -amount;
  return 0; // capture: the credits left at hold
}

const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
const isLive = (b: AuditBatch, now: number) => b.expiresAt === null || b.expiresAt > now;

export function auditBooks(input: AuditInput): AuditReport {
  const drifts: Drift[] = [];
  const batchById = new Map(input.batches.map((b) => [b.id, b]));

  // Batches: remaining and the one granting entry, from the ledger.
  const fromLedger = new Map<string, number>();
  const granted = new Map<string, number>();
  // Charges: what each movement took from or gave to each batch.
  const byCharge = new Map<string, { hold: Map<string, number>; capture: number; release: number }>();
  let entryCount = 0;
  for (const e of input.entries) {
    entryCount += e.count ?? 1;
    if (e.batchId !== null) {
      if (!batchById.has(e.batchId)) drifts.push({ kind: 'entry_without_batch', batchId: e.batchId, amount: e.amount });
      add(fromLedger, e.batchId, effectOn(e.kind, e.amount));
      if (GRANTS.has(e.kind) && e.chargeId === null) add(granted, e.batchId, e.amount);
    }
    if (e.chargeId !== null && (e.kind === 'hold' || e.kind === 'capture' || e.kind === 'release')) {
      let c = byCharge.get(e.chargeId);
      if (!c) byCharge.set(e.chargeId, (c = { hold: new Map(), capture: 0, release: 0 }));
      if (e.kind === 'hold') add(c.hold, e.batchId ?? '', e.amount);
      else if (e.kind === 'capture') c.capture += e.amount;
      else c.release += e.amount;
    }
  }

  for (const b of input.batches) {
    const want = fromLedger.get(b.id) ?? 0;
    if (want !== b.remaining) drifts.push({ kind: 'batch_remaining', batchId: b.id, stored: b.remaining, fromLedger: want });
    const g = granted.get(b.id) ?? 0;
    if (g !== b.amount) drifts.push({ kind: 'batch_grant', batchId: b.id, amount: b.amount, granted: g });
    if (b.remaining < 0 || b.remaining > b.amount) drifts.push({ kind: 'batch_bounds', batchId: b.id, remaining: b.remaining, amount: b.amount });
  }

  // Charges: allocations = cost = what the hold took, settled as the status says.
  const allocByCharge = new Map<string, Map<string, number>>();
  for (const a of input.allocations) {
    let m = allocByCharge.get(a.chargeId);
    if (!m) allocByCharge.set(a.chargeId, (m = new Map()));
    add(m, a.batchId, a.amount);
  }
  const heldFromLedger = new Map<string, number>();
  const heldStored = new Map<string, number>();
  const poolHeld = new Map<string, number>();
  for (const c of input.charges) {
    const alloc = allocByCharge.get(c.id) ?? new Map<string, number>();
    const allocated = [...alloc.values()].reduce((x, y) => x + y, 0);
    if (allocated !== (c.usesProUse ? 0 : c.cost)) drifts.push({ kind: 'charge_allocation', chargeId: c.id, cost: c.usesProUse ? 0 : c.cost, allocated });
    const moved = byCharge.get(c.id) ?? { hold: new Map<string, number>(), capture: 0, release: 0 };
    for (const batchId of new Set([...alloc.keys(), ...moved.hold.keys()])) {
      const a = alloc.get(batchId) ?? 0;
      const h = moved.hold.get(batchId) ?? 0;
      if (a !== h) drifts.push({ kind: 'charge_hold', chargeId: c.id, batchId, allocated: a, held: h });
    }
    const held = [...moved.hold.values()].reduce((x, y) => x + y, 0);
    const settled =
      c.status === 'held'
        ? moved.capture === 0 && moved.release === 0
        : c.status === 'captured'
          ? moved.capture === held && moved.release === 0
          : moved.release === held && moved.capture === 0;
    if (!settled) drifts.push({ kind: 'charge_settlement', chargeId: c.id, status: c.status, held, captured: moved.capture, released: moved.release });
    add(heldFromLedger, c.userId, held - moved.capture - moved.release);
    if (c.status === 'held' && !c.usesProUse) add(heldStored, c.userId, c.cost);
    if (c.status === 'held') for (const [batchId, amount] of alloc) if (batchById.get(batchId)?.ownerKind === 'team') add(poolHeld, c.userId, amount);
  }

  // Accounts: held, and total over the live batches a balance counts (own + the team's subscription).
  const ownerBatches = new Map<string, AuditBatch[]>();
  for (const b of input.batches) {
    const list = ownerBatches.get(b.ownerId) ?? [];
    list.push(b);
    ownerBatches.set(b.ownerId, list);
  }
  for (const acct of input.accounts) {
    const stored = heldStored.get(acct.id) ?? 0;
    const ledger = heldFromLedger.get(acct.id) ?? 0;
    if (stored !== ledger) drifts.push({ kind: 'account_held', accountId: acct.id, stored, fromLedger: ledger });
    const fromHolds = poolHeld.get(acct.id) ?? 0;
    if (acct.poolHeld !== undefined && acct.poolHeld !== fromHolds) drifts.push({ kind: 'account_pool_held', accountId: acct.id, stored: acct.poolHeld, fromHolds });
    const counted = (ownerBatches.get(acct.id) ?? []).concat(
      acct.teamId ? (ownerBatches.get(acct.teamId) ?? []).filter((b) => b.type === 'subscription') : [],
    );
    const live = counted.filter((b) => isLive(b, input.now));
    const totalStored = live.reduce((x, b) => x + b.remaining, 0);
    const totalLedger = live.reduce((x, b) => x + (fromLedger.get(b.id) ?? 0), 0);
    if (totalStored !== totalLedger) drifts.push({ kind: 'account_total', accountId: acct.id, stored: totalStored, fromLedger: totalLedger });
  }

  return {
    ok: drifts.length === 0,
    checked: { accounts: input.accounts.length, batches: input.batches.length, charges: input.charges.length, entries: entryCount },
    drifts,
  };
}
