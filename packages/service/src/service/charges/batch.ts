/**
 * One batch of charge steps in one transaction — the charge engine's unit of work (engine.ts).
 *
 * 1. Lock every account the steps touch in ONE ordered statement (their teams, then the users and
 *    their teammates, each in id order: accounts/state.ts `lockAccounts`).
 * 2. Read the charges the steps name (by id, and by Idempotency-Key for holds) in one statement,
 *    and the live batches of every locked account — plus the batches their open holds drew from —
 *    in one more; an account the hold cache (hold-cache.ts) knows at its locked version needs
 *    neither.
 * 3. Apply the pure rules (ledger/charge-rules.ts) step after step in memory: a later step sees
 *    what an earlier one did (a hold after a release spends the credits it returned; two holds
 *    with one key are one charge). A refusal — 402, 404, 409, 422 — is that step's value, never an
 *    abort of the batch.
 * 4. Write what changed with multi-row statements (new charges and their allocations, settled
 *    charges, batches moved, Pro uses), then commit the steps' journals in order
 *    (`Journal.commitAll`): each step bumps the version of every account it affects and stores
 *    its event, exactly as if it had run alone, so streams see the same versions and bytes.
 */
import type { BalanceSnapshot, Charge, Device, EventCause } from '@cutline/contract/api';
import type { ChargeProject } from '@cutline/contract/usage';
import type { ToolDef } from '@cutline/contract/tools';
import { decideCapture, decideRelease, hasLapsed, proUsesAfterReturn } from '../../ledger/charge-rules';
import { decideMemberHold, poolMove, poolPart } from '../../ledger/member-limit';
import { planRelease } from '../../ledger/release';
import type { BatchState } from '../../ledger/types';
import type { Tx } from '../../db/db';
import type { HubEvent } from '../../events';
import { deviceOf } from '../../ledger-wire';
import { limitStateOf, lockAccounts, snapshotFrom } from '../accounts/state';
import { queueTeamChange } from '../webhooks/team-watch';
import { InvariantBroken, notFound, type ServiceError } from '../kernel/errors';
import { Journal, type EntryInput } from '../kernel/journal';
import { ok, refusedAfterCommit, type Outcome } from '../kernel/outcome';
import type { UserRow } from '../kernel/rows';
import type { HoldCache, KnownCharge } from './hold-cache';
import {
  batchesFor,
  chargeConflict,
  chargesFor,
  chargeWire,
  idempotencyMismatch,
  insertCharges,
  insufficientCredits,
  moveBatches,
  projectOf,
  settleCharges,
  setProUses,
  type ChargeRow,
  type LoadedCharge,
  type OwnedPart,
} from './records';

/** One step as the engine queues it. */
export type StepRequest =
  | {
      kind: 'hold';
      userId: string;
      /** The id the charge gets if this hold makes one. */
      chargeId: string;
      key: string;
      /** `requestHash` of the request: the same key must ask for the same thing. */
      hash: string;
      tool: ToolDef;
      quantity: number;
      device: Device;
      /** The project the charge is for, stored with the hold. */
      project?: ChargeProject | null;
      holdTtlMs: number;
      /** Where the 402's store link points. */
      publicUrl: string;
      /** The most the charge may take from the caller's own batches (their consent); absent: no cap. */
      personalCap?: number;
    }
  | { kind: 'capture'; userId: string; chargeId: string }
  | { kind: 'release'; userId: string; chargeId: string; reason: 'failed' | 'cancelled' }
  /** The sweep: release the hold as expired if it lapsed (nothing otherwise). */
  | { kind: 'lapse'; userId: string; chargeId: string };

export type StepKind = StepRequest['kind'];

export interface StepResult {
  charge: Charge;
  /** The caller's snapshot right after the step (its event's, or as the step found it). */
  balance: BalanceSnapshot;
  /** A hold answered with the charge its key already made. */
  replayed: boolean;
}

/** A step's outcome and the events its commit made true, for `afterCommit`. */
export interface StepAnswer {
  outcome: Outcome<StepResult>;
  events: readonly HubEvent[];
}

