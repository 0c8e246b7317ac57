/** The two-phase charge: hold → capture, or release back to the very batches (docs/product.md § Holds). */
import { returnProUses, spendProUses } from '../accounts/records';
import { createHash } from 'node:crypto';
import type { BalanceSnapshot, Charge, ChargeRequest, QuoteResponse } from '@cutline/contract/api';
import { allocate } from '../../ledger/allocate';
import { paysWithProUses } from '../../ledger/pro-uses';
import { planRelease } from '../../ledger/release';
import { findTool, type ToolDef } from '@cutline/contract/tools';
import type { AllocationPart, BatchState } from '../../ledger/types';
import type { Tx } from '../../db/db';
import { liveBatches, lockAccount, requireUser, snapshotOf } from '../accounts/state';
import { batchExpiries, returnToBatch } from '../batches/records';
import {
  alreadyCaptured,
  chargeWire,
  type ChargeRow,
  chargeByKey,
  idempotencyMismatch,
  insertCharge,
  insufficientCredits,
  lapsedHolds,
  loadCharge,
  loadParts,
  notCapturable,
  settleCharge,
  takeParts,
  type OwnedPart,
} from './records';
import type { Ctx } from '../kernel/context';
import { invalid } from '../kernel/errors';
import { newId } from '../kernel/ids';
import type { Journal } from '../kernel/journal';
import { mutate } from '../kernel/mutate';
import { ok, refusedAfterCommit } from '../kernel/outcome';
import { deviceOf } from '../../ledger-wire';
import type { UserRow } from '../kernel/rows';

export interface ChargeResult {
  charge: Charge;
  balance: BalanceSnapshot;
}

function toolOrThrow(id: string): ToolDef {
  const t = findTool(id);
  if (!t) throw invalid(`unknown tool "${id}"`);
  return t;
}

export async function quote(ctx: Ctx, userId: string, toolId: string, quantity: number): Promise<QuoteResponse> {
  const tool = toolOrThrow(toolId);
  const cost = tool.cost * quantity;
  return ctx.db.read(async (tx) => {
    const now = ctx.clock.now();
    const user = await requireUser(tx, userId);
    const balance = await snapshotOf(tx, user, now);
    if (paysWithProUses(proUseAccount(user), tool, quantity)) {
      return { cost, covered: true, usesProUse: true, plan: [], balance };
    }
    const plan = allocate(await liveBatches(tx, user, now), cost, now);
    return { cost, covered: plan.covered, usesProUse: false, plan: plan.parts.map(wirePart), balance };
  });
}

const wirePart = (p: AllocationPart) => ({ type: p.type, batchId: p.batchId, amount: p.amount });
const proUseAccount = (u: UserRow) => ({ proUsesRemaining: u.pro_uses_remaining, exchanged: u.exchanged === 1 });

/** A stable digest of what a charge request asks for: the same key must ask for the same thing. */
export function requestHash(req: ChargeRequest): string {
  const canon = JSON.stringify([req.tool, req.quantity, req.device.id, req.device.platform]);
  return createHash('sha256').update(canon).digest('base64url');
}

const memberOf = (u: UserRow) => ({ id: u.id, email: u.email });

/**
 * Holds the cost of one action. Same key + same request → the same charge (replayed: true);
 * same key + another request → 422; not enough → 402 and nothing held.
 */
export async function hold(
  ctx: Ctx,
  userId: string,
  key: string,
  req: ChargeRequest,
): Promise<ChargeResult & { replayed: boolean }> {
  const tool = toolOrThrow(req.tool);
  const hash = requestHash(req);
  const cost = tool.cost * req.quantity;
  let replayed = false;
  let after: BatchState[] | null = null;
  let held: KnownHold | null = null;
  const id = newId('ch');
  const out = await mutate(ctx, { kind: 'hold', chargeId: id, tool: tool.id, device: req.device }, async (tx, journal, now) => {
    const user = await lockAccount(tx, userId);
    const prior = await chargeByKey(tx, userId, key);
    if (prior) {
      if (prior.request_hash !== hash) throw idempotencyMismatch();
      replayed = true;
      return ok({ charge: chargeWire(prior, await loadParts(tx, prior.id)), user });
    }
    const usesProUse = paysWithProUses(proUseAccount(user), tool, req.quantity);
    let parts: AllocationPart[] = [];
    let batches: BatchState[] = [];
    if (usesProUse) {
      await spendProUses(tx, userId, req.quantity);
    } else {
      batches = await liveBatches(tx, user, now);
      const plan = allocate(batches, cost, now);
      if (!plan.covered) throw insufficientCredits(ctx.config.publicUrl, tool.name, cost, plan.available);
      parts = plan.parts;
    }
    const row: ChargeRow = {
      id,
      user_id: userId,
      idem_key: key,
      request_hash: hash,
      tool: tool.id,
      quantity: req.quantity,
      cost,
      uses_pro_use: usesProUse ? 1 : 0,
      pro_uses: usesProUse ? req.quantity : 0,
      status: 'held',
      release_reason: null,
      hold_expires_at: now + ctx.config.holdTtlMs,
      created_at: now,
      settled_at: null,
      device_id: req.device.id,
      device_platform: req.device.platform,
    };
    await insertCharge(tx, row);
    await takeParts(tx, id, parts);
    const owner = new Map(batches.map((b) => [b.id, b.ownerKind]));
    recordMovement(journal, user, row, parts.map((p) => ({ ...p, ownerKind: owner.get(p.batchId) })), 'hold');
    if (!usesProUse) {
      // The account is locked and this hold is the only change to its batches: the snapshot at
      // commit needs no second read of them.
      const taken = new Map(parts.map((p) => [p.batchId, p.amount]));
      after = batches.map((b) => (taken.has(b.id) ? { ...b, remaining: b.remaining - taken.get(b.id)! } : b));
      journal.knowBatches(userId, after);
      if (user.team_id !== null) after = null; // a team pool is not kept (see knownBatches)
      held = { row, parts: parts.map((p) => ({ ...p, ownerKind: owner.get(p.batchId) ?? 'user' })) };
    }
    return ok({ charge: chargeWire(row, parts), user });
  });
  const balance = await currentBalance(ctx, userId, out.balances);
  if (after && held && !replayed) knownBatches.keep(ctx.db, userId, balance.version, after, held);
  return { charge: out.value.charge, balance, replayed };
}

