/**
 * Both storage engines, for tests that run the same checks against each: every `open()` of an
 * engine opens another connection (PostgreSQL: another pool) to the same fresh database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../src/db/db';
import { openPostgres } from '../../src/db/postgres';
import { openSqlite } from '../../src/db/sqlite';
import { createDatabase, dropDatabase } from './pg';

export interface Engine {
  name: 'sqlite' | 'postgres';
  open(): Promise<Db>;
  cleanup(): Promise<void>;
}

export function bothEngines(prefix: string): Engine[] {
  let dir = '';
  let url = '';
  return [
    {
      name: 'sqlite',
      async open() {
        dir ||= mkdtempSync(join(tmpdir(), `${prefix}-`));
        return openSqlite(join(dir, 'x.db'));
      },
      async cleanup() {
        if (dir) rmSync(dir, { recursive: true, force: true });
      },
    },
    {
      name: 'postgres',
      async open() {
        url ||= await createDatabase();
        return openPostgres(url, { poolMax: 4 });
      },
      async cleanup() {
        if (url) await dropDatabase(url);
      },
    },
  ];
}