export interface BatchRun {
  answers: StepAnswer[];
  /** Webhook deliveries the batch queued (its teams' pool and member crossings): the outbox worker is woken after the commit. */
  webhooks: number;
  /** Once the transaction committed: what the batch leaves its accounts with goes into the hold cache. */
  remember(): void;
}

/** Runs `steps` inside `tx` at `now`; the caller commits, then publishes each answer in order. */
export async function runBatch(tx: Tx, steps: readonly StepRequest[], now: number, cache: HoldCache): Promise<BatchRun> {
  const books = await Books.load(tx, steps, now, cache);
  const journals: Journal[] = [];
  const outcomes: Outcome<{ charge: Charge; replayed: boolean }>[] = [];
  for (const s of steps) {
    const journal = new Journal(causeOf(s));
    outcomes.push(books.apply(s, journal));
    books.stepDone(s.userId, journal);
    journals.push(journal);
  }
  await books.write(tx);
  const committed = await Journal.commitAll(tx, journals, now, {
    snapshot: (i, user) => books.snapshotAfter(i, user),
    members: (teamId) => books.membersOf(teamId),
  });
  // The teams whose pool a hold drew on: their webhooks' crossings, in this transaction (the outbox).
  let webhooks = 0;
  for (const [teamId, members] of books.poolHolders()) {
    webhooks += await queueTeamChange(tx, teamId, { pool: books.poolMove(teamId), members }, now);
  }
  const answers = outcomes.map((o, i): StepAnswer => {
    const { events, balances } = committed[i];
    if (!o.ok) return { outcome: o, events };
    const balance = balances.get(steps[i].userId) ?? books.callerBalance(i);
    return { outcome: ok({ ...o.value, balance }), events };
  });
  return { answers, webhooks, remember: () => books.remember(cache) };
}

const causeOf = (s: StepRequest): Omit<EventCause, 'entry'> =>
  s.kind === 'hold'
    ? { kind: 'hold', chargeId: s.chargeId, tool: s.tool.id, device: s.device }
    : { kind: s.kind === 'capture' ? 'capture' : 'release', chargeId: s.chargeId };

/** A charge as the batch knows it: stored before (`isNew` false) or made by one of its holds. Its row is replaced, never changed. */
interface Held extends KnownCharge {
  row: ChargeRow;
  isNew: boolean;
}

const refused = (e: ServiceError): Outcome<never> => refusedAfterCommit(e);
const proUseAccount = (u: UserRow) => ({ proUsesRemaining: u.pro_uses_remaining, exchanged: u.exchanged === 1 });
const memberOf = (u: UserRow) => ({ id: u.id, email: u.email });
const keyOf = (userId: string, key: string) => `${userId}\n${key}`;

/** Open holds a hold-cache entry keeps per account (the newest). */
const HOLDS_KEPT = 16;

/**
 * The accounts of one batch in memory: their rows as locked (version, held credits and Pro uses
 * kept current as steps apply), their batches (remaining kept current), the charges the steps
 * name, and what each step left every account it affected with.
 */
class Books {
  private readonly batches = new Map<string, BatchState>();
  private readonly byOwner = new Map<string, BatchState[]>();
  private readonly charges = new Map<string, Held>();
  private readonly byKey = new Map<string, string>();
  private readonly moved = new Map<string, number>();
  private readonly settled = new Set<string>();
  private readonly proUses = new Set<string>();
  /** Per step: each affected account's snapshot right after it; and the caller's, affected or not. */
  private readonly snaps: Map<string, BalanceSnapshot>[] = [];
  private readonly callers: (BalanceSnapshot | null)[] = [];
  /** Per team: its pool (live subscription credits) as the batch read it; and the members whose holds drew on it. */
  private readonly poolAtLoad = new Map<string, number>();
  private readonly holders = new Map<string, Set<string>>();

  private constructor(
    private readonly users: Map<string, UserRow>,
    private readonly asked: readonly string[],
    private readonly now: number,
  ) {}

