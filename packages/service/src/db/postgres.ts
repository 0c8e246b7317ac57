/**
 * PostgreSQL engine for the `Db` interface: a `pg` pool, BEGIN … COMMIT on one pooled
 * connection per transaction (READ COMMITTED plus explicit row locks, retried on serialization
 * failures and deadlocks), READ ONLY REPEATABLE READ snapshots for reads, migrations under an
 * advisory lock, and the LISTEN/NOTIFY relay that carries pushes between instances.
 *
 * Several instances may share one database: every mutation of an account locks its row
 * (`Tx.lock`, a team before its members), so concurrent charges through different instances
 * serialise on the account, and each statement after the lock sees the latest committed rows.
 */
import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Clock } from '../clock';
import type { RelayTarget } from '../events';
import { toDollarParams, type Db, type Row, type RowColumn, type Tx } from './db';
import { migratePostgres } from './pg-migrate';
import { pgLease, type PgLease } from './pg-lease';
import { PgRelay, type RelayStats } from './pg-relay';

export interface PostgresOptions {
  /** Connections in the pool (the LISTEN connection is extra). Default: env CUTLINE_PG_POOL_MAX, else 8. */
  poolMax?: number;
  /** Charge batches in flight at once (`Db.writeSlots`). Default: env CUTLINE_PG_BATCHES, else half the pool, at most 4. */
  writeSlots?: number;
  /** Attempts for one transaction before a serialization failure or deadlock is given up. */
  maxAttempts?: number;
  instanceId?: string;
  log?: (msg: string) => void;
  /** First LISTEN reconnect delay (ms). */
  relayReconnectMs?: number;
}

export interface PostgresDb extends Db {
  readonly kind: 'postgres';
  readonly instanceId: string;
  readonly pool: pg.Pool;
  /** Transactions retried after a serialization failure or deadlock, since start. */
  readonly retries: number;
  /** Statements sent and answered (BEGIN and COMMIT included), since start: what the benchmark divides by charges. */
  readonly roundTrips: number;
  relayStats(): RelayStats | null;
  startRelay(hub: RelayTarget, clock: Clock): Promise<void>;
  lease(name: string, opts?: { heartbeatMs?: number }): PgLease;
}

/**
 * `Tx.lockAccounts` in one statement: the teams of the users in the first array locked in id
 * order (the materialised CTE, counted by the join with `n` before any user row is returned and
 * locked), then those users and every member of those teams, locked in id order. `locked_teams`
 * names the teams locked. The ids to lock are a materialised CTE too (`w`: the users asked for
 * through their primary key, the members through `users_team`), joined to `users` by primary
 * key: a row another transaction changed while this one waited is re-checked by PostgreSQL
 * against its newest version (EvalPlanQual) with `w`'s row as it was — with the ids in an
 * `IN (… UNION …)` subquery instead, that re-check dropped such rows (test: db-postgres
 * "lockAccounts returns every member…"). Under READ COMMITTED each row comes back as it stands
 * once locked.
 */
const LOCK_ACCOUNTS = `
WITH t AS MATERIALIZED (
  SELECT id FROM teams WHERE id IN (SELECT team_id FROM users WHERE id = ANY(?::text[])) ORDER BY id FOR UPDATE
), n AS MATERIALIZED (SELECT COALESCE(array_agg(id), '{}') AS locked_teams FROM t
), w AS MATERIALIZED (SELECT unnest(?::text[]) AS id UNION SELECT m.id FROM users m JOIN t ON m.team_id = t.id)
SELECT u.*, n.locked_teams FROM n, w JOIN users u ON u.id = w.id
 ORDER BY u.id FOR UPDATE OF u`;

/**
 * A derived table of `rows`: `unnest` of one typed array parameter per column. `unnest` of
 * parameters is planned with a row count (the arrays' own in a custom plan, 10 in a generic
 * one), so joins with it use the indexes; the text is the same for any number of rows.
 */
function unnestRows(columns: readonly RowColumn[], rows: readonly (readonly unknown[])[]): { sql: string; params: unknown[] } {
  const arrays = columns.map((): unknown[] => []);
  for (const r of rows) {
    if (r.length !== columns.length) throw new Error(`rows: ${r.length} values for ${columns.length} columns`);
    r.forEach((v, i) => arrays[i].push(typeof v === 'boolean' ? (v ? 1 : 0) : (v ?? null)));
  }
  const types = columns.map(([, type]) => `?::${type === 'int' ? 'integer' : type}[]`).join(', ');
  return { sql: `(SELECT * FROM unnest(${types}) AS r(${columns.map(([name]) => name).join(', ')}))`, params: arrays };
}

