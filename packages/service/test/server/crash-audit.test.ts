/**
 * kill -9 in the middle of traffic (SQLite, or PostgreSQL with CUTLINE_TEST_STORE=postgres), while
 * the charge engine has batches of holds, captures and releases in flight: after a restart on the
 * same database nothing a client was answered is lost (every answered hold is there, every
 * answered capture or release stands), nothing is doubled (a hold sent again with its key is the
 * same charge), and the audit finds the books adding up — every batch the crash cut off left
 * nothing behind, every committed one is whole. On PostgreSQL also with two instances: one is
 * killed, the other keeps serving.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectBooksBalanced } from '../helpers/audit';
import { call, charge, grant, newKey, newUser } from '../helpers/client';
import { createDatabase, dropDatabase } from '../helpers/pg';
import { startProcess } from '../helpers/process';
import { ADMIN_TOKEN } from '../helpers/server';

const AUDIT_MAIN = fileURLToPath(new URL('../../src/audit-main.ts', import.meta.url));
const postgres = process.env.CUTLINE_TEST_STORE === 'postgres';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

async function database(): Promise<string> {
  if (postgres) {
    const url = await createDatabase();
    cleanups.push(() => dropDatabase(url));
    return url;
  }
  const dir = mkdtempSync(join(tmpdir(), 'cutline-crash-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'credits.db');
}

const auditScript = (db: string) =>
  new Promise<number | null>((resolve) => spawn(process.execPath, ['--import', 'tsx', AUDIT_MAIN, '--db', db], { stdio: 'ignore' }).on('exit', resolve));

/** What the clients were told, per operation: its key, the charge its hold made, how its settlement was answered. */
interface Told {
  key: string;
  tool: string;
  chargeId?: string;
  settled?: { step: 'capture' | 'release'; status: number };
}

/**
 * `ops` concurrent actions (hold, then capture or release) spread over `urls`; `onAnswered` hears
 * each hold answered. Failures from a killed instance are what they are: the op stops there.
 */
function traffic(urls: () => string[], token: string, ops: number, onAnswered: (n: number) => void): { told: Told[]; done: Promise<unknown> } {
  const told: Told[] = [];
  let answered = 0;
  const done = Promise.allSettled(
    Array.from({ length: ops }, async (_, i) => {
      const t: Told = { key: newKey(), tool: i % 3 ? 'auto-captions' : 'smart-cutout' };
      told.push(t);
      const list = urls();
      const url = list[i % list.length];
      const h = await charge(url, token, t.tool, undefined, t.key);
      if (h.status !== 201) return;
      t.chargeId = h.body.charge.id;
      onAnswered(++answered);
      const step = i % 2 ? 'capture' : 'release';
      const r = await call(url, 'POST', `/v1/charges/${t.chargeId}/${step}`, { token, body: step === 'release' ? { reason: 'failed' } : undefined });
      t.settled = { step, status: r.status };
    }),
  );
  return { told, done };
}

/** After the restart: every answered hold is there and every answered settlement stands; sending each hold again is the same charge. */
async function expectNothingLostOrDoubled(base: string, token: string, told: readonly Told[]): Promise<void> {
  for (const t of told) {
    if (!t.chargeId) continue;
    const c = await call(base, 'GET', `/v1/charges/${t.chargeId}`, { token });
    expect(c.status).toBe(200);
    if (t.settled?.status === 200) expect(c.body.status).toBe(t.settled.step === 'capture' ? 'captured' : 'released');
  }
  for (const t of told) {
    const again = await charge(base, token, t.tool, undefined, t.key);
    if (t.chargeId) {
      // The same key answers the charge it made (a hold sent again after a crash is not a second charge).
      expect([again.status, again.body.charge?.id]).toEqual([200, t.chargeId]);
    } else if (again.status === 201) {
      // Cut off before it was answered (or refused): once made now, it is made once.
      const third = await charge(base, token, t.tool, undefined, t.key);
      expect([third.status, third.body.charge.id]).toEqual([200, again.body.charge.id]);
    }
  }
}

describe('a crash mid-batch', () => {
  it('SIGKILL while batches of charges, captures and releases are in flight: nothing answered is lost or doubled, the books add up after the restart', async () => {
    const db = await database();
    const env = { PORT: '0', CUTLINE_DB: db, CUTLINE_ADMIN_TOKEN: ADMIN_TOKEN };
    const a = await startProcess(env);
    const u = await newUser(a.url);
    const t = u.tokens.access_token;
    await grant(a.url, u.id, 'activity', 300, new Date(Date.now() + 86_400_000).toISOString());
    await grant(a.url, u.id, 'purchased', 300, null);

    let reached: () => void = () => {};
    const forty = new Promise<void>((r) => (reached = r));
    const { told, done } = traffic(() => [a.url], t, 200, (n) => n === 40 && reached());
    await forty;
    a.proc.kill('SIGKILL');
    await a.exited;
    await done;

    const b = await startProcess(env);
    try {
      await expectBooksBalanced(b.url);
      await expectNothingLostOrDoubled(b.url, t, told);
      await expectBooksBalanced(b.url);
      const bal = (await call(b.url, 'GET', '/v1/balance', { token: (await newUser(b.url)).tokens.access_token })).body;
      expect(bal.total).toBe(0); // the service answers normally after the crash
    } finally {
      b.proc.kill('SIGTERM');
      await b.exited;
    }
    expect(await auditScript(db)).toBe(0);
  }, 240_000); // three processes start on a shared machine

  it.runIf(postgres)('two instances on one PostgreSQL: one killed mid-batch, the other serves on; nothing lost or doubled, the books add up', async () => {
    const db = await database();
    const env = { PORT: '0', CUTLINE_DB: db, CUTLINE_ADMIN_TOKEN: ADMIN_TOKEN };
    const a = await startProcess(env);
    const b = await startProcess(env);
    try {
      const u = await newUser(a.url);
      const t = u.tokens.access_token;
      await grant(a.url, u.id, 'activity', 300, new Date(Date.now() + 86_400_000).toISOString());
      await grant(b.url, u.id, 'purchased', 300, null);
      let alive = [a.url, b.url];
      let reached: () => void = () => {};
      const forty = new Promise<void>((r) => (reached = r));
      const { told, done } = traffic(() => alive, t, 200, (n) => n === 40 && reached());
      await forty;
      a.proc.kill('SIGKILL');
      alive = [b.url];
      await a.exited;
      await done;
      await expectBooksBalanced(b.url);
      await expectNothingLostOrDoubled(b.url, t, told);
      await expectBooksBalanced(b.url);
    } finally {
      b.proc.kill('SIGTERM');
      await b.exited;
    }
    expect(await auditScript(db)).toBe(0);
  }, 240_000);
});
