/**
 * Everything one change does to what accounts can spend: ledger entries, the accounts whose
 * balance moved, the held-credit deltas, and the cause. A transaction commits one journal
 * (`mutate`) or several in order (the charge engine: one per step of its batch) with
 * `Journal.commitAll`, which — inside the transaction — writes the entries, bumps each affected
 * account's version once per journal that affects it (so every change keeps its own version and
 * event, in order) and stores the (compact) event rows; it returns the events to publish once the
 * transaction has committed. Rows are written with multi-row statements whatever the number of
 * journals. The event payload is built by db/event-log.ts, which also reads the rows back.
 */
import type { BalanceSnapshot, Device, EventCause, LedgerEntry } from '@cutline/contract/api';
import type { CreditType, LedgerKind } from '@cutline/contract/credit-types';
import type { RowColumn, Tx } from '../../db/db';
import { writeEvents, type CompactEvent } from '../../db/event-log';
import { snapshotOf } from '../accounts/state';
import { eventPayload, type HubEvent } from '../../events';
import { ledgerWire } from '../../ledger-wire';
import { userRow, type UserRow } from './rows';

export interface EntryInput {
  /** The user the entry belongs to; null for a team-level entry (team grant or expiry). */
  userId: string | null;
  /** user id, or team id for team-level entries: whose history lists it. */
  scopeId: string;
  kind: LedgerKind;
  amount: number;
  unit: 'credits' | 'proUses';
  type: CreditType | null;
  batchId: string | null;
  chargeId?: string | null;
  tool?: string | null;
  device?: Device | null;
  /** Who caused a charge movement (shown to teammates for the team pool's). */
  member?: { id: string; email: string } | null;
  /** The charge's project (read back from its charge row: `ledgerWire`). */
  project?: { id: string; name: string };
  /** Why the charge's credits came back (its `release_reason`), on release and expired-with-its-batch entries. */
  reason?: 'failed' | 'cancelled' | 'expired';
}

/** What one journal's commit gave: its events (to publish after the commit), its entries, each affected account's snapshot. */
export interface Committed {
  events: HubEvent[];
  entries: LedgerEntry[];
  /** Each affected account's snapshot after the change: the `balance` of its event payload. */
  balances: Map<string, BalanceSnapshot>;
}

export interface CommitOptions {
  /**
   * The account's snapshot right after journal `index`, given its row as it stood then (version
   * and held as of that journal; other columns as at the end of the transaction). Default: read
   * (its live batches).
   */
  snapshot?(index: number, user: UserRow): BalanceSnapshot | Promise<BalanceSnapshot>;
  /** A team's members, when the caller already knows them (else they are read). */
  members?(teamId: string): readonly string[] | undefined;
}

export class Journal {
  private readonly entries: EntryInput[] = [];
  private readonly users = new Set<string>();
  private readonly teams = new Set<string>();
  private readonly held = new Map<string, number>();
  /** Per team member: the moves of their pool counters (held, used) — a limit is checked against them. */
  private readonly pool = new Map<string, { held: number; used: number }>();

  constructor(private cause: Omit<EventCause, 'entry'>) {}

  /** Adds what is only known inside the transaction (the charge's tool and device) to the cause. */
  describe(extra: Partial<Omit<EventCause, 'entry' | 'kind'>>): void {
    this.cause = { ...this.cause, ...extra };
  }

  add(e: EntryInput): void {
    this.entries.push(e);
  }
  /** The account's balance changed (its own batches, held credits or Pro uses). */
  touchUser(id: string): void {
    this.users.add(id);
  }
  /** The team pool changed: every member's balance did. */
  touchTeam(id: string): void {
    this.teams.add(id);
  }

  /**
   * A team member's pool counters move: `held` by the pool credits a hold takes (a capture or
   * release takes them off), `used` by the pool credits a capture settles.
   */
  adjustPool(userId: string, delta: { held: number; used: number }): void {
    const p = this.pool.get(userId) ?? { held: 0, used: 0 };
    this.pool.set(userId, { held: p.held + delta.held, used: p.used + delta.used });
    this.users.add(userId);
  }

  /** The account's held credits move by `delta` (a hold adds its cost, a capture or release takes it off). */
  adjustHeld(userId: string, delta: number): void {
    this.held.set(userId, (this.held.get(userId) ?? 0) + delta);
    this.users.add(userId);
  }

  heldDelta(userId: string): number {
    return this.held.get(userId) ?? 0;
  }