/** SQLSTATEs worth retrying the whole transaction for. */
const RETRYABLE = new Set(['40001', '40P01']);
/** A prepared statement whose tables changed under it (another instance migrated): retry on a fresh connection. */
const isStalePlan = (e: unknown) => pgCode(e) === '0A000' && /cached plan must not change result type/.test(String((e as Error).message));
const pgCode = (e: unknown): string | undefined => (e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : undefined);

/** BIGINT/COUNT/SUM come back as JS numbers: every int8 here is a time in ms, a counter or an amount. */
function parseInt8(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${v} is outside the safe integer range`);
  return n;
}

export function pgTypes(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(20, parseInt8); // int8
  types.setTypeParser(1700, (v: string) => Number(v)); // numeric (SUM of bigint)
  return types as unknown as pg.CustomTypesConfig;
}

interface Prepared {
  name: string;
  text: string;
}

export async function openPostgres(url: string, opts: PostgresOptions = {}): Promise<PostgresDb> {
  const instanceId = opts.instanceId ?? randomUUID();
  const poolMax = opts.poolMax ?? (Number(process.env.CUTLINE_PG_POOL_MAX) || 8);
  const maxAttempts = opts.maxAttempts ?? 8;
  const writeSlots = Math.max(1, opts.writeSlots ?? (Number(process.env.CUTLINE_PG_BATCHES) || Math.min(4, Math.floor(poolMax / 2))));
  const log = opts.log ?? (() => undefined);
  const connection: pg.ClientConfig = {
    connectionString: url,
    types: pgTypes(),
    // A transaction left open by a stuck caller must not hold an account's lock forever.
    idle_in_transaction_session_timeout: 60_000,
  };
  const pool = new pg.Pool({ ...connection, max: poolMax, application_name: `cutline:${instanceId}`, idleTimeoutMillis: 30_000 });
  pool.on('error', (e) => log(`idle PostgreSQL connection failed: ${e.message}`));

  const statements = new Map<string, Prepared>();
  const prepare = (sql: string): Prepared => {
    let p = statements.get(sql);
    if (!p) {
      p = { name: `c_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`, text: toDollarParams(sql) };
      statements.set(sql, p);
    }
    return p;
  };
  const norm = (params: readonly unknown[]) => params.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v === undefined ? null : v));

  let roundTrips = 0;
  const txOf = (client: pg.PoolClient, state: { open: boolean }): Tx => {
    const q = async (sql: string, params: readonly unknown[]) => {
      if (!state.open) throw new Error('statement issued after its transaction ended');
      const p = prepare(sql);
      roundTrips++;
      return client.query({ name: p.name, text: p.text, values: norm(params) });
    };
    return {
      async all<T>(sql: string, params: readonly unknown[] = []) {
        return (await q(sql, params)).rows as T[];
      },
      async get<T>(sql: string, params: readonly unknown[] = []) {
        return (await q(sql, params)).rows[0] as T | undefined;
      },
      async run(sql: string, params: readonly unknown[] = []) {
        return { changes: (await q(sql, params)).rowCount ?? 0 };
      },
      async lock(table, ids) {
        if (table !== 'users' && table !== 'teams') throw new Error(`cannot lock table ${String(table)}`);
        const unique = [...new Set(ids)];
        if (!unique.length) return;
        // Rows are locked in id order, so two transactions locking overlapping sets cannot deadlock.
        await q(`SELECT id FROM ${table} WHERE id = ANY(?::text[]) ORDER BY id FOR UPDATE`, [unique]);
      },
      async lockRow<T>(table: 'users' | 'teams', id: string) {
        if (table !== 'users' && table !== 'teams') throw new Error(`cannot lock table ${String(table)}`);
        // READ COMMITTED: FOR UPDATE waits for a concurrent writer and returns the row as it committed.
        return (await q(`SELECT * FROM ${table} WHERE id = ? FOR UPDATE`, [id])).rows[0] as T | undefined;
      },
      async lockAccounts(userIds: readonly string[]) {
        const ids = [...new Set(userIds)];
        if (!ids.length) return { users: [], teams: [] };
        const rows = (await q(LOCK_ACCOUNTS, [ids, ids])).rows as Row[];
        const teams = (rows[0]?.locked_teams as string[] | null | undefined) ?? [];
        for (const r of rows) delete r.locked_teams;
        return { users: rows, teams };
      },
      rows(columns, rows) {
        if (!rows.length) throw new Error('rows: no rows');
        return unnestRows(columns, rows);
      },
      async writeRows(columns, rows, statement) {
        if (!rows.length) return [];
        const v = unnestRows(columns, rows);
        return (await q(statement(v.sql), v.params)).rows as Row[];
      },
    };
  };

  let closed = false;
  let retries = 0;
  const checkOpen = () => {
    if (closed) throw new Error('database closed');
  };

  /** One attempt: BEGIN `begin`, run `fn`, COMMIT; on failure ROLLBACK (a connection that cannot roll back is discarded). */
  async function attempt<T>(begin: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    const state = { open: true };
    let discard: Error | undefined;
    // The pool listens for errors only on idle connections: one that dies while checked out (its
    // backend terminated between two statements) would emit an error nobody hears — an uncaught
    // exception. Heard here, the connection is discarded; the next statement fails on its own.
    const onError = (e: Error) => {
      discard = e;
    };
    client.on('error', onError);
    try {
      roundTrips++;
      await client.query(begin);
      const out = await fn(txOf(client, state));
      roundTrips++;
      await client.query('COMMIT');
      return out;
    } catch (e) {
      if (isStalePlan(e)) discard = e as Error;
      try {
        roundTrips++;
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        discard = rollbackError as Error;
      }
      throw e;
    } finally {
      state.open = false;
      client.removeListener('error', onError);
      client.release(discard);
    }
  }

  // Migrate before serving; several instances starting together queue on the advisory lock.
  {
    const client = await pool.connect().catch(async (e: unknown) => {
      await pool.end().catch(() => undefined);
      throw e;
    });
    try {
      const applied = await migratePostgres(client);
      if (applied.length) log(`applied migrations ${applied.join(', ')}`);
    } catch (e) {
      client.release(e as Error);
      await pool.end().catch(() => undefined);
      throw e;
    }
    client.release();
  }

  let relay: PgRelay | null = null;
  const leases = new Set<PgLease>();

  return {
    kind: 'postgres',
    writeSlots,
    instanceId,
    pool,
    get retries() {
      return retries;
    },
    get roundTrips() {
      return roundTrips;
    },
    async readOne<T = Row>(sql: string, params: readonly unknown[]): Promise<T | undefined> {
      const p = prepare(sql);
      for (let n = 1; ; n++) {
        checkOpen();
        try {
          roundTrips++;
          // No BEGIN/COMMIT: a single statement is its own snapshot.
          return (await pool.query({ name: p.name, text: p.text, values: norm(params) })).rows[0] as T | undefined;
        } catch (e) {
          if (n >= 2 || !isStalePlan(e)) throw e;
        }
      }
    },
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      for (let n = 1; ; n++) {
        checkOpen();
        try {
          return await attempt('BEGIN', fn);
        } catch (e) {
          const code = pgCode(e);
          if (n >= maxAttempts || !((code && RETRYABLE.has(code)) || isStalePlan(e))) throw e;
          retries++;
          // Jittered exponential backoff: 2, 4, 8 … ms up to 250 ms, times 0.5–1.5.
          await new Promise((r) => setTimeout(r, Math.min(250, 2 ** n) * (0.5 + Math.random())));
        }
      }
    },
    async read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      for (let n = 1; ; n++) {
        checkOpen();
        try {
          return await attempt('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', fn);
        } catch (e) {
          if (n >= 2 || !isStalePlan(e)) throw e;
        }
      }
    },
    async startRelay(hub: RelayTarget, clock: Clock) {
      checkOpen();
      if (relay) throw new Error('the relay is already running');
      const r = new PgRelay({ connection, pool, hub, clock, instanceId, log, reconnectMs: opts.relayReconnectMs });
      await r.start();
      relay = r;
    },
    relayStats() {
      return relay ? relay.stats : null;
    },
    lease(name: string, leaseOpts: { heartbeatMs?: number } = {}) {
      checkOpen();
      const l = pgLease(connection, name, instanceId, log, leaseOpts.heartbeatMs);
      leases.add(l);
      return l;
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...leases].map((l) => l.release()));
      await relay?.stop();
      await pool.end();
    },
  };
}
