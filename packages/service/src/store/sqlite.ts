import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Db, Tx } from './db';
import { MIGRATIONS } from './migrations';

/**
 * Embedded SQLite (better-sqlite3): WAL, synchronous=FULL (a captured charge survives power
 * loss), one connection, `BEGIN IMMEDIATE` for writes, group commit under load. better-sqlite3
 * is synchronous, so each statement resolves at once; a promise-chain queue keeps write groups
 * and reads from interleaving between awaits.
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
  const norm = (params: readonly unknown[]) => params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
  const tx: Tx = {
    serialisesWriters: true,
    async all<T>(sql: string, params: readonly unknown[] = []) {
      return prepare(sql).all(...norm(params)) as T[];
    },
    async get<T>(sql: string, params: readonly unknown[] = []) {
      return prepare(sql).get(...norm(params)) as T | undefined;
    },
    async run(sql: string, params: readonly unknown[] = []) {
      const r = prepare(sql).run(...norm(params));
      return { changes: r.changes };
    },
    async lock() {
      // BEGIN IMMEDIATE already holds the database write lock.
    },
    async lockRow<T>(table: 'users' | 'teams', id: string) {
      if (table !== 'users' && table !== 'teams') throw new Error(`cannot lock table ${String(table)}`);
      // BEGIN IMMEDIATE already holds the database write lock: the row read now stays as read.
      return prepare(`SELECT * FROM ${table} WHERE id = ?`).get(id) as T | undefined;
    },
  };

  // One queue for everything that touches the connection: a write group, a read, close.
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const result = tail.then(fn, fn);
    tail = result.catch(() => undefined);
    return result;
  };

  /**
   * Group commit: writers that queue up while a commit is in progress share the next one. Each
   * runs inside its own SAVEPOINT (none when the group holds one), so a failing transaction rolls back alone; the group then
   * commits once — one fsync for many charges. A caller's promise settles only after COMMIT.
   */
  interface Pending {
    fn: (t: Tx) => Promise<unknown>;
    resolve: (v: unknown) => void;
    reject: (e: unknown) => void;
  }
  const queue: Pending[] = [];
  let scheduled = false;
  const MAX_GROUP = 64;

  const runGroup = async (): Promise<void> => {
    const group = queue.splice(0, MAX_GROUP);
    if (queue.length) setImmediate(() => void exclusive(runGroup));
    else scheduled = false;
    if (closed) {
      for (const p of group) p.reject(new Error('database closed'));
      return;
    }
    if (group.length === 1) return runAlone(group[0]);
    const outcomes: { ok: boolean; value: unknown }[] = [];
    conn.exec('BEGIN IMMEDIATE');
    try {
      for (const p of group) {
        conn.exec('SAVEPOINT tx');
        try {
          const value = await p.fn(tx);
          conn.exec('RELEASE tx');
          outcomes.push({ ok: true, value });
        } catch (e) {
          conn.exec('ROLLBACK TO tx');
          conn.exec('RELEASE tx');
          outcomes.push({ ok: false, value: e });
        }
      }
      conn.exec('COMMIT');
    } catch (e) {
      if (conn.inTransaction) conn.exec('ROLLBACK');
      for (const p of group) p.reject(e);
      return;
    }
    group.forEach((p, i) => (outcomes[i].ok ? p.resolve(outcomes[i].value) : p.reject(outcomes[i].value)));
  };

  /** A group of one needs no SAVEPOINT: its own failure rolls back the whole transaction. */
  const runAlone = async (p: Pending): Promise<void> => {
    let value: unknown;
    conn.exec('BEGIN IMMEDIATE');
    try {
      value = await p.fn(tx);
      conn.exec('COMMIT');
    } catch (e) {
      if (conn.inTransaction) conn.exec('ROLLBACK');
      p.reject(e);
      return;
    }
    p.resolve(value);
  };

  migrate(conn);
  let closed = false;

  return {
    kind: 'sqlite',
    transaction<T>(fn: (t: Tx) => Promise<T>) {
      return new Promise<T>((resolve, reject) => {
        queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
        if (!scheduled) {
          scheduled = true;
          // Start the group after this turn's I/O callbacks: every request that arrived in the
          // same poll phase joins it (microtasks alone would commit each one by itself).
          setImmediate(() => void exclusive(runGroup));
        }
      });
    },
    read<T>(fn: (t: Tx) => Promise<T>) {
      return exclusive(async () => {
        if (closed) throw new Error('database closed');
        conn.exec('BEGIN');
        try {
          return await fn(tx);
        } finally {
          if (conn.inTransaction) conn.exec('COMMIT');
        }
      });
    },
    close() {
      return exclusive(async () => {
        if (closed) return;
        closed = true;
        conn.pragma('wal_checkpoint(TRUNCATE)');
        conn.close();
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