  static async load(tx: Tx, steps: readonly StepRequest[], now: number, cache: HoldCache): Promise<Books> {
    const asked = [...new Set(steps.map((s) => s.userId))];
    const { users, teams } = await lockAccounts(tx, asked);
    const books = new Books(users, asked, now);

    // Accounts the cache knows at the version just locked: their batches and open holds from it.
    const known = new Set<string>();
    const cachedHolds = new Map<string, KnownCharge>();
    for (const id of asked) {
      const u = users.get(id);
      const e = u && cache.take(id, u.version, u.team_id);
      if (!e) continue;
      known.add(id);
      // Shared with the cache: the books never change a batch or charge object, they replace it.
      for (const b of e.batches) books.addBatch(b);
      for (const [chargeId, c] of e.holds) cachedHolds.set(chargeId, c);
    }

    const ids = new Set<string>();
    const keys: { userId: string; key: string }[] = [];
    for (const s of steps) {
      if (s.kind === 'hold') keys.push({ userId: s.userId, key: s.key });
      else if (!cachedHolds.has(s.chargeId)) ids.add(s.chargeId);
    }
    const loaded: LoadedCharge[] = await chargesFor(tx, [...ids], keys);
    const owners = [...users.keys()].filter((id) => !known.has(id)).concat([...teams]);
    const drawnFrom = new Set(loaded.flatMap((c) => c.parts.map((p) => p.batchId)).filter((id) => !books.batches.has(id)));
    for (const b of await batchesFor(tx, owners, [...drawnFrom], now)) if (!books.batches.has(b.id)) books.addBatch(b);

    for (const teamId of teams) books.poolAtLoad.set(teamId, books.pool(teamId));
    for (const [, c] of cachedHolds) books.addCharge({ row: c.row, parts: c.parts, isNew: false });
    for (const c of loaded) {
      if (books.charges.has(c.row.id)) continue;
      books.addCharge({ row: c.row, parts: c.parts.map((p) => ({ ...p, ownerKind: books.batches.get(p.batchId)?.ownerKind ?? 'user' })), isNew: false });
    }
    return books;
  }

  private addBatch(b: BatchState): void {
    this.batches.set(b.id, b);
    const list = this.byOwner.get(b.ownerId);
    if (list) list.push(b);
    else this.byOwner.set(b.ownerId, [b]);
  }

  private addCharge(c: Held): void {
    this.charges.set(c.row.id, c);
    this.byKey.set(keyOf(c.row.user_id, c.row.idem_key), c.row.id);
  }

  /** A team's pool now: its live subscription batches' remaining credits. */
  private pool(teamId: string): number {
    return (this.byOwner.get(teamId) ?? []).reduce((n, b) => (b.type === 'subscription' && (b.expiresAt === null || b.expiresAt > this.now) ? n + b.remaining : n), 0);
  }

  /** Each team a hold of the batch drew pool credits from, with the members who held them. */
  poolHolders(): Map<string, string[]> {
    return new Map([...this.holders].map(([t, m]) => [t, [...m]]));
  }

  poolMove(teamId: string): { before: number; after: number } {
    return { before: this.poolAtLoad.get(teamId) ?? 0, after: this.pool(teamId) };
  }

  membersOf(teamId: string): string[] {
    return [...this.users.values()].filter((u) => u.team_id === teamId).map((u) => u.id);
  }

  /** What the account may spend: its own batches and, for a member, the team pool's subscription batches. */
  private spendableOf(u: UserRow): BatchState[] {
    const own = this.byOwner.get(u.id) ?? [];
    if (u.team_id === null) return own;
    return own.concat((this.byOwner.get(u.team_id) ?? []).filter((b) => b.type === 'subscription'));
  }

  private snapshot(u: UserRow): BalanceSnapshot {
    return snapshotFrom(u, this.spendableOf(u), this.now);
  }

