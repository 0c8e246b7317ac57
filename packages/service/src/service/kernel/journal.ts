/**
 * Everything one transaction changes about what accounts can spend: ledger entries, the
 * accounts whose balance moved, and the cause. `commit` writes the entries, bumps each affected
 * account's version and stores its (compact) event row — all inside the transaction — and
 * returns the events to publish once the transaction has committed. The event payload is built by
 * db/event-log.ts, which also reads the rows back.
 */
import type { BalanceSnapshot, Device, EventCause, LedgerEntry } from '@cutline/contract/api';
import type { CreditType, LedgerKind } from '@cutline/contract/credit-types';
import type { BatchState } from '../../ledger/types';
import type { Tx } from '../../db/db';
import { writeEvent } from '../../db/event-log';
import { snapshotFrom, snapshotOf, teamMemberIds } from '../accounts/state';
import { eventPayload, type HubEvent } from '../../events';
import { ledgerWire } from '../../ledger-wire';
import { userRow } from './rows';

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
}

export class Journal {
  private readonly entries: EntryInput[] = [];
  private readonly users = new Set<string>();
  private readonly teams = new Set<string>();
  private readonly batches = new Map<string, readonly BatchState[]>();
  private readonly held = new Map<string, number>();

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

  /** The account's held credits move by `delta` (a hold adds its cost, a capture or release takes it off). */
  adjustHeld(userId: string, delta: number): void {
    this.held.set(userId, (this.held.get(userId) ?? 0) + delta);
    this.users.add(userId);
  }

  /**
   * The account's live batches as they stand at commit, when the transaction already read them
   * (under the account's lock) and applied its own changes to them: the snapshot then uses them
   * instead of reading them again. Only for changes after which nothing else in the transaction
   * touches that account's batches.
   */
  knowBatches(userId: string, batches: readonly BatchState[]): void {
    this.batches.set(userId, batches);
  }

  async commit(tx: Tx, now: number): Promise<{ events: HubEvent[]; entries: LedgerEntry[]; balances: Map<string, BalanceSnapshot> }> {
    const written: { entry: LedgerEntry; json: string; seq: number; userId: string | null; scopeId: string }[] = [];
    for (let i = 0; i < this.entries.length; i += LEDGER_ROWS_PER_INSERT) {
      const chunk = this.entries.slice(i, i + LEDGER_ROWS_PER_INSERT);
      const params: unknown[] = [];
      for (const e of chunk) {
        params.push(e.scopeId, e.userId, now, e.kind, e.amount, e.unit, e.type, e.batchId, e.chargeId ?? null, e.tool ?? null,
          e.device?.id ?? null, e.device?.platform ?? null);
      }
      // One statement per chunk: a sequence (PostgreSQL) or AUTOINCREMENT (SQLite) numbers the
      // rows in VALUES order, so the ascending seqs belong to the entries in insertion order.
      const rows = await tx.all<{ seq: unknown }>(
        `INSERT INTO ledger (scope_id, user_id, at, kind, amount, unit, type, batch_id, charge_id, tool, device_id, device_platform)
         VALUES ${chunk.map(() => LEDGER_ROW).join(', ')} RETURNING seq`,
        params,
      );
      if (rows.length !== chunk.length) throw new Error(`ledger insert returned ${rows.length} rows for ${chunk.length}`);
      const seqs = rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
      chunk.forEach((e, k) => {
        const entry = entryWire(e, seqs[k], now);
        written.push({ entry, json: JSON.stringify(entry), seq: seqs[k], userId: e.userId, scopeId: e.scopeId });
      });
    }
    const affected = new Set(this.users);
    for (const t of this.teams) for (const id of await teamMemberIds(tx, t)) affected.add(id);

    const cause = JSON.stringify(this.cause); // the same for every account; each adds its own entries
    const events: HubEvent[] = [];
    const balances = new Map<string, BalanceSnapshot>();
    for (const userId of [...affected].sort()) {
      const user = userRow(
        (await tx.get('UPDATE users SET version = version + 1, held = held + ? WHERE id = ? RETURNING *', [this.held.get(userId) ?? 0, userId]))!,
      );
      // Their own entries, and every entry of their team's pool (a teammate's included).
      const mine = written.filter((w) => w.userId === userId || w.scopeId === userId || (user.team_id !== null && w.scopeId === user.team_id));
      const known = this.batches.get(userId);
      const balance = known ? snapshotFrom(user, known, now) : await snapshotOf(tx, user, now);
      const row = { userId, version: user.version, at: now, balance: JSON.stringify(balance), cause, seqs: mine.map((w) => w.seq) };
      await writeEvent(tx, row);
      events.push({ userId, version: user.version, payload: eventPayload(row.balance, cause, mine.map((w) => w.json)) });
      balances.set(userId, balance);
    }
    return { events, entries: written.map((w) => w.entry), balances };
  }
}

/** Rows per multi-row ledger INSERT (12 parameters each; far below either engine's limit). */
const LEDGER_ROWS_PER_INSERT = 100;
const LEDGER_ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

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
  });
}
