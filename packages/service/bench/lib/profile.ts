/**
 * A cheap statement profiler: wraps a `Db` so every statement run through its transactions and
 * reads is timed (better-sqlite3 runs each statement synchronously inside the call, so the time
 * around the call is the statement's). What is left of a transaction's time is BEGIN/COMMIT
 * (the fsync) and the service's JavaScript.
 */
import type { Db, Tx } from '../../src/db/db';

export interface StatementStat {
  sql: string;
  calls: number;
  ms: number;
}

export interface Profile {
  statements: Map<string, StatementStat>;
  /** Wall time inside transaction()/read() callbacks' enclosing calls. */
  txMs: number;
  transactions: number;
}

const norm = (sql: string) => sql.replace(/\s+/g, ' ').trim();

export function profiled(db: Db): { db: Db; profile: Profile } {
  const profile: Profile = { statements: new Map(), txMs: 0, transactions: 0 };
  const timed = <A extends unknown[], R>(sql: string, fn: (...a: A) => R, ...args: A): R => {
    const t0 = performance.now();
    const r = fn(...args);
    const dt = performance.now() - t0;
    const key = norm(sql);
    const s = profile.statements.get(key) ?? { sql: key, calls: 0, ms: 0 };
    s.calls++;
    s.ms += dt;
    profile.statements.set(key, s);
    return r;
  };
  const wrapTx = (tx: Tx): Tx => ({
    all: (sql, params) => timed(sql, tx.all.bind(tx), sql, params),
    get: (sql, params) => timed(sql, tx.get.bind(tx), sql, params),
    run: (sql, params) => timed(sql, tx.run.bind(tx), sql, params),
    lock: (table, ids) => tx.lock(table, ids),
    lockRow: (table, id) => timed(`lockRow(${table})`, tx.lockRow.bind(tx), table, id),
    lockAccounts: (ids) => timed('lockAccounts', tx.lockAccounts.bind(tx), ids),
    rows: (columns, rows) => tx.rows(columns, rows),
    writeRows: (columns, rows, statement) => timed(statement('v'), tx.writeRows.bind(tx), columns, rows, statement),
    serialisesWriters: tx.serialisesWriters,
  }) as Tx;
  const wrapped: Db = {
    kind: db.kind,
    writeSlots: db.writeSlots,
    async transaction(fn) {
      const t0 = performance.now();
      try {
        return await db.transaction((tx) => fn(wrapTx(tx)));
      } finally {
        profile.txMs += performance.now() - t0;
        profile.transactions++;
      }
    },
    read(fn) {
      return db.read((tx) => fn(wrapTx(tx)));
    },
    readOne<T>(sql: string, params: readonly unknown[]) {
      return timed(sql, (q: string, p: readonly unknown[]) => db.readOne<T>(q, p), sql, params);
    },
    lease: (name, opts) => db.lease(name, opts),
    close: () => db.close(),
  };
  return { db: wrapped, profile };
}
