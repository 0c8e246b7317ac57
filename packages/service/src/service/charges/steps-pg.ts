/**
 * The charge steps on an engine that runs them server-side (PostgreSQL: the functions of
 * migrations 3–5 under db/migrations/, one round trip each). Same answers, errors and events as
 * the in-process steps of steps.ts: the function does the locking, the rules and the journal's
 * writes in its own transaction; this module maps its outcome to an `Outcome` (kernel/outcome.ts)
 * that `afterCommit` unwraps: the committed events published, then the answer.
 */
import type { BalanceSnapshot, Charge, ChargeRequest, QuoteResponse } from '@cutline/contract/api';
import type { ToolDef } from '@cutline/contract/tools';
import type { AllocationPart } from '../../ledger/types';
import type { Ctx } from '../kernel/context';
import { alreadyCaptured, chargeRow, chargeWire, idempotencyMismatch, insufficientCredits, notCapturable } from './records';
import { notFound, type ServiceError } from '../kernel/errors';
import type { HubEvent } from '../../events';
import { afterCommit, ok, refusedAfterCommit, type Outcome } from '../kernel/outcome';


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

/** The step's committed events (they are published with its outcome, by `afterCommit`). */
const eventsOf = (r: StepRow): HubEvent[] =>
  (r.ev_users ?? []).map((u, i) => ({ userId: u, version: Number(r.ev_versions![i]), payload: r.ev_payloads![i] }));

/** The caller's snapshot after the step: from its event when there is one, else the step's read. */
function balanceOf(userId: string, events: readonly HubEvent[], r: StepRow): BalanceSnapshot {
  const mine = events.find((e) => e.userId === userId);
  return mine ? (JSON.parse(mine.payload) as { balance: BalanceSnapshot }).balance : r.balance!;
}

/**
 * The step has committed (it is its own transaction): `refusal` (or null for success) becomes its
 * outcome, unwrapped by `afterCommit` like every other mutation's — events first, then the answer.
 */
function stepOutcome(ctx: Ctx, userId: string, r: StepRow, refusal: ServiceError | null): StepResult {
  const events = eventsOf(r);
  const outcome: Outcome<StepResult> = refusal ? refusedAfterCommit(refusal) : ok({ charge: chargeOf(r), balance: balanceOf(userId, events, r) });
  return afterCommit(ctx.hub, outcome, events);
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
  const refusal =
    r.outcome === 'mismatch'
      ? idempotencyMismatch()
      : r.outcome === 'insufficient'
        ? insufficientCredits(ctx.config.publicUrl, a.tool.name, a.cost, Number(r.available))
        : null;
  return { ...stepOutcome(ctx, a.userId, r, refusal), replayed: r.outcome === 'replayed' };
}

export async function captureStep(ctx: Ctx, call: CallStep, userId: string, chargeId: string, now: number): Promise<StepResult> {
  const r = await run(call, 'SELECT * FROM cutline_settle(?, ?, ?, ?, ?)', [userId, chargeId, 'capture', null, now]);
  return stepOutcome(ctx, userId, r, r.outcome === 'lapsed' ? notCapturable(chargeRow(r.charge!).status) : null);
}

export async function releaseStep(
  ctx: Ctx,
  call: CallStep,
  userId: string,
  chargeId: string,
  reason: 'failed' | 'cancelled',
  now: number,
): Promise<StepResult> {
  const r = await run(call, 'SELECT * FROM cutline_settle(?, ?, ?, ?, ?)', [userId, chargeId, 'release', reason, now]);
  return stepOutcome(ctx, userId, r, r.outcome === 'captured' ? alreadyCaptured() : null);
}

export async function quoteStep(ctx: Ctx, call: CallStep, userId: string, tool: ToolDef, quantity: number, now: number): Promise<QuoteResponse> {
  const cost = tool.cost * quantity;
  const r = await run(call, 'SELECT * FROM cutline_quote(?, ?, ?, ?, ?)', [userId, quantity, cost, tool.eligibleForProUses, now]);
  const balance = r.balance!;
  if (r.outcome === 'pro_uses') return { cost, covered: true, usesProUse: true, plan: [], balance };
  const plan = (r.parts ?? []).map((p) => ({ type: p.type, batchId: p.batchId, amount: Number(p.amount) }));
  return { cost, covered: r.outcome === 'covered', usesProUse: false, plan, balance };
}
