import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve as resolvePath } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Db, Tx } from './db';
import { MIGRATIONS } from './migrations';

/**
 * Embedded SQLite (better-sqlite3): WAL, synchronous=FULL (a captured charge survives power
 * loss), one connection, `BEGIN IMMEDIATE` for writes. better-sqlite3 is synchronous, so each
 * statement resolves at once; a promise-chain queue keeps transactions and reads from
 * interleaving between awaits. Sharing one COMMIT (one fsync) among many charges is the charge
 * engine's work (service/charges/engine.ts: one transaction per batch of steps), not this
 * module's. Under write load the WAL is checkpointed by a worker thread on its own connection
 * (see `checkpointer`), not inside a COMMIT on this thread.
 */
export async function openSqlite(path: string): Promise<Db> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const conn = new Database(path);
  conn.pragma('journal_mode = WAL');
  conn.pragma('synchronous = FULL');
  conn.pragma('foreign_keys = ON');
  conn.pragma('busy_timeout = 5000');

  const cache = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let st = cache.get(sql);
    if (!st) {
      st = conn.prepare(sql);
      cache.set(sql, st);
    }
    return st;
  };
  /** Booleans as 0/1; the array as it is when it holds none (the common case: no copy). */
  const norm = (params: readonly unknown[]): readonly unknown[] => {
    for (let i = 0; i < params.length; i++) {
      if (typeof params[i] === 'boolean') return params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
    }
    return params;
  };
  const NONE: readonly unknown[] = [];
  const usersOf = (list: { sql: string; params: unknown[] }) =>
    prepare(`SELECT * FROM users WHERE id IN (SELECT id FROM ${list.sql}) OR team_id IN (SELECT team_id FROM users WHERE id IN (SELECT id FROM ${list.sql}))`)
      .all(...list.params, ...list.params) as Record<string, unknown>[];
  const tx: Tx = {
    serialisesWriters: true,
    all<T>(sql: string, params: readonly unknown[] = NONE) {
      return Promise.resolve(prepare(sql).all(...norm(params)) as T[]);
    },
    get<T>(sql: string, params: readonly unknown[] = NONE) {
      return Promise.resolve(prepare(sql).get(...norm(params)) as T | undefined);
    },
    run(sql: string, params: readonly unknown[] = NONE) {
      return Promise.resolve({ changes: prepare(sql).run(...norm(params)).changes });
    },
    async lock() {
      // BEGIN IMMEDIATE already holds the database write lock.
    },
    async lockRow<T>(table: 'users' | 'teams', id: string) {
      if (table !== 'users' && table !== 'teams') throw new Error(`cannot lock table ${String(table)}`);
      // BEGIN IMMEDIATE already holds the database write lock: the row read now stays as read.
      return prepare(table === 'users' ? 'SELECT * FROM users WHERE id = ?' : 'SELECT * FROM teams WHERE id = ?').get(id) as T | undefined;
    },
    async lockAccounts(userIds: readonly string[]) {
      const ids = [...new Set(userIds)];
      if (!ids.length) return { users: [], teams: [] };
      // BEGIN IMMEDIATE already holds the database write lock: the rows read now stay as read.
      const users = usersOf(tx.rows([['id', 'text']], ids.map((id) => [id])));
      const asked = new Set(ids);
      const teams = new Set<string>();
      for (const u of users) if (asked.has(String(u.id)) && u.team_id !== null) teams.add(String(u.team_id));
      return { users, teams: [...teams] };
    },
    rows(columns, rows) {
      if (!rows.length) throw new Error('rows: no rows');
      // Padded with all-NULL rows up to the next power of two (filtered out inside the derived
      // table: a real row's first column is never null), so a statement has a handful of texts —
      // each prepared once — whatever the number of rows.
      const size = 2 ** Math.ceil(Math.log2(rows.length));
      const one = `(${columns.map(() => '?').join(', ')})`;
      const names = columns.map(([name], i) => `column${i + 1} AS ${name}`).join(', ');
      const params: unknown[] = [];
      for (const r of rows) {
        if (r.length !== columns.length) throw new Error(`rows: ${r.length} values for ${columns.length} columns`);
        if (r[0] === null || r[0] === undefined) throw new Error(`rows: the first column (${columns[0][0]}) is null`);
        for (const v of r) params.push(typeof v === 'boolean' ? (v ? 1 : 0) : v === undefined ? null : v);
      }
      for (let i = rows.length * columns.length; i < size * columns.length; i++) params.push(null);
      return { sql: `(SELECT ${names} FROM (VALUES ${Array(size).fill(one).join(', ')}) WHERE column1 IS NOT NULL)`, params };
    },
    async writeRows(columns, rows, statement) {
      const out: Record<string, unknown>[] = [];
      for (let i = 0; i < rows.length; i += 256) {
        const v = tx.rows(columns, rows.slice(i, i + 256));
        const st = prepare(statement(v.sql));
        if (st.reader) out.push(...(st.all(...v.params) as Record<string, unknown>[]));
        else st.run(...v.params);
      }
      return out;
    },
  };

  // Transaction control, prepared once (exec would parse the text on every call).
  const begin = conn.prepare('BEGIN');
  const beginImmediate = conn.prepare('BEGIN IMMEDIATE');
  const commit = conn.prepare('COMMIT');
  const rollback = conn.prepare('ROLLBACK');
  const ckpt = path === ':memory:' ? null : checkpointer(conn, path);
  const committed = () => ckpt?.committed();

  // One queue for everything that touches the connection: a write transaction, a read, close.
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const result = tail.then(fn, fn);
    tail = result.catch(() => undefined);
    return result;
  };

  migrate(conn);
  let closed = false;

  return {
    kind: 'sqlite',
    writeSlots: 1,
    transaction<T>(fn: (t: Tx) => Promise<T>) {
      return exclusive(async () => {
        if (closed) throw new Error('database closed');
        let value: T;
        beginImmediate.run();
        try {
          value = await fn(tx);
          commit.run();
        } catch (e) {
          if (conn.inTransaction) rollback.run();
          throw e;
        }
        committed();
        return value;
      });
    },
    readOne<T>(sql: string, params: readonly unknown[]) {
      return exclusive(async () => {
        if (closed) throw new Error('database closed');
        return prepare(sql).get(...norm(params)) as T | undefined;
      });
    },
    read<T>(fn: (t: Tx) => Promise<T>) {
      return exclusive(async () => {
        if (closed) throw new Error('database closed');
        begin.run();
        try {
          return await fn(tx);
        } finally {
          if (conn.inTransaction) commit.run();
        }
      });
    },
    // One process owns the file (docs/operations.md § One machine): every lease is its own.
    lease() {
      return {
        acquire: async () => {
          if (closed) throw new Error('database closed');
          return true;
        },
        release: async () => undefined,
      };
    },
    close() {
      return exclusive(async () => {
        if (closed) return;
        closed = true;
        await ckpt?.stop();
        conn.pragma('wal_checkpoint(TRUNCATE)');
        conn.close();
      });
    },
  };
}

