/**
 * Is this instance ready to serve (`GET /readyz`, docs/operations.md § Health and readiness)?
 * Its database answers a read within `READY_TIMEOUT_MS`, and every migration this code knows is
 * recorded there. A database *ahead* of the code (a newer instance migrated it during a rolling
 * deploy) is ready: migrations only add, so the older code still runs on it.
 */
import { appliedMigrations, MIGRATIONS } from '../db/migrations';
import type { Ctx } from './kernel/context';

export const READY_TIMEOUT_MS = 2000;

export type Readiness =
  | { ready: true; database: 'sqlite' | 'postgres'; migration: number }
  | { ready: false; database: 'sqlite' | 'postgres'; problem: 'database' | 'migrations'; message: string; missingMigrations?: number[]; cause?: unknown };

/** A read failing because the migrations table is not there at all (an empty database). */
const noMigrationsTable = (e: unknown) => {
  const code = e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : '';
  return code === '42P01' || /no such table: schema_migrations/.test(String((e as Error)?.message));
};

export async function readiness(ctx: Ctx, timeoutMs = READY_TIMEOUT_MS): Promise<Readiness> {
  const database = ctx.db.kind;
  let applied: number[];
  let timer: NodeJS.Timeout | undefined;
  try {
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
    });
    applied = await Promise.race([ctx.db.read((tx) => appliedMigrations(tx)), late]);
  } catch (e) {
    if (!noMigrationsTable(e)) {
      return { ready: false, database, problem: 'database', message: 'the database is not answering', cause: e };
    }
    applied = [];
  } finally {
    clearTimeout(timer);
  }
  const have = new Set(applied);
  const missing = MIGRATIONS.filter((m) => !have.has(m.version)).map((m) => m.version);
  if (missing.length) {
    return {
      ready: false,
      database,
      problem: 'migrations',
      message: `the database lacks migration${missing.length === 1 ? '' : 's'} ${missing.join(', ')} (this code needs 1–${MIGRATIONS[MIGRATIONS.length - 1].version})`,
      missingMigrations: missing,
    };
  }
  return { ready: true, database, migration: MIGRATIONS[MIGRATIONS.length - 1].version };
}