/** The charge a hold just made, as stored: its row and its parts (with whose batch each drew from). */
interface KnownHold {
  row: ChargeRow;
  parts: OwnedPart[];
}

/**
 * An account's batches as its last hold committed them, and that held charge's row and parts,
 * keyed by the version that commit gave the account, so the capture that usually follows reads
 * neither again. Right only while the version is the same: every change to what an account can
 * spend (a grant, a charge step — the charge's own capture, release or expiry included —, an
 * expiry, a cycle, a team move) bumps its version in the same transaction (kernel/journal.ts), and time
 * is applied again at use (`snapshotFrom` keeps only the batches live at its `now`; the capture
 * checks the hold's expiry against its own `now`). Accounts without a team only: a team's pool
 * changes with every member's charges. One map per database, the oldest dropped first; an
 * entry is used once.
 */
const knownBatches = {
  byDb: new WeakMap<Ctx['db'], Map<string, { version: number; batches: readonly BatchState[]; hold: KnownHold }>>(),
  max: 10_000,
  keep(db: Ctx['db'], userId: string, version: number, batches: readonly BatchState[], hold: KnownHold): void {
    let m = this.byDb.get(db);
    if (!m) this.byDb.set(db, (m = new Map()));
    m.delete(userId);
    m.set(userId, { version, batches, hold });
    if (m.size > this.max) m.delete(m.keys().next().value!);
  },
  /** What was kept when `user` (locked) is still at its version and has no team; forgets it either way. */
  take(db: Ctx['db'], user: UserRow): { batches: readonly BatchState[]; hold: KnownHold } | null {
    const m = this.byDb.get(db);
    const k = m?.get(user.id);
    if (!k) return null;
    m!.delete(user.id);
    return k.version === user.version && user.team_id === null ? k : null;
  },
};

/** Ledger entries and touched accounts of one movement of a charge (hold, capture, release). */
function recordMovement(
  journal: Journal,
  user: UserRow,
  c: ChargeRow,
  parts: readonly OwnedPart[],
  kind: 'hold' | 'capture' | 'release',
): void {
  const device = deviceOfRow(c);
  const member = memberOf(user);
  const teamId = user.team_id;
  journal.describe(device ? { chargeId: c.id, tool: c.tool, device } : { chargeId: c.id, tool: c.tool });
  if (c.uses_pro_use === 1) {
    journal.add({ userId: user.id, scopeId: user.id, kind, amount: c.pro_uses, unit: 'proUses', type: null, batchId: null, chargeId: c.id, tool: c.tool, device, member });
  }
  let pool = false;
  for (const p of parts) {
    // Credits of the team pool move in the team's history (every member sees who, tool, device).
    const inPool = teamId !== null && p.ownerKind === 'team';
    pool ||= inPool;
    journal.add({ userId: user.id, scopeId: inPool ? teamId : user.id, kind, amount: p.amount, unit: 'credits', type: p.type, batchId: p.batchId, chargeId: c.id, tool: c.tool, device, member });
  }
  journal.touchUser(user.id);
  if (c.uses_pro_use !== 1) journal.adjustHeld(user.id, kind === 'hold' ? c.cost : -c.cost);
  // The pool changed (hold, release) or a teammate's spend settled (capture): every member hears of it.
  if (pool) journal.touchTeam(teamId!);
}

const deviceOfRow = (c: ChargeRow) => deviceOf(c.device_id, c.device_platform);

