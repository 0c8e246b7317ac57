/**
 * The schema migrations the code applies at start, in version order (both engines record the
 * applied versions in `schema_migrations`; `sqlite.ts` and `pg-migrate.ts` apply them).
 *
 * Each migration is one file under `migrations/`, named `NNN-what-it-does.ts`, exporting
 * `migration`; the files are history — applied once to every database and never edited
 * afterwards. A schema change is a new file with the next version, added to `MIGRATIONS` below.
 */
import { migration as m001 } from './migrations/001-initial-schema';
import { migration as m002 } from './migrations/002-web-indexes';
import { migration as m003 } from './migrations/003-held-credits-pg-steps';
import { migration as m004 } from './migrations/004-compact-event-rows';
import { migration as m005 } from './migrations/005-lean-pg-steps';
import { migration as m006 } from './migrations/006-charge-engine';

export type Dialect = 'sqlite' | 'postgres';

export interface Migration {
  version: number;
  name: string;
  /** The SQL for an engine ('' when the migration has nothing to do there). */
  sql(d: Dialect): string;
}

/** Every migration, in version order: 1, 2, 3 … with no gap (checked below). */
export const MIGRATIONS: readonly Migration[] = [m001, m002, m003, m004, m005, m006];

MIGRATIONS.forEach((m, i) => {
  if (m.version !== i + 1) throw new Error(`db/migrations.ts: migration ${m.version} (${m.name}) is listed where ${i + 1} belongs`);
});
