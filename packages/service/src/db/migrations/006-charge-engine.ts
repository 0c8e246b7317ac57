/**
 * Migration 6 (PostgreSQL only): the charge steps leave the database. Every step — quote, hold,
 * capture, release, a lapsed hold's release — is now the service's one implementation
 * (service/charges/), run in batches on both engines; the PL/pgSQL step functions of migrations
 * 3–5 (`cutline_hold`, `cutline_settle`, `cutline_quote` and every helper they called) are
 * dropped: every function of the schema whose name starts with `cutline_`.
 *
 * Instances of the code before this migration call those functions: upgrade every instance
 * across it at once (stop the old ones, start the new), as for migration 4.
 *
 * History: applied once to every database, in version order, and never edited afterwards (a
 * change is the next migration). The list the code runs is db/migrations.ts.
 */
import type { Migration } from '../migrations';

export const migration: Migration = {
  version: 6,
  name: 'charge steps in the service: the PL/pgSQL step functions dropped',
  sql: (d) =>
    d === 'sqlite'
      ? ''
      : `
DO $$
DECLARE f regprocedure;
BEGIN
  FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
            WHERE p.pronamespace = current_schema()::regnamespace AND p.proname LIKE 'cutline\\_%'
  LOOP
    EXECUTE 'DROP FUNCTION ' || f::text;
  END LOOP;
END $$;
`,
};