/**
 * Checkpointing off the commit path. SQLite checkpoints the WAL itself (every ~1000 pages)
 * inside the COMMIT that crosses the mark, on the thread that commits — with group commit
 * under load that is every few groups, each time copying ~4 MB and fsyncing the database file
 * while every caller waits. Once this connection has committed `START_AFTER` write
 * transactions (a charge engine's batch is one: a few dozen of them are thousands of charges),
 * a worker thread opens its own connection to the file and runs
 * `wal_checkpoint(PASSIVE)` (which never blocks a writer) at most every `EVERY_MS` while
 * commits happen; this connection's own auto-checkpoint moves to `BACKSTOP_PAGES`, so the WAL
 * stays bounded even if the worker falls behind. Durability is untouched: a transaction is
 * durable at its COMMIT (synchronous=FULL), before any checkpoint.
 */
const CHECKPOINT = { START_AFTER: 32, EVERY_MS: 500, BACKSTOP_PAGES: 10_000 };

const CHECKPOINT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
parentPort.on('message', (m) => {
  if (m === 'stop') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    // Catch up with what was committed meanwhile: once every frame is copied back, the writer's
    // next commit starts the WAL over from its beginning.
    for (let i = 0; i < 8; i++) {
      const [r] = db.pragma('wal_checkpoint(PASSIVE)');
      if (r.busy || r.log === r.checkpointed) break;
    }
  } catch {
    // Busy or failing: the next request (or the writer's backstop) checkpoints instead.
  }
  parentPort.postMessage('done');
});
`;

function checkpointer(conn: Database.Database, path: string): { committed(): void; stop(): Promise<void> } {
  let commits = 0;
  let worker: Worker | null = null;
  let busy = false;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const request = () => {
    timer = null;
    if (stopped || !worker) return;
    busy = true;
    worker.postMessage('checkpoint');
  };
  const start = () => {
    const w = new Worker(CHECKPOINT_WORKER, { eval: true, workerData: { path: resolvePath(path), driver: createRequire(import.meta.url).resolve('better-sqlite3') } });
    w.unref();
    w.on('message', () => (busy = false));
    // A worker that cannot run (no threads, the file gone): SQLite's own auto-checkpoint takes over again.
    w.on('error', () => {
      if (worker === w) worker = null;
      if (!stopped) conn.pragma('wal_autocheckpoint = 1000');
    });
    worker = w;
    conn.pragma(`wal_autocheckpoint = ${CHECKPOINT.BACKSTOP_PAGES}`);
  };
  return {
    committed() {
      if (stopped) return;
      if (!worker) {
        if (++commits !== CHECKPOINT.START_AFTER) return;
        try {
          start();
        } catch {
          // No worker here (no threads, no resolvable driver): SQLite's own auto-checkpoint stays.
        }
        return;
      }
      if (busy || timer) return;
      timer = setTimeout(request, CHECKPOINT.EVERY_MS);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      const w = worker;
      worker = null;
      if (!w) return;
      w.ref(); // the close waits for it
      await new Promise<void>((resolve) => {
        w.once('exit', () => resolve());
        w.postMessage('stop');
      });
    },
  };
}

function migrate(conn: Database.Database): void {
  conn.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const done = new Set((conn.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    conn.transaction(() => {
      conn.exec(m.sql('sqlite'));
      conn.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(m.version, Date.now());
    }).immediate();
  }
}
