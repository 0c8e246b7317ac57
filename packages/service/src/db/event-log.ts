/**
 * The `events` table in one place: the compact row every committed change stores per affected
 * account, every read of those rows (a stream's gap fill, the PostgreSQL relay's deliveries and
 * catch-up), each turned back into its SSE payload with `eventPayload` (events.ts). The journal
 * builds its live events with the same `eventPayload`, so an event read back is byte for byte the
 * event delivered live.
 *
 * A row (migration 4) keeps only what the ledger does not: the balance snapshot's JSON, the
 * cause's JSON without its entries, and the seqs of the account's entries (`"12,13,14"`); the
 * entries are read back from `ledger` (append-only) and built by `ledgerWire`. A row written
 * before migration 4 has its whole payload in `payload` and is read as it is.
 */
import { eventPayload, type HubEvent } from '../events';
import type { Db, RowColumn, Tx } from './db';
import { LEDGER_JOINS, ledgerWire } from '../ledger-wire';

/** What the reads need of a connection or transaction (`Tx` has it; the relay adapts its pool). */
export interface EventQuerier {
  all<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface CompactEvent {
  userId: string;
  version: number;
  at: number;
  /** JSON of the account's BalanceSnapshot after the change. */
  balance: string;
  /** JSON of the cause without `entry`/`entries` (`{"kind":…, …}`). */
  cause: string;
  /** The ledger seqs of the entries the account's event lists, in order. */
  seqs: readonly number[];
}

const EVENT_COLUMNS: readonly RowColumn[] = [['user_id', 'text'], ['version', 'bigint'], ['at', 'bigint'], ['balance', 'text'], ['cause', 'text'], ['seqs', 'text']];

/** Stores the accounts' event rows (inside the committing transaction), in one multi-row write. */
export async function writeEvents(tx: Pick<Tx, 'writeRows'>, events: readonly CompactEvent[]): Promise<void> {
  await tx.writeRows(
    EVENT_COLUMNS,
    events.map((e) => [e.userId, e.version, e.at, e.balance, e.cause, e.seqs.length ? e.seqs.join(',') : null]),
    (v) => `INSERT INTO events (user_id, version, at, balance, cause, seqs) SELECT user_id, version, at, balance, cause, seqs FROM ${v} AS v`,
  );
}

/** The account's events after version `after` up to `upTo`, in version order (a stream's gap). */
export function eventsBetween(q: EventQuerier, userId: string, after: number, upTo: number): Promise<HubEvent[]> {
  return read(q, `SELECT ${COLUMNS} FROM events WHERE user_id = ? AND version > ? AND version <= ? ORDER BY version`, [userId, after, upTo]);
}

/**
 * PostgreSQL (the relay): several accounts' windows in one query — for each, the versions after
 * `after` up to `upTo` — ordered by account, then version.
 */
export function eventsInWindows(q: EventQuerier, windows: readonly { userId: string; after: number; upTo: number }[]): Promise<HubEvent[]> {
  return read(
    q,
    `SELECT ${COLUMNS} FROM events e JOIN unnest(?::text[], ?::bigint[], ?::bigint[]) AS w(u, lo, hi)
       ON e.user_id = w.u AND e.version > w.lo AND e.version <= w.hi
      ORDER BY e.user_id, e.version`,
    [windows.map((w) => w.userId), windows.map((w) => w.after), windows.map((w) => w.upTo)],
  );
}

/** PostgreSQL (the relay's catch-up): the accounts with an event stamped since `since`. */
export async function accountsChangedSince(q: EventQuerier, since: number): Promise<string[]> {
  const rows = await q.all<{ user_id: string }>('SELECT DISTINCT user_id FROM events WHERE at >= ?', [since]);
  return rows.map((r) => r.user_id);
}

/** PostgreSQL (the relay's catch-up): those accounts' events stamped since `since`, by account, then version. */
export function eventsSince(q: EventQuerier, userIds: readonly string[], since: number): Promise<HubEvent[]> {
  return read(q, `SELECT ${COLUMNS} FROM events WHERE user_id = ANY(?::text[]) AND at >= ? ORDER BY user_id, version`, [userIds, since]);
}

const COLUMNS = 'user_id, version, payload, balance, cause, seqs';
interface StoredRow {
  user_id: string;
  version: unknown;
  payload: string | null;
  balance: string | null;
  cause: string | null;
  seqs: string | null;
}
/**
 * Seqs per ledger read (one `?` each): a list is padded (repeating its last seq) to the next of
 * these sizes, so the engines prepare a handful of statements, not one per list length.
 */
const SEQ_LIST_SIZES = [4, 16, 64, 256];
const SEQS_PER_READ = SEQ_LIST_SIZES[SEQ_LIST_SIZES.length - 1];

async function read(q: EventQuerier, sql: string, params: readonly unknown[]): Promise<HubEvent[]> {
  const rows = await q.all<StoredRow>(sql, params);
  const seqsOf = new Map<StoredRow, number[]>();
  const wanted = new Set<number>();
  for (const r of rows) {
    if (r.payload !== null || !r.seqs) continue;
    const seqs = r.seqs.split(',').map(Number);
    seqsOf.set(r, seqs);
    for (const s of seqs) wanted.add(s);
  }
  const entries = await entryTexts(q, [...wanted]);
  return rows.map((r) => {
    const version = Number(r.version);
    if (r.payload !== null) return { userId: r.user_id, version, payload: r.payload }; // a row from before migration 4
    const texts = (seqsOf.get(r) ?? []).map((s) => {
      const t = entries.get(s);
      if (t === undefined) throw new Error(`event ${r.user_id}@${version} lists ledger entry ${s}, which is not in the ledger`);
      return t;
    });
    return { userId: r.user_id, version, payload: eventPayload(r.balance!, r.cause!, texts) };
  });
}

/** The wire JSON of the ledger entries with these seqs (their user's email joined, as history reads them). */
async function entryTexts(q: EventQuerier, seqs: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (let i = 0; i < seqs.length; i += SEQS_PER_READ) {
    const chunk = seqs.slice(i, i + SEQS_PER_READ);
    const size = SEQ_LIST_SIZES.find((n) => n >= chunk.length)!;
    while (chunk.length < size) chunk.push(chunk[chunk.length - 1]);
    const rows = await q.all(
      `SELECT ${LEDGER_JOINS.columns} FROM ${LEDGER_JOINS.from} WHERE l.seq IN (${chunk.map(() => '?').join(', ')})`,
      chunk,
    );
    for (const r of rows) out.set(Number(r.seq), JSON.stringify(ledgerWire(r)));
  }
  return out;
}

/**
 * Deletes event rows older than `cutoff` (they only serve gap fills and relay catch-up, an hour
 * back at most). Reads first, so an idle sweep never costs a durable write transaction.
 */
export async function pruneEventsBefore(db: Db, cutoff: number): Promise<void> {
  const stale = await db.read((tx) => tx.get('SELECT 1 AS x FROM events WHERE at < ? LIMIT 1', [cutoff]));
  if (stale) await db.transaction((tx) => tx.run('DELETE FROM events WHERE at < ?', [cutoff]));
}
