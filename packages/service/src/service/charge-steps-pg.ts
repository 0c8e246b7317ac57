/**
 * The charge steps on an engine that runs them server-side (PostgreSQL: the functions of
 * src/server/store/pg-charge-functions.ts, one round trip each). Same answers, errors and
 * events as the in-process steps of charges.ts: the function does the locking, the rules and
 * the journal's writes in its own transaction; this module maps its outcome to the service's
 * results and publishes the committed events.
 */
import type { BalanceSnapshot, Charge, ChargeRequest, QuoteResponse } from '@cutline/contract/api';
import type { ToolDef } from '@cutline/contract/tools';
import type { AllocationPart } from '../ledger/types';
import type { Ctx } from './context';
import { conflict, notFound, ServiceError } from './errors';
import type { HubEvent } from './event-hub';
import { chargeRow, chargeWire } from './rows';

interface StepRow {
  outcome: string;
  charge: Record<string, unknown> | null;
  parts: { batchId: string; type: AllocationPart['type']; amount: number }[] | null;
  balance: BalanceSnapshot | null;
  available: number | null;
  ev_users: string[] | null;
  ev_versions: number[] | null;
  ev_payloads: string[] | null;
}

export interface StepResult {
  charge: Charge;
  balance: BalanceSnapshot;
}

type CallStep = NonNullable<Ctx['db']['callStep']>;

/** The engine's one-round-trip step runner, when it has one. */
export const stepRunner = (ctx: Ctx): CallStep | undefined => ctx.db.callStep?.bind(ctx.db);

async function run(call: CallStep, sql: string, params: readonly unknown[]): Promise<StepRow> {
  const r = await call<StepRow>(sql, params);
  if (!r) throw new Error(`${sql} returned no row`);
  if (r.outcome === 'no_user') throw notFound('user');
  if (r.outcome === 'no_charge') throw notFound('charge');
  return r;
}

/** Publishes the step's committed events; returns the caller's snapshot (from its event, else the step's read). */
function settle(ctx: Ctx, userId: string, r: StepRow): BalanceSnapshot | null {
  const events: HubEvent[] = (r.ev_users ?? []).map((u, i) => ({ userId: u, version: Number(r.ev_versions![i]), payload: r.ev_payloads![i] }));
  ctx.hub.publish(events);
  const mine = events.find((e) => e.userId === userId);
  return mine ? (JSON.parse(mine.payload) as { balance: BalanceSnapshot }).balance : r.balance;
}

const chargeOf = (r: StepRow): Charge =>
  chargeWire(chargeRow(r.charge!), (r.parts ?? []).map((p) => ({ batchId: p.batchId, type: p.type, amount: Number(p.amount) })));

export async function holdStep(
  ctx: Ctx,
  call: CallStep,
  a: { userId: string; key: string; hash: string; id: string; tool: ToolDef; req: ChargeRequest; cost: number; now: number },
): Promise<StepResult & { replayed: boolean }> {
  const r = await run(call, 'SELECT * FROM cutline_hold(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
    a.userId, a.key, a.hash, a.id, a.tool.id, a.req.quantity, a.cost, a.tool.eligibleForProUses, a.req.device.id,
    a.req.device.platform, a.now + ctx.config.holdTtlMs, a.now,
  ]);
  if (r.outcome === 'mismatch') {
    throw new ServiceError('idempotency_mismatch', 'this Idempotency-Key was already used for a different request');
  }
  if (r.outcome === 'insufficient') {
    const available = Number(r.available);
    throw new ServiceError('insufficient_credits', `Not enough credits: ${a.tool.name} costs ${a.cost}, ${available} available`, {
      cost: a.cost,
      available,
      storeUrl: `${ctx.config.publicUrl}/store`,
    });
  }
  const balance = settle(ctx, a.userId, r)!;
  return { charge: chargeOf(r), balance, replayed: r.outcome === 'replayed' };
}

export async function captureStep(ctx: Ctx, call: CallStep, userId: string, chargeId: string, now: number): Promise<StepResult> {
  const r = await run(call, 'SELECT * FROM cutline_capture(?, ?, ?)', [userId, chargeId, now]);
  const balance = settle(ctx, userId, r);
  const charge = chargeOf(r);
  if (r.outcome === 'lapsed') {
    throw conflict(charge.status === 'expired' ? 'the hold expired before it was captured; its credits were returned' : 'the charge was released and cannot be captured');
  }
  return { charge, balance: balance! };
}

export async function releaseStep(
  ctx: Ctx,
  call: CallStep,
  userId: string,
  chargeId: string,
  reason: 'failed' | 'cancelled',
  now: number,
): Promise<StepResult> {
  const r = await run(call, 'SELECT * FROM cutline_release(?, ?, ?, ?)', [userId, chargeId, reason, now]);
  if (r.outcome === 'captured') throw conflict('the charge was already captured and cannot be released');
  const balance = settle(ctx, userId, r);
  return { charge: chargeOf(r), balance: balance! };
}

export async function quoteStep(ctx: Ctx, call: CallStep, userId: string, tool: ToolDef, quantity: number, now: number): Promise<QuoteResponse> {
  const cost = tool.cost * quantity;
  const r = await run(call, 'SELECT * FROM cutline_quote(?, ?, ?, ?, ?)', [userId, quantity, cost, tool.eligibleForProUses, now]);
  const balance = r.balance!;
  if (r.outcome === 'pro_uses') return { cost, covered: true, usesProUse: true, plan: [], balance };
  const plan = (r.parts ?? []).map((p) => ({ type: p.type, batchId: p.batchId, amount: Number(p.amount) }));
  return { cost, covered: r.outcome === 'covered', usesProUse: false, plan, balance };
}
