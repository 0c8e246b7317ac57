/**
 * kill -9 in the middle of traffic (SQLite, or PostgreSQL with CUTLINE_TEST_STORE=postgres): after
 * a restart on the same database, the audit finds the books adding up — every transaction the
 * crash cut off left nothing behind, and every committed one is whole.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectBooksBalanced } from '../helpers/audit';
import { call, charge, grant, newUser } from '../helpers/client';
import { createDatabase, dropDatabase } from '../helpers/pg';
import { startProcess } from '../helpers/process';

const AUDIT_MAIN = fileURLToPath(new URL('../../src/audit-main.ts', import.meta.url));
import { ADMIN_TOKEN } from '../helpers/server';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

async function database(): Promise<string> {
  if (process.env.CUTLINE_TEST_STORE === 'postgres') {
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

describe('a crash mid-traffic', () => {
  it('SIGKILL while charges, captures and releases are in flight: the books add up after the restart', async () => {
    const db = await database();
    const env = { PORT: '0', CUTLINE_DB: db, CUTLINE_ADMIN_TOKEN: ADMIN_TOKEN };
    const a = await startProcess(env);
    const u = await newUser(a.url);
    const t = u.tokens.access_token;
    await grant(a.url, u.id, 'activity', 300, new Date(Date.now() + 86_400_000).toISOString());
    await grant(a.url, u.id, 'purchased', 300, null);

    let done = 0;
    let reached: () => void = () => {};
    const twenty = new Promise<void>((r) => (reached = r));
    const ops = Array.from({ length: 80 }, async (_, i) => {
      try {
        const h = await charge(a.url, t, i % 3 ? 'auto-captions' : 'smart-cutout');
        if (h.status === 201) {
          const id = h.body.charge.id;
          await call(a.url, 'POST', `/v1/charges/${id}/${i % 2 ? 'capture' : 'release'}`, { token: t, body: i % 2 ? undefined : { reason: 'failed' } });
        }
      } catch {
        /* cut off by the crash */
      } finally {
        if (++done === 20) reached();
      }
    });
    await twenty;
    a.proc.kill('SIGKILL');
    await a.exited;
    await Promise.allSettled(ops);

    const b = await startProcess(env);
    try {
      await expectBooksBalanced(b.url);
      const bal = (await call(b.url, 'GET', '/v1/balance', { token: (await newUser(b.url)).tokens.access_token })).body;
      expect(bal.total).toBe(0); // the service answers normally after the crash
    } finally {
      b.proc.kill('SIGTERM');
      await b.exited;
    }
    expect(await auditScript(db)).toBe(0);
  }, 180_000); // three processes start on a shared machine
});