  poolDelta(userId: string): { held: number; used: number } {
    return this.pool.get(userId) ?? { held: 0, used: 0 };
  }

  /** The accounts this journal affects, given each touched team's members, in id order. */
  affected(membersOf: (teamId: string) => readonly string[]): string[] {
    const out = new Set(this.users);
    for (const t of this.teams) for (const id of membersOf(t)) out.add(id);
    return [...out].sort();
  }

  /** The teams whose pool this journal moved. */
  touchedTeams(): ReadonlySet<string> {
    return this.teams;
  }

  /** This journal alone (`mutate`): `commitAll` of one. */
  async commit(tx: Tx, now: number, opts: CommitOptions = {}): Promise<Committed> {
    return (await Journal.commitAll(tx, [this], now, opts))[0];
  }

  /**
   * Commits `journals` in order inside `tx`: their entries in multi-row inserts (seqs follow the
   * order), each affected account's version bumped once per journal that affects it and its held
   * credits by their deltas (one statement for all), then one event row per (journal, affected
   * account), in journal order and account id order within a journal.
   */
  static async commitAll(tx: Tx, journals: readonly Journal[], now: number, opts: CommitOptions = {}): Promise<Committed[]> {
    const written = await insertEntries(tx, journals.flatMap((j) => j.entries), now);
    const members = await teamMembers(tx, journals, opts.members);
    const affected = journals.map((j) => j.affected((t) => members.get(t) ?? []));

    // Per account: how many journals bump it and its held and pool deltas in all; one statement for every account.
    const bumps = new Map<string, Bump>();
    journals.forEach((j, i) => {
      for (const id of affected[i]) {
        const b = bumps.get(id) ?? noBump();
        addBump(b, j, id);
        bumps.set(id, b);
      }
    });
    const finals = await bumpAccounts(tx, bumps);

    const out: Committed[] = [];
    const rows: CompactEvent[] = [];
    const seen = new Map<string, Bump>(); // bumps applied so far, per account
    let entry = 0;
    for (let i = 0; i < journals.length; i++) {
      const j = journals[i];
      const mine = written.slice(entry, (entry += j.entries.length));
      const cause = JSON.stringify(j.cause); // the same for every account; each adds its own entries
      const committed: Committed = { events: [], entries: mine.map((w) => w.entry), balances: new Map() };
      for (const userId of affected[i]) {
        const final = finals.get(userId);
        if (!final) throw new Error(`account ${userId} vanished inside its own transaction`);
        const total = bumps.get(userId)!;
        const s = seen.get(userId) ?? noBump();
        addBump(s, j, userId);
        seen.set(userId, s);
        // The row as it stood right after this journal: later journals' bumps and deltas taken off.
        const user: UserRow = {
          ...final,
          version: final.version - (total.n - s.n),
          held: final.held - (total.held - s.held),
          pool_held: final.pool_held - (total.poolHeld - s.poolHeld),
          pool_used: final.pool_used - (total.poolUsed - s.poolUsed),
        };
        // Their own entries, and every entry of their team's pool (a teammate's included).
        const listed = mine.filter((w) => w.userId === userId || w.scopeId === userId || (user.team_id !== null && w.scopeId === user.team_id));
        const balance = opts.snapshot ? await opts.snapshot(i, user) : await snapshotOf(tx, user, now);
        const row: CompactEvent = { userId, version: user.version, at: now, balance: JSON.stringify(balance), cause, seqs: listed.map((w) => w.seq) };
        rows.push(row);
        committed.events.push({ userId, version: user.version, payload: eventPayload(row.balance, cause, listed.map((w) => w.json)) });
        committed.balances.set(userId, balance);
      }
      out.push(committed);
    }
    await writeEvents(tx, rows);
    return out;
  }
}

interface WrittenEntry {
  entry: LedgerEntry;
  json: string;
  seq: number;
  userId: string | null;
  scopeId: string;
}

const LEDGER_COLUMNS: readonly RowColumn[] = [
  ['scope_id', 'text'], ['user_id', 'text'], ['at', 'bigint'], ['kind', 'text'], ['amount', 'int'], ['unit', 'text'],
  ['type', 'text'], ['batch_id', 'text'], ['charge_id', 'text'], ['tool', 'text'], ['device_id', 'text'], ['device_platform', 'text'],
];

