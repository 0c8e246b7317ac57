import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db';
import { MIGRATIONS } from '../../src/db/migrations';
import { openSqlite } from '../../src/db/sqlite';

let db: Db;
let dir: string;
afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(): Promise<Db> {
  dir = mkdtempSync(join(tmpdir(), 'cutline-sqlite-'));
  db = await openSqlite(join(dir, 'x.db'));
  await db.transaction((tx) => tx.run("INSERT INTO teams (id, name, credits_per_cycle, cycle_days, cycle_started_at, cycle_ends_at, created_at) VALUES ('t', 'T', 0, 30, 0, 0, 0)"));
  return db;
}

const names = (d: Db) => d.read((tx) => tx.all<{ name: string }>('SELECT name FROM teams ORDER BY name')).then((r) => r.map((x) => x.name));

describe('SQLite store: transactions', () => {
  it('transactions queued together run one after another, in order, and a failing one rolls back alone', async () => {
    const d = await open();
    const results = await Promise.allSettled(
      ['a', 'b', 'c', 'd'].map((n) =>
        d.transaction(async (tx) => {
          await tx.run("UPDATE teams SET name = name || ? WHERE id = 't'", [n]);
          if (n === 'c') throw new Error('c fails after writing');
          return n;
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(await names(d)).toEqual(['Tabd']);
  });

  it('a reader never sees a transaction half done, even when the transaction awaits between statements', async () => {
    const d = await open();
    const write = d.transaction(async (tx) => {
      await tx.run("UPDATE teams SET name = 'half' WHERE id = 't'");
      await new Promise((r) => setImmediate(r)); // yield to the event loop mid-transaction
      await new Promise((r) => setTimeout(r, 5));
      await tx.run("UPDATE teams SET name = 'full' WHERE id = 't'");
    });
    const seen: string[] = [];
    const reads = Array.from({ length: 5 }, (_, i) =>
      new Promise((r) => setTimeout(r, i * 2)).then(() => names(d)).then((n) => seen.push(n.join())),
    );
    await Promise.all([write, ...reads]);
    expect(seen).toHaveLength(5);
    for (const v of seen) expect(['T', 'full']).toContain(v);
    expect(await names(d)).toEqual(['full']);
  });

  it('applies migrations once and keeps data across reopen', async () => {
    const d = await open();
    await d.close();
    db = await openSqlite(join(dir, 'x.db'));
    expect(await names(db)).toEqual(['T']);
    const versions = await db.read((tx) => tx.all<{ version: number }>('SELECT version FROM schema_migrations'));
    // Every migration the code lists, once (a number reserved by unmerged work may be absent).
    expect(versions.map((v) => v.version).sort((a, b) => a - b)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('under write load the WAL is checkpointed off the commit path, and every committed write stays', async () => {
    const d = await open();
    await d.transaction((tx) => tx.run('CREATE TABLE notes (n INTEGER PRIMARY KEY)'));
    // Far fewer pages than SQLite's own auto-checkpoint mark (1000): only the checkpoint worker copies them back.
    for (let i = 1; i <= 400; i++) await d.transaction((tx) => tx.run('INSERT INTO notes (n) VALUES (?)', [i]));
    // The database file alone (no WAL beside it) shows what was checkpointed into it.
    const inFile = () => {
      const copy = join(dir, `copy-${Math.random().toString(36).slice(2)}.db`);
      copyFileSync(join(dir, 'x.db'), copy);
      const c = new Database(copy, { readonly: true });
      try {
        return (c.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'notes'").get() as { n: number }).n === 1
          ? (c.prepare('SELECT COUNT(*) AS n FROM notes').get() as { n: number }).n
          : 0;
      } finally {
        c.close();
      }
    };
    let checkpointed = inFile();
    for (let waited = 0; checkpointed === 0 && waited < 100; waited++) {
      await d.transaction((tx) => tx.run('INSERT INTO notes (n) VALUES (?)', [1000 + waited])); // commits keep asking for checkpoints
      await new Promise((r) => setTimeout(r, 100));
      checkpointed = inFile();
    }
    expect(checkpointed).toBeGreaterThan(0);
    const total = await d.read((tx) => tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM notes'));
    expect(Number(total!.n)).toBeGreaterThanOrEqual(400);
    // Close stops the worker and checkpoints the rest: the file alone then holds every row.
    const rows = Number(total!.n);
    await d.close();
    expect(inFile()).toBe(rows);
    db = await openSqlite(join(dir, 'x.db'));
  });
});
