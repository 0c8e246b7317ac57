/**
 * The two-phase charge (docs/product.md § Holds): quote → hold → capture, or release back to the
 * very batches. One implementation on both engines: every step that writes goes through the
 * database's charge engine (engine.ts), which applies it with others in one transaction
 * (batch.ts); the quote and the reads are plain reads.
 */
import { createHash } from 'node:crypto';
import type { BalanceSnapshot, Charge, ChargeRequest, QuoteResponse } from '@cutline/contract/api';
import { findTool, type ToolDef } from '@cutline/contract/tools';
import { decideMemberHold } from '../../ledger/member-limit';
import type { AllocationPart } from '../../ledger/types';
import { limitStateOf, liveBatches, requireUser, snapshotFrom } from '../accounts/state';
import type { Ctx } from '../kernel/context';
import { invalid } from '../kernel/errors';
import { newId } from '../kernel/ids';
import { chargeEngine } from './engine';
import { chargeWire, lapsedHolds, loadCharge, loadParts } from './records';

/** A stable digest of what a charge request asks for: the same key must ask for the same thing. */
export function requestHash(req: ChargeRequest): string {
  // The personal cap and the project are part of the request when sent (a hash without them stays what it was).
  const fields: unknown[] = [req.tool, req.quantity, req.device.id, req.device.platform];
  if (req.personalCap !== undefined) fields.push(req.personalCap);
  if (req.project) fields.push(req.project.id, req.project.name);
  const canon = JSON.stringify(fields);
  return createHash('sha256').update(canon).digest('base64url');
}

export interface ChargeResult {
  charge: Charge;
  balance: BalanceSnapshot;
}

function toolOrThrow(id: string): ToolDef {
  const t = findTool(id);
  if (!t) throw invalid(`unknown tool "${id}"`);
  return t;
}

/**
 * What a hold would take now, without holding anything: the same decision as the hold's (the
 * member's limit and `personalCap` included).
 */
export async function quote(ctx: Ctx, userId: string, toolId: string, quantity: number, personalCap?: number): Promise<QuoteResponse> {
  const tool = toolOrThrow(toolId);
  const cost = tool.cost * quantity;
  return ctx.db.read(async (tx) => {
    const now = ctx.clock.now();
    const user = await requireUser(tx, userId);
    const batches = await liveBatches(tx, user, now);
    const balance = snapshotFrom(user, batches, now);
    const account = { proUsesRemaining: user.pro_uses_remaining, exchanged: user.exchanged === 1 };
    const d = decideMemberHold({ account, tool, quantity, cost, batches, now, limit: limitStateOf(user), personalCap });
    if (d.kind === 'proUses') return { cost, covered: true, usesProUse: true, plan: [], balance };
    return { cost, covered: d.kind === 'credits', usesProUse: false, plan: d.parts.map(wirePart), balance };
  });
}

const wirePart = (p: AllocationPart) => ({ type: p.type, batchId: p.batchId, amount: p.amount });

/**
 * Holds the cost of one action. Same key + same request → the same charge (replayed: true);
 * same key + another request → 422; not enough → 402 and nothing held.
 */
export async function hold(ctx: Ctx, userId: string, key: string, req: ChargeRequest): Promise<ChargeResult & { replayed: boolean }> {
  const tool = toolOrThrow(req.tool);
  return chargeEngine(ctx.db).submit(ctx, {
    kind: 'hold',
    userId,
    chargeId: newId('ch'),
    key,
    hash: requestHash(req),
    tool,
    quantity: req.quantity,
    device: req.device,
    project: req.project ?? null,
    holdTtlMs: ctx.config.holdTtlMs,
    publicUrl: ctx.config.publicUrl,
    personalCap: req.personalCap,
  });
}

/** Captures a held charge; a lapsed hold is released (committed) and the capture refused (409 `hold_expired`). */
export async function capture(ctx: Ctx, userId: string, chargeId: string): Promise<ChargeResult> {
  const { charge, balance } = await chargeEngine(ctx.db).submit(ctx, { kind: 'capture', userId, chargeId });
  return { charge, balance };
}

/** Releases a held charge back to its batches; a captured one is refused (409 `charge_captured`). */
export async function release(ctx: Ctx, userId: string, chargeId: string, reason: 'failed' | 'cancelled'): Promise<ChargeResult> {
  const { charge, balance } = await chargeEngine(ctx.db).submit(ctx, { kind: 'release', userId, chargeId, reason });
  return { charge, balance };
}

export async function getCharge(ctx: Ctx, userId: string, chargeId: string): Promise<Charge> {
  return ctx.db.read(async (tx) => {
    const c = await loadCharge(tx, userId, chargeId);
    return chargeWire(c, await loadParts(tx, c.id));
  });
}

/**
 * Releases holds whose time ran out (the app crashed): docs/product.md § Holds. They go through
 * the engine together (batched); a failure of one is reported after the others are done.
 */
export async function expireLapsedHolds(ctx: Ctx, limit = 100): Promise<number> {
  const due = await ctx.db.read((tx) => lapsedHolds(tx, ctx.clock.now(), limit));
  const engine = chargeEngine(ctx.db);
  const done = await Promise.allSettled(due.map((d) => engine.submit(ctx, { kind: 'lapse', userId: d.userId, chargeId: d.id })));
  const failed = done.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return due.length;
}
