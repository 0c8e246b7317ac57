/**
 * Migration 4 on a database that already has event rows: the rows written before it (their
 * whole payload stored) still read as they were, next to the compact rows written after it.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hold } from '../../src/service/charges/steps';
import type { HubEvent } from '../../src/events';
import { EventHub } from '../../src/service/events/hub';
import type { Db } from '../../src/db/db';
import { eventsBetween } from '../../src/db/event-log';
import { MIGRATIONS } from '../../src/db/migrations';
import { migratePostgres } from '../../src/db/pg-migrate';
import { openPostgres } from '../../src/db/postgres';
import { openSqlite } from '../../src/db/sqlite';
import { createDatabase, dropDatabase, withClient } from '../helpers/pg';
import { testCtx } from '../helpers/ledger-fixtures';

const NOW = Date.UTC(2026, 3, 1, 9);
const BEFORE_4 = MIGRATIONS.filter((m) => m.version < 4);
const OLD_PAYLOAD = '{"balance":{"version":1,"total":7},"cause":{"kind":"grant","entry":{"id":"le_1"},"entries":[{"id":"le_1"}]}}';
const SEED = [
  "INSERT INTO users (id, email, password_hash, plan, billing, version, created_at) VALUES ('u_1', 'u_1@x.test', 'x', 'free', 'monthly', 1, 0)",
  "INSERT INTO batches (id, owner_kind, owner_id, type, amount, remaining, granted_at, expires_at, source) VALUES ('b_1', 'user', 'u_1', 'purchased', 50, 50, 0, NULL, 'test')",
  `INSERT INTO events (user_id, version, at, payload) VALUES ('u_1', 1, ${NOW}, '${OLD_PAYLOAD}')`,
];

/** A database migrated up to 3 with one old-form event row, then opened (which applies 4). */
const engines: { name: string; open(): Promise<Db>; cleanup(): Promise<void> }[] = [
  {
    name: 'sqlite',
    dir: '',
    async open() {
      this.dir = mkdtempSync(join(tmpdir(), 'cutline-event-log-'));
      const path = join(this.dir, 'x.db');
      const c = new Database(path);
      c.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
      for (const m of BEFORE_4) {
        c.exec(m.sql('sqlite'));
        c.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)').run(m.version);
      }
      for (const q of SEED) c.exec(q);
      c.close();
      return openSqlite(path);
    },
    async cleanup() {
      if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    },
  } as { name: string; dir: string; open(): Promise<Db>; cleanup(): Promise<void> },
  {
    name: 'postgres',
    url: '',
    async open() {
      this.url = await createDatabase();
      await withClient(this.url, async (c) => {
        await migratePostgres(c, BEFORE_4);
        for (const q of SEED) await c.query(q);
      });
      return openPostgres(this.url, { poolMax: 2 });
    },
    async cleanup() {
      if (this.url) await dropDatabase(this.url);
    },
  } as { name: string; url: string; open(): Promise<Db>; cleanup(): Promise<void> },
];

describe.each(engines)('migration 4 on $name', (engine) => {
  afterAll(() => engine.cleanup());

  it('reads the rows written before it as they were, and the compact rows after it as delivered live', async () => {
    const db = await engine.open();
    try {
      const live: HubEvent[] = [];
      const hub = new EventHub();
      hub.subscribe('u_1', (e) => live.push(e));
      const ctx = testCtx(db, () => NOW, hub, { holdTtlMs: 60_000 });
      await hold(ctx, 'u_1', 'k', { tool: 'auto-captions', quantity: 1, device: { id: 'd-1', platform: 'desktop' } });
      expect(live.map((e) => e.version)).toEqual([2]);

      const read = await db.read((tx) => eventsBetween(tx, 'u_1', 0, 2));
      expect(read).toEqual([
        { userId: 'u_1', version: 1, payload: OLD_PAYLOAD },
        { userId: 'u_1', version: 2, payload: live[0].payload },
      ]);
      const rows = await db.read((tx) => tx.all<Record<string, unknown>>('SELECT version, payload, cause, seqs FROM events ORDER BY version'));
      expect(rows.map((r) => [Number(r.version), r.payload === null, r.cause === null])).toEqual([[1, false, true], [2, true, false]]);
      expect(JSON.parse(live[0].payload).cause.entries.map((e: { id: string }) => e.id)).toEqual(
        String(rows[1].seqs).split(',').map((s) => `le_${s}`),
      );
    } finally {
      await db.close();
    }
  });
});
