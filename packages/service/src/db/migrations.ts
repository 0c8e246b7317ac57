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
import { migration as m007 } from './migrations/007-accounts-mail';
import { migration as m008 } from './migrations/008-team-limits';
import { migration as m009 } from './migrations/009-usage-webhooks';

import type { Tx } from './db';

export type Dialect = 'sqlite' | 'postgres';

export interface Migration {
  version: number;
  name: string;
  /** The SQL for an engine ('' when the migration has nothing to do there). */
  sql(d: Dialect): string;
}

/**
 * Versions taken by work not merged yet (docs/architecture.md § Migrations): a gap is allowed
 * only there, so a branch can ship its own number before the one below it lands. Once a
 * reserved migration is in the list its number needs no entry here.
 */
export const RESERVED_VERSIONS: ReadonlySet<number> = new Set<number>([]);

/** Every migration, in version order: 1, 2, 3 … with no gap but a reserved number (checked below). */
export const MIGRATIONS: readonly Migration[] = [m001, m002, m003, m004, m005, m006, m007, m008, m009];

{
  let expected = 1;
  for (const m of MIGRATIONS) {
    while (expected < m.version && RESERVED_VERSIONS.has(expected)) expected++;
    if (m.version !== expected) throw new Error(`db/migrations.ts: migration ${m.version} (${m.name}) is listed where ${expected} belongs`);
    expected++;
  }
}

/** The versions a database records as applied (both engines keep them in `schema_migrations`). */
export async function appliedMigrations(tx: Tx): Promise<number[]> {
  const rows = await tx.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
  return rows.map((r) => Number(r.version));
}
