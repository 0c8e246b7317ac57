import type pg from 'pg';
import { MIGRATIONS, type Migration } from './migrations';

/** The session-level advisory lock every instance takes around migrating (any fixed bigint will do: "cutline"). */
export const MIGRATION_LOCK_KEY = 0x637574_6c696e65n;

/**
 * Applies the migrations this code knows and the database lacks, in order, each in its own
 * transaction with its `schema_migrations` row. Several instances starting together queue on
 * `pg_advisory_lock`; the first applies, the others find the versions recorded. The lock is
 * released at the end, or by PostgreSQL if the connection dies. Returns the versions applied.
 */
export async function migratePostgres(client: pg.ClientBase, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const key = MIGRATION_LOCK_KEY.toString();
  await client.query('SELECT pg_advisory_lock($1::bigint)', [key]);
  try {
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql('postgres'));
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [m.version, Date.now()]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(`migration ${m.version} (${m.name}) failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      applied.push(m.version);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [key]).catch(() => undefined);
  }
}