  /** A batch's remaining credits move: the batch is replaced by a new object, never changed (the old one may be shared with the hold cache). */
  private move(batchId: string, delta: number): void {
    const b = this.batches.get(batchId);
    if (!b) throw new Error(`batch ${batchId} of a charge is not among the batch's rows`);
    const moved = { ...b, remaining: b.remaining + delta };
    this.batches.set(batchId, moved);
    const list = this.byOwner.get(b.ownerId)!;
    list[list.indexOf(b)] = moved;
    this.moved.set(batchId, (this.moved.get(batchId) ?? 0) + delta);
  }

  private settle(c: Held, status: 'captured' | 'released' | 'expired', reason: ChargeRow['release_reason']): void {
    c.row = { ...c.row, status, release_reason: reason, settled_at: this.now };
    if (!c.isNew) this.settled.add(c.row.id);
  }

  apply(s: StepRequest, journal: Journal): Outcome<{ charge: Charge; replayed: boolean }> {
    const user = this.users.get(s.userId);
    if (!user) return refused(notFound('user'));
    if (s.kind === 'hold') return this.hold(s, user, journal);
    const c = this.charges.get(s.chargeId);
    if (!c || c.row.user_id !== user.id) return refused(notFound('charge'));
    const wire = () => ({ charge: chargeWire(c.row, c.parts), replayed: false });
    switch (s.kind) {
      case 'capture': {
        const d = decideCapture({ status: c.row.status, holdExpiresAt: c.row.hold_expires_at }, this.now);
        if (d.kind === 'releaseThenRefuse') {
          // A lapsed hold is released now (committed with the batch), and the capture refused.
          this.release(journal, user, c, 'expired');
          return refusedAfterCommit(chargeConflict(d.reason));
        }
        if (d.kind === 'refuse') return refused(chargeConflict(d.reason));
        if (d.kind === 'capture') {
          this.settle(c, 'captured', null);
          this.movement(journal, user, c.row, c.parts, 'capture');
        }
        return ok(wire());
      }
      case 'release': {
        const d = decideRelease({ status: c.row.status, holdExpiresAt: c.row.hold_expires_at }, s.reason, this.now);
        if (d.kind === 'refuse') return refused(chargeConflict(d.reason));
        if (d.kind === 'release') this.release(journal, user, c, d.reason);
        return ok(wire());
      }
      case 'lapse':
        if (hasLapsed({ status: c.row.status, holdExpiresAt: c.row.hold_expires_at }, this.now)) this.release(journal, user, c, 'expired');
        return ok(wire());
    }
  }

  /** Holds the cost of one action. Same key + same request → the same charge (replayed); another request → 422; not enough → 402. */
  private hold(s: Extract<StepRequest, { kind: 'hold' }>, user: UserRow, journal: Journal): Outcome<{ charge: Charge; replayed: boolean }> {
    const priorId = this.byKey.get(keyOf(user.id, s.key));
    if (priorId) {
      const prior = this.charges.get(priorId)!;
      if (prior.row.request_hash !== s.hash) return refused(idempotencyMismatch());
      return ok({ charge: chargeWire(prior.row, prior.parts), replayed: true });
    }
    const cost = s.tool.cost * s.quantity;
    // The member's limit on the pool and the personal cap are checked here, against the counters
    // of the row this batch locked (team first): no other hold of this member can interleave.
    const d = decideMemberHold({
      account: proUseAccount(user),
      tool: s.tool,
      quantity: s.quantity,
      cost,
      batches: this.spendableOf(user),
      now: this.now,
      limit: limitStateOf(user),
      personalCap: s.personalCap,
    });
    if (d.kind === 'insufficient') return refused(insufficientCredits(s.publicUrl, s.tool.name, cost, d.available, d.reason));
    const pro = d.kind === 'proUses';
    const row: ChargeRow = {
      id: s.chargeId,
      user_id: user.id,
      idem_key: s.key,
      request_hash: s.hash,
      tool: s.tool.id,
      quantity: s.quantity,
      cost,
      uses_pro_use: pro ? 1 : 0,
      pro_uses: pro ? d.uses : 0,
      status: 'held',
      release_reason: null,
      hold_expires_at: this.now + s.holdTtlMs,
      created_at: this.now,
      settled_at: null,
      device_id: s.device.id,
      device_platform: s.device.platform,
      project_id: s.project?.id ?? null,
      project_name: s.project?.name ?? null,
    };
    let parts: readonly OwnedPart[] = [];
    if (pro) {
      user.pro_uses_remaining = (user.pro_uses_remaining ?? 0) - d.uses;
      this.proUses.add(user.id);
    } else {
      parts = d.parts.map((p) => ({ ...p, ownerKind: this.batches.get(p.batchId)!.ownerKind }));
      for (const p of parts) this.move(p.batchId, -p.amount);
      if (user.team_id !== null && parts.some((p) => p.ownerKind === 'team')) {
        const set = this.holders.get(user.team_id) ?? new Set<string>();
        this.holders.set(user.team_id, set.add(user.id));
      }
    }
    this.addCharge({ row, parts, isNew: true });
    this.movement(journal, user, row, parts, 'hold');
    return ok({ charge: chargeWire(row, parts), replayed: false });
  }