/**
 * Returns a held charge's credits (or Pro uses) to where they came from and settles it as
 * `released` (failed/cancelled) or `expired` (its hold lapsed). See ledger/release.ts for a
 * batch that expired meanwhile.
 */
async function settleRelease(
  tx: Tx,
  journal: Journal,
  user: UserRow,
  c: ChargeRow,
  reason: 'failed' | 'cancelled' | 'expired',
  now: number,
): Promise<ChargeRow> {
  const parts = await loadParts(tx, c.id);
  const expiry = await batchExpiries(tx, parts.map((p) => p.batchId));
  const plan = planRelease(parts, (id) => expiry.get(id) ?? null, now);
  if (c.uses_pro_use === 1) {
    // Back to the quota, never above one cycle's worth (a renewal may have refilled it meanwhile).
    await returnProUses(tx, user.id, c.pro_uses);
  }
  for (const p of plan) {
    if (!p.expiredMeanwhile) await returnToBatch(tx, p.batchId, p.amount);
  }
  const status = reason === 'expired' ? 'expired' : 'released';
  await settleCharge(tx, c.id, status, reason, now);
  recordMovement(journal, user, c, parts, 'release');
  const device = deviceOfRow(c);
  for (const p of plan.filter((x) => x.expiredMeanwhile)) {
    journal.add({ userId: user.id, scopeId: user.id, kind: 'expire', amount: p.amount, unit: 'credits', type: p.type, batchId: p.batchId, chargeId: c.id, tool: c.tool, device, member: memberOf(user) });
  }
  return { ...c, status, release_reason: reason, settled_at: now };
}

export async function capture(ctx: Ctx, userId: string, chargeId: string): Promise<ChargeResult> {
  const out = await mutate(ctx, { kind: 'capture', chargeId }, async (tx, journal, now) => {
    const user = await lockAccount(tx, userId);
    const known = knownBatches.take(ctx.db, user);
    const kept = known?.hold.row.id === chargeId ? known.hold : null;
    let c = kept ? kept.row : await loadCharge(tx, userId, chargeId);
    const parts = kept ? kept.parts : await loadParts(tx, c.id);
    // A lapsed hold is released now (committed), and the capture refused.
    if (c.status === 'held' && c.hold_expires_at <= now) c = await settleRelease(tx, journal, user, c, 'expired', now);
    if (c.status === 'released' || c.status === 'expired') return refusedAfterCommit(notCapturable(c.status));
    if (c.status === 'held') {
      await settleCharge(tx, c.id, 'captured', null, now);
      c = { ...c, status: 'captured', settled_at: now };
      recordMovement(journal, user, c, parts, 'capture');
      // A capture moves no batch: the account's batches are still those its hold left.
      if (known) journal.knowBatches(userId, known.batches);
    }
    return ok(chargeWire(c, parts));
  });
  return { charge: out.value, balance: await currentBalance(ctx, userId, out.balances) };
}

export async function release(ctx: Ctx, userId: string, chargeId: string, reason: 'failed' | 'cancelled'): Promise<ChargeResult> {
  const out = await mutate(ctx, { kind: 'release', chargeId }, async (tx, journal, now) => {
    const user = await lockAccount(tx, userId);
    let c = await loadCharge(tx, userId, chargeId);
    if (c.status === 'captured') return refusedAfterCommit(alreadyCaptured());
    if (c.status === 'held') c = await settleRelease(tx, journal, user, c, c.hold_expires_at <= now ? 'expired' : reason, now);
    return ok(chargeWire(c, await loadParts(tx, c.id)));
  });
  return { charge: out.value, balance: await currentBalance(ctx, userId, out.balances) };
}

export async function getCharge(ctx: Ctx, userId: string, chargeId: string): Promise<Charge> {
  return ctx.db.read(async (tx) => {
    const c = await loadCharge(tx, userId, chargeId);
    return chargeWire(c, await loadParts(tx, c.id));
  });
}

/** Releases holds whose time ran out (the app crashed): docs/product.md § Holds. */
export async function expireLapsedHolds(ctx: Ctx, limit = 100): Promise<number> {
  const now = ctx.clock.now();
  const due = await ctx.db.read((tx) => lapsedHolds(tx, now, limit));
  for (const d of due) {
    await mutate(ctx, { kind: 'release', chargeId: d.id }, async (tx, journal, at) => {
      const user = await lockAccount(tx, d.userId);
      const c = await loadCharge(tx, d.userId, d.id);
      if (c.status === 'held' && c.hold_expires_at <= at) await settleRelease(tx, journal, user, c, 'expired', at);
      return ok();
    });
  }
  return due.length;
}

/** The caller's snapshot after a change: from the committed event when there is one. */
async function currentBalance(ctx: Ctx, userId: string, balances: ReadonlyMap<string, BalanceSnapshot>): Promise<BalanceSnapshot> {
  const mine = balances.get(userId);
  if (mine) return mine;
  return ctx.db.read(async (tx) => snapshotOf(tx, await requireUser(tx, userId), ctx.clock.now()));
}
