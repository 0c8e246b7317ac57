/**
 * `/readyz` (docs/api.md § Operations) on both engines: 200 while the database answers and holds
 * every migration this code knows; 503 in the API's error shape, saying what is not ready, when
 * a migration is missing or the database is gone — and on PostgreSQL when it does not answer in
 * time. `/healthz` stays 200 throughout: the process still serves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/db/migrations';
import { call } from '../helpers/client';
import { createDatabase as newPgDatabase, dropDatabase, withClient } from '../helpers/pg';
import { startTestServer, type TestServer } from '../helpers/server';

const LATEST = MIGRATIONS[MIGRATIONS.length - 1].version;

let servers: TestServer[] = [];
const dirs: string[] = [];
const pgDatabases: string[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  for (const db of pgDatabases.splice(0)) await dropDatabase(db);
});

async function createDatabase(): Promise<string> {
  const db = await newPgDatabase();
  pgDatabases.push(db);
  return db;
}

async function serve(db: string): Promise<TestServer> {
  const s = await startTestServer({ db, seed: null });
  servers.push(s);
  return s;
}

const sqliteFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'cutline-readyz-'));
  dirs.push(dir);
  return join(dir, 'credits.db');
};

async function readyz(base: string) {
  const res = await fetch(`${base}/readyz`);
  return { status: res.status, cacheControl: res.headers.get('cache-control'), body: (await res.json()) as Record<string, unknown> };
}

describe.each([
  {
    engine: 'sqlite' as const,
    open: async () => sqliteFile(),
    /** Runs SQL on the database from outside the service (another connection). */
    sql: async (db: string, text: string) => {
      const c = new Database(db);
      try {
        c.exec(text);
      } finally {
        c.close();
      }
    },
  },
  {
    engine: 'postgres' as const,
    open: () => createDatabase(),
    sql: (db: string, text: string) => withClient(db, (c) => c.query(text)).then(() => undefined),
  },
])('/readyz on $engine', ({ engine, open, sql }) => {
  it('is 200 with the engine and the migration the database is at', async () => {
    const s = await serve(await open());
    const r = await readyz(s.url);
    expect(r).toEqual({ status: 200, cacheControl: 'no-store', body: { ready: true, database: engine, migration: LATEST } });
  });

  it('is 503 naming the migration the database lacks, and ready again once it is there', async () => {
    const db = await open();
    const s = await serve(db);
    await sql(db, `DELETE FROM schema_migrations WHERE version = ${LATEST}`);
    const r = await readyz(s.url);
    expect(r.status).toBe(503);
    expect(r.body).toEqual({
      error: 'not_ready',
      message: `the database lacks migration ${LATEST} (this code needs 1–${LATEST})`,
      ready: false,
      database: engine,
      problem: 'migrations',
      missingMigrations: [LATEST],
    });
    expect((await call(s.url, 'GET', '/healthz')).status).toBe(200);
    await sql(db, `INSERT INTO schema_migrations (version, applied_at) VALUES (${LATEST}, 0)`);
    expect((await readyz(s.url)).status).toBe(200);
  });

  it('stays ready when the database is ahead of the code (a newer instance migrated it)', async () => {
    const db = await open();
    const s = await serve(db);
    await sql(db, `INSERT INTO schema_migrations (version, applied_at) VALUES (${LATEST + 1}, 0)`);
    expect((await readyz(s.url)).body).toEqual({ ready: true, database: engine, migration: LATEST });
  });
});

describe('/readyz when the database is gone', () => {
  it('SQLite: 503 "not answering" once the store is closed under the running service', async () => {
    const s = await serve(sqliteFile());
    await s.ctx.db.close();
    const r = await readyz(s.url);
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ error: 'not_ready', message: 'the database is not answering', ready: false, database: 'sqlite', problem: 'database' });
    expect((await call(s.url, 'GET', '/healthz')).status).toBe(200);
  });

  it('PostgreSQL: 503 once the database is dropped under the running service', async () => {
    const db = await createDatabase();
    const s = await serve(db);
    expect((await readyz(s.url)).status).toBe(200);
    const name = new URL(db).pathname.slice(1);
    await withClient(new URL('/postgres', db).toString(), (c) => c.query(`DROP DATABASE ${name} WITH (FORCE)`));
    const r = await readyz(s.url);
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ error: 'not_ready', message: 'the database is not answering', database: 'postgres', problem: 'database' });
    // Nothing of the database's address or the driver's error reaches the answer.
    expect(JSON.stringify(r.body)).not.toMatch(/127\.0\.0\.1|does not exist|cutline_t/);
  });

  it('PostgreSQL: 503 when a read does not answer in time (a lock held on schema_migrations), 200 once it is released', async () => {
    const db = await createDatabase();
    const s = await serve(db);
    await withClient(db, async (c) => {
      await c.query('BEGIN');
      await c.query('LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE');
      try {
        const r = await readyz(s.url);
        expect(r.status).toBe(503);
        expect(r.body).toMatchObject({ error: 'not_ready', message: 'the database is not answering', problem: 'database' });
      } finally {
        await c.query('ROLLBACK');
      }
    });
    expect((await readyz(s.url)).status).toBe(200);
  });
});