  /**
   * Returns a held charge's credits (or Pro uses) to where they came from and settles it as
   * `released` (failed/cancelled) or `expired` (its hold lapsed). A part whose batch expired
   * meanwhile goes back to it and expires with it at once (ledger/release.ts).
   */
  private release(journal: Journal, user: UserRow, c: Held, reason: 'failed' | 'cancelled' | 'expired'): void {
    const plan = planRelease(c.parts, (id) => this.batches.get(id)?.expiresAt ?? null, this.now);
    if (c.row.uses_pro_use === 1) {
      user.pro_uses_remaining = proUsesAfterReturn(
        { remaining: user.pro_uses_remaining, perCycle: user.pro_uses_per_cycle, exchanged: user.exchanged === 1 },
        c.row.pro_uses,
      );
      this.proUses.add(user.id);
    }
    for (const p of plan) if (!p.expiredMeanwhile) this.move(p.batchId, p.amount);
    this.settle(c, reason === 'expired' ? 'expired' : 'released', reason);
    this.movement(journal, user, c.row, c.parts, 'release');
    const device = deviceOf(c.row.device_id, c.row.device_platform);
    for (const p of plan) {
      if (!p.expiredMeanwhile) continue;
      journal.add({ ...this.chargeFacts(c.row, 'expire'), userId: user.id, scopeId: user.id, kind: 'expire', amount: p.amount, unit: 'credits', type: p.type, batchId: p.batchId, chargeId: c.row.id, tool: c.row.tool, device, member: memberOf(user) });
    }
  }

  /** Ledger entries, touched accounts and held credits of one movement of a charge (hold, capture, release). */
  private movement(journal: Journal, user: UserRow, c: ChargeRow, parts: readonly OwnedPart[], kind: 'hold' | 'capture' | 'release'): void {
    const device = deviceOf(c.device_id, c.device_platform);
    const member = memberOf(user);
    const teamId = user.team_id;
    journal.describe(device ? { chargeId: c.id, tool: c.tool, device } : { chargeId: c.id, tool: c.tool });
    if (c.uses_pro_use === 1) {
      journal.add({ ...this.chargeFacts(c, kind), userId: user.id, scopeId: user.id, kind, amount: c.pro_uses, unit: 'proUses', type: null, batchId: null, chargeId: c.id, tool: c.tool, device, member });
    }
    let pool = false;
    for (const p of parts) {
      // Credits of the team pool move in the team's history (every member sees who, tool, device).
      const inPool = teamId !== null && p.ownerKind === 'team';
      pool ||= inPool;
      journal.add({ ...this.chargeFacts(c, kind), userId: user.id, scopeId: inPool ? teamId : user.id, kind, amount: p.amount, unit: 'credits', type: p.type, batchId: p.batchId, chargeId: c.id, tool: c.tool, device, member });
    }
    journal.touchUser(user.id);
    if (c.uses_pro_use !== 1) {
      const delta = kind === 'hold' ? c.cost : -c.cost;
      journal.adjustHeld(user.id, delta);
      user.held += delta;
    }
    // The member's pool counters (what a limit is checked against) move in the same transaction.
    const pooled = poolPart(parts);
    if (pooled > 0) {
      const move = poolMove(kind, pooled);
      journal.adjustPool(user.id, move);
      user.pool_held += move.held;
      user.pool_used += move.used;
    }
    // The pool changed (hold, release) or a teammate's spend settled (capture): every member hears of it.
    if (pool) journal.touchTeam(teamId!);
  }

