/**
 * The one storage interface the service is written against. SQL is written once with `?`
 * placeholders and portable types (times are integer milliseconds since the epoch, booleans are
 * 0/1 integers); each engine adapts it. Every access goes through `transaction` or `read`, so
 * a reader never sees another request's uncommitted writes and every mutation is atomic.
 */
export type Row = Record<string, unknown>;

/** A column of a derived table of rows (`Tx.rows`): its name and SQL type. */
export type RowColumn = readonly [name: string, type: 'text' | 'int' | 'bigint'];

export interface Tx {
  all<T = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  get<T = Row>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
  run(sql: string, params?: readonly unknown[]): Promise<{ changes: number }>;
  /**
   * Locks rows for the rest of the transaction (PostgreSQL: SELECT … FOR UPDATE, in id order).
   * Callers lock a team before its members. SQLite's BEGIN IMMEDIATE already serialises writers.
   *
   * The service's one locking idiom is built on `lockRow`: `lockAccount(tx, userId)` (the
   * member's team, then the user) and `lockTeam(tx, teamId)` in service/accounts/state.ts, which
   * return the row as it stands once locked. Service code locks through those, never here.
   */
  lock(table: 'users' | 'teams', ids: readonly string[]): Promise<void>;
  /**
   * Locks one row like `lock` and returns it as it is once locked (`SELECT * … FOR UPDATE` on
   * PostgreSQL; a plain read on SQLite, whose BEGIN IMMEDIATE already serialises writers), or
   * undefined when there is no such row. The same lock order applies: a team before its members.
   */
  lockRow<T = Row>(table: 'users' | 'teams', id: string): Promise<T | undefined>;
  /**
   * Locks the accounts of `userIds` for the rest of the transaction in ONE statement: the teams
   * they belong to first, then the users and every member of those teams, each set in id order —
   * the one lock order of the service (team before members, then id), so lockers cannot deadlock.
   * Returns the user rows as they stand once locked, and the teams locked. A user that joined a
   * team between the statement's read of `team_id` and its lock is returned with a `team_id` not
   * in `teams`: the caller locks that team too. SQLite (`serialisesWriters`): the same rows, read.
   * Service code locks through accounts/state.ts (`lockAccounts`), never here.
   */
  lockAccounts(userIds: readonly string[]): Promise<{ users: Row[]; teams: string[] }>;
  /**
   * A derived table of `rows` with the named columns, to read or write many rows in one
   * statement: `FROM ${t.sql} AS v` with `t.params` at its place among the parameters (multi-row
   * INSERT … SELECT, UPDATE … FROM, `IN (SELECT id FROM …)`). SQLite: a VALUES list, one
   * parameter per value, padded to a power of two (a few statement texts in all); PostgreSQL:
   * `unnest` of one array parameter per column, so the text — and its prepared plan, which joins
   * through the indexes — is the same for any number of rows. `rows` must not be empty, and no row's first value null;
   * booleans become 0/1.
   */
  rows(columns: readonly RowColumn[], rows: readonly (readonly unknown[])[]): { sql: string; params: unknown[] };
  /**
   * One write over many rows: `statement(v)` is an INSERT … SELECT or UPDATE … FROM that reads its
   * rows as `FROM ${v} AS v` (columns as named); returns every row it returns (RETURNING), in
   * the rows' order. PostgreSQL: one statement over `unnest` of one typed array per column — one
   * round trip, one prepared plan whatever the number of rows. SQLite: over `rows` (a VALUES
   * list padded to a power of two), up to 256 rows a statement. Nothing is run for no rows.
   */
  writeRows(columns: readonly RowColumn[], rows: readonly (readonly unknown[])[], statement: (v: string) => string): Promise<Row[]>;
  /**
   * True where the transaction already holds the one write lock (SQLite's BEGIN IMMEDIATE):
   * `lock` is a no-op and lock order cannot matter, so an account is locked with one read.
   */
  readonly serialisesWriters?: boolean;
}

export interface Db {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * How many write transactions are worth running at once — the charge engine's batches in
   * flight: 1 on SQLite (one connection, one writer); on PostgreSQL a share of the pool, leaving
   * connections for reads.
   */
  readonly writeSlots: number;
  /** Runs `fn` in one write transaction; retried on serialization failures where the engine has them. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Runs one read-only statement on its own (it is consistent by itself) and returns its first
   * row: on PostgreSQL one round trip instead of BEGIN, the statement, COMMIT. For reads that
   * are one statement (the bearer check of every request and stream connect).
   */
  readOne<T = Row>(sql: string, params: readonly unknown[]): Promise<T | undefined>;
  /** Runs `fn` on a consistent read snapshot. */
  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * The lease called `name`: held by one process at a time among every process using this
   * database (PostgreSQL: a session advisory lock on a connection of its own, `pg-lease.ts`;
   * SQLite: one process owns the file, so it is always held). What singleton jobs run under.
   * `heartbeatMs`: how often the holder will call `acquire` — a holder silent for several of
   * these (frozen, cut off) loses the lease (PostgreSQL ends its session).
   */
  lease(name: string, opts?: { heartbeatMs?: number }): Lease;
  close(): Promise<void>;
}

/** A named role one process at a time holds (see `Db.lease`). */
export interface Lease {
  /**
   * True when this process holds the lease now: it is checked when held (the connection still
   * answers), taken when free, never waited for. Throws when the database cannot answer.
   */
  acquire(): Promise<boolean>;
  /** Gives it up, so another process can take it at once. */
  release(): Promise<void>;
}

/** Converts a `?`-placeholder statement to PostgreSQL's `$1, $2, …`. Statements hold no `?` literals. */
export function toDollarParams(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
