/**
 * `Tx.lockRow` on both engines: it returns the row as it stands once locked (undefined for a
 * missing one), and on PostgreSQL it holds the lock, so a read-modify-write through it loses no
 * update and a locker waits for, then sees, a concurrent writer's committed row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db';
import { bothEngines } from '../helpers/engines';

const addUser = (db: Db, id: string) =>
  db.transaction((tx) =>
    tx.run("INSERT INTO users (id, email, password_hash, plan, billing, created_at) VALUES (?, ?, 'x', 'free', 'monthly', ?)", [id, `${id}@t.test`, 1_000]),
  );

function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

const engines = bothEngines('cutline-lockrow');

describe.each(engines)('Tx.lockRow on $name', (engine) => {
  const opened: Db[] = [];
  let db: Db;
  beforeAll(async () => {
    db = await engine.open();
    opened.push(db);
    await addUser(db, 'u_a');
    await addUser(db, 'u_b');
    await db.transaction((tx) =>
      tx.run("INSERT INTO teams (id, name, credits_per_cycle, cycle_days, cycle_started_at, cycle_ends_at, created_at) VALUES ('t_1', 'T', 0, 30, 0, 0, 0)"),
    );
  });
  afterAll(async () => {
    for (const d of opened) await d.close();
    await engine.cleanup();
  });

  it('returns the whole row, or undefined when there is none', async () => {
    const [user, team, missing] = await db.transaction(async (tx) => [
      await tx.lockRow('users', 'u_a'),
      await tx.lockRow('teams', 't_1'),
      await tx.lockRow('users', 'u_nobody'),
    ]);
    expect(user).toEqual(await db.read((tx) => tx.get('SELECT * FROM users WHERE id = ?', ['u_a'])));
    expect(user).toMatchObject({ id: 'u_a', email: 'u_a@t.test', version: 0 });
    expect(team).toMatchObject({ id: 't_1', name: 'T' });
    expect(missing).toBeUndefined();
  });

  it('refuses a table it does not lock', async () => {
    await expect(db.transaction((tx) => tx.lockRow('charges' as 'users', 'x'))).rejects.toThrow(/cannot lock table/);
  });

  it('read-modify-write through it loses no update: 40 parallel increments (PostgreSQL: through two pools)', async () => {
    // SQLite: one connection per process (a second one would block the event loop waiting for the lock).
    const other = engine.name === 'postgres' ? await engine.open() : db;
    if (other !== db) opened.push(other);
    const bump = (d: Db) =>
      d.transaction(async (tx) => {
        const { version } = (await tx.lockRow<{ version: number }>('users', 'u_b'))!;
        await new Promise((r) => setTimeout(r, 1)); // widen the window a lost update would need
        await tx.run('UPDATE users SET version = ? WHERE id = ?', [Number(version) + 1, 'u_b']);
      });
    await Promise.all(Array.from({ length: 40 }, (_, i) => bump(i % 2 ? db : other)));
    expect(await db.read((tx) => tx.get('SELECT version FROM users WHERE id = ?', ['u_b']))).toEqual({ version: 40 });
  });

  it.runIf(engine.name === 'postgres')('returns the row as a concurrent writer holding the lock committed it', async () => {
    const locked = gate();
    const finish = gate();
    const writer = db.transaction(async (tx) => {
      await tx.lock('users', ['u_a']);
      await tx.run("UPDATE users SET email = 'changed@t.test', version = version + 1 WHERE id = 'u_a'");
      locked.open();
      await finish.wait;
    });
    await locked.wait;
    const reader = db.transaction((tx) => tx.lockRow<{ email: string; version: number }>('users', 'u_a'));
    finish.open();
    await writer;
    expect(await reader).toMatchObject({ email: 'changed@t.test', version: 1 });
  });
});