  /** What a charge's entries carry besides the movement: its project, and why its credits came back (release, expired with its batch). */
  private chargeFacts(c: ChargeRow, kind: 'hold' | 'capture' | 'release' | 'expire'): Pick<EntryInput, 'project' | 'reason'> {
    const project = projectOf(c.project_id, c.project_name);
    const reason = (kind === 'release' || kind === 'expire') && c.release_reason ? c.release_reason : undefined;
    return { ...(project ? { project } : {}), ...(reason ? { reason } : {}) };
  }

  /** After step `index` (the next in order): each account it affected gets its next version and its snapshot as it stands now. */
  stepDone(callerId: string, journal: Journal): void {
    const snaps = new Map<string, BalanceSnapshot>();
    for (const id of journal.affected((t) => this.membersOf(t))) {
      const u = this.users.get(id);
      if (!u) throw new Error(`account ${id} was affected by a charge step but not locked by its batch`);
      u.version++;
      snaps.set(id, this.snapshot(u));
    }
    this.snaps.push(snaps);
    const caller = this.users.get(callerId);
    this.callers.push(snaps.get(callerId) ?? (caller ? this.snapshot(caller) : null));
  }

  callerBalance(index: number): BalanceSnapshot {
    const b = this.callers[index];
    if (!b) throw new Error(`step ${index} has no account to answer with`);
    return b;
  }

  /**
   * The snapshot step `index` left `user` with, as the journal's commit asks for it with the row
   * it wrote: the version and held credits the database gives must be the ones this batch
   * counted from the rows it locked — else the lock did not hold (someone else wrote the account).
   */
  snapshotAfter(index: number, user: UserRow): BalanceSnapshot {
    const s = this.snaps[index]?.get(user.id);
    if (!s) throw new Error(`step ${index} did not affect account ${user.id}`);
    if (s.version !== user.version || s.held !== user.held) {
      throw new InvariantBroken('account lock', `account ${user.id}: the batch counted version ${s.version}, held ${s.held}; the database has ${user.version}, ${user.held}`);
    }
    if (s.limit && (s.limit.used !== user.pool_used || s.limit.held !== user.pool_held)) {
      throw new InvariantBroken('account lock', `account ${user.id}: the batch counted pool used ${s.limit.used}, held ${s.limit.held}; the database has ${user.pool_used}, ${user.pool_held}`);
    }
    return s;
  }

  async write(tx: Tx): Promise<void> {
    const all = [...this.charges.values()];
    await insertCharges(tx, all.filter((c) => c.isNew));
    await settleCharges(tx, all.filter((c) => this.settled.has(c.row.id)).map((c) => c.row));
    await moveBatches(
      tx,
      [...this.moved].filter(([, delta]) => delta !== 0).map(([id, delta]) => ({ id, delta, expected: this.batches.get(id)!.remaining })),
    );
    await setProUses(tx, [...this.proUses].map((id) => ({ userId: id, remaining: this.users.get(id)!.pro_uses_remaining })));
  }

  /** After the commit: each teamless account's batches and open holds, at the version the batch gave it. */
  remember(cache: HoldCache): void {
    for (const id of this.asked) {
      const u = this.users.get(id);
      if (!u || u.team_id !== null) {
        cache.forget([id]);
        continue;
      }
      const holds = [...this.charges.values()].filter((c) => c.row.user_id === id && c.row.status === 'held').slice(-HOLDS_KEPT);
      cache.keep(id, {
        version: u.version,
        batches: [...(this.byOwner.get(id) ?? [])],
        holds: new Map(holds.map((c) => [c.row.id, { row: c.row, parts: c.parts }])),
      });
    }
  }
}