async function insertEntries(tx: Tx, entries: readonly EntryInput[], now: number): Promise<WrittenEntry[]> {
  const rows = await tx.writeRows(
    LEDGER_COLUMNS,
    entries.map((e) => [e.scopeId, e.userId, now, e.kind, e.amount, e.unit, e.type, e.batchId, e.chargeId ?? null, e.tool ?? null,
      e.device?.id ?? null, e.device?.platform ?? null]),
    (v) => `INSERT INTO ledger (scope_id, user_id, at, kind, amount, unit, type, batch_id, charge_id, tool, device_id, device_platform)
       SELECT scope_id, user_id, at, kind, amount, unit, type, batch_id, charge_id, tool, device_id, device_platform FROM ${v} AS v
       RETURNING seq`,
  );
  if (rows.length !== entries.length) throw new Error(`ledger insert returned ${rows.length} rows for ${entries.length}`);
  // A sequence (PostgreSQL) or AUTOINCREMENT (SQLite) numbers the rows in the order they are
  // inserted, the rows' order, so the ascending seqs belong to the entries in that order.
  const seqs = rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
  return entries.map((e, k) => {
    const entry = entryWire(e, seqs[k], now);
    return { entry, json: JSON.stringify(entry), seq: seqs[k], userId: e.userId, scopeId: e.scopeId };
  });
}

/** The members of every team the journals touched: from `known` when the caller has them, else one read for the rest. */
async function teamMembers(tx: Tx, journals: readonly Journal[], known?: CommitOptions['members']): Promise<Map<string, readonly string[]>> {
  const out = new Map<string, readonly string[]>();
  const missing: string[] = [];
  for (const j of journals) {
    for (const t of j.touchedTeams()) {
      if (out.has(t) || missing.includes(t)) continue;
      const m = known?.(t);
      if (m) out.set(t, m);
      else missing.push(t);
    }
  }
  if (missing.length) {
    const v = tx.rows([['id', 'text']], missing.map((t) => [t]));
    const rows = await tx.all<{ id: string; team_id: string }>(`SELECT id, team_id FROM users WHERE team_id IN (SELECT id FROM ${v.sql} AS v) ORDER BY id`, v.params);
    for (const t of missing) out.set(t, rows.filter((r) => r.team_id === t).map((r) => r.id));
  }
  return out;
}

/** What the journals of one commit do to an account's row: versions, held credits, pool counters. */
interface Bump {
  n: number;
  held: number;
  poolHeld: number;
  poolUsed: number;
}
const noBump = (): Bump => ({ n: 0, held: 0, poolHeld: 0, poolUsed: 0 });
function addBump(b: Bump, j: Journal, userId: string): void {
  b.n++;
  b.held += j.heldDelta(userId);
  const p = j.poolDelta(userId);
  b.poolHeld += p.held;
  b.poolUsed += p.used;
}

/** Bumps each account's version by `n`, its held credits and pool counters by their deltas, in one statement; the rows after. */
async function bumpAccounts(tx: Tx, bumps: ReadonlyMap<string, Bump>): Promise<Map<string, UserRow>> {
  const out = new Map<string, UserRow>();
  if (!bumps.size) return out;
  // The row source's column names differ from every users column: `RETURNING *` (which on
  // PostgreSQL also lists them) gives the users row as written on both engines.
  const rows = await tx.writeRows(
    [['bump_id', 'text'], ['bumps', 'int'], ['held_delta', 'int'], ['pool_held_delta', 'int'], ['pool_used_delta', 'int']],
    [...bumps].map(([id, b]) => [id, b.n, b.held, b.poolHeld, b.poolUsed]),
    (v) =>
      `UPDATE users SET version = users.version + v.bumps, held = users.held + v.held_delta,
       pool_held = users.pool_held + v.pool_held_delta, pool_used = users.pool_used + v.pool_used_delta
       FROM ${v} AS v WHERE users.id = v.bump_id RETURNING *`,
  );
  for (const r of rows) out.set(String(r.id), userRow(r));
  return out;
}

/** The wire form of an entry as written: what `ledgerWire` makes of its row. */
function entryWire(e: EntryInput, seq: number, at: number): LedgerEntry {
  return ledgerWire({
    seq,
    at,
    kind: e.kind,
    amount: e.amount,
    type: e.type,
    batch_id: e.batchId,
    charge_id: e.chargeId ?? null,
    tool: e.tool ?? null,
    device_id: e.device?.id ?? null,
    device_platform: e.device?.platform ?? null,
    unit: e.unit,
    user_id: e.userId,
    member_email: e.member?.email ?? null,
    project_id: e.project?.id ?? null,
    project_name: e.project?.name ?? null,
    release_reason: e.reason ?? null,
  });
}
