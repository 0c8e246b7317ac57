/**
 * Everything one transaction changes about what accounts can spend: ledger entries, the
 * accounts whose balance moved, and the cause. `commit` writes the entries, bumps each affected
 * account's version and stores its event row — all inside the transaction — and returns the
 * events to publish once the transaction has committed.
 */
import type { Device, EventCause, LedgerEntry } from '../../shared/api';
import type { CreditType, LedgerKind } from '../../shared/credit-types';
import type { Tx } from '../store/db';
import { snapshotOf, teamMemberIds } from './account-state';
import type { HubEvent } from './event-hub';
import { ledgerWire, userRow } from './rows';

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
}

export class Journal {
  private readonly entries: EntryInput[] = [];
  private readonly users = new Set<string>();
  private readonly teams = new Set<string>();

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

  async commit(tx: Tx, now: number): Promise<{ events: HubEvent[]; entries: LedgerEntry[] }> {
    const written: { entry: LedgerEntry; userId: string | null; scopeId: string }[] = [];
    for (const e of this.entries) {
      const row = await tx.get(
        `INSERT INTO ledger (scope_id, user_id, at, kind, amount, unit, type, batch_id, charge_id, tool, device_id, device_platform)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        [
          e.scopeId,
          e.userId,
          now,
          e.kind,
          e.amount,
          e.unit,
          e.type,
          e.batchId,
          e.chargeId ?? null,
          e.tool ?? null,
          e.device?.id ?? null,
          e.device?.platform ?? null,
        ],
      );
      written.push({ entry: ledgerWire(row!), userId: e.userId, scopeId: e.scopeId });
    }
    const affected = new Set(this.users);
    for (const t of this.teams) for (const id of await teamMemberIds(tx, t)) affected.add(id);

    const events: HubEvent[] = [];
    for (const userId of [...affected].sort()) {
      const user = userRow((await tx.get('UPDATE users SET version = version + 1 WHERE id = ? RETURNING *', [userId]))!);
      const mine = written.filter((w) => w.userId === userId || (w.userId === null && (w.scopeId === user.team_id || w.scopeId === userId)));
      const cause: EventCause & { entries?: LedgerEntry[] } = { ...this.cause };
      if (mine.length) {
        cause.entry = mine[0].entry;
        cause.entries = mine.map((w) => w.entry);
      }
      const payload = JSON.stringify({ balance: await snapshotOf(tx, user, now), cause });
      await tx.run('INSERT INTO events (user_id, version, at, payload) VALUES (?, ?, ?, ?)', [userId, user.version, now, payload]);
      events.push({ userId, version: user.version, payload });
    }
    return { events, entries: written.map((w) => w.entry) };
  }
}
