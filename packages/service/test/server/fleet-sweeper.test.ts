/**
 * The sweeper on a fleet (docs/operations.md § Background work): several instances on one
 * PostgreSQL database, and only the one holding the `sweep` lease sweeps. Each due expiry, each
 * lapsed hold's release and each cycle roll is written once; when the holder stops or dies,
 * another instance takes over. Below that, `Db.lease` itself: one holder, re-checked, taken over
 * when the holder's session ends.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresDb } from '../../src/db/postgres';
import { openPostgres } from '../../src/db/postgres';
import { openSqlite } from '../../src/db/sqlite';
import { charge, grant, newUser } from '../helpers/client';
import { createDatabase, dropDatabase, withClient } from '../helpers/pg';
import { startProcess } from '../helpers/process';
import { scrape, scrapeUntil, type Exposition } from '../helpers/prometheus';
import { startTestServer, type TestServer } from '../helpers/server';
import { expectBooksBalanced } from '../helpers/audit';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DAY = 86_400_000;
const runs = (m: Exposition, outcome: 'ran' | 'standby' | 'failed') => m.value('cutline_job_runs_total', { job: 'sweep', outcome }) ?? 0;
const leads = (m: Exposition) => m.value('cutline_job_leader', { job: 'sweep' }) === 1;

/** Polls `fn` until it returns a truthy value. */
async function until<T>(fn: () => Promise<T>, what: string, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('Db.lease', () => {
  let url: string;
  const dbs: PostgresDb[] = [];
  beforeAll(async () => {
    url = await createDatabase();
  });
  afterEach(async () => {
    await Promise.all(dbs.splice(0).map((d) => d.close()));
  });
  afterAll(async () => {
    await dropDatabase(url);
  });
  const open = async () => {
    const d = await openPostgres(url, { poolMax: 2 });
    dbs.push(d);
    return d;
  };

  it('PostgreSQL: one holder at a time among processes; released, it passes to the next', async () => {
    const [a, b] = [await open(), await open()];
    const la = a.lease('job');
    const lb = b.lease('job');
    expect(await la.acquire()).toBe(true);
    expect(await lb.acquire()).toBe(false);
    expect(await la.acquire()).toBe(true); // still held: checked, not taken twice
    expect(await lb.acquire()).toBe(false);
    // Another name is another lease.
    expect(await b.lease('other-job').acquire()).toBe(true);
    await la.release();
    expect(await lb.acquire()).toBe(true);
    expect(await la.acquire()).toBe(false);
  });

  it('PostgreSQL: when the holder\'s session dies, the lease is free for another; the old holder knows it lost it', async () => {
    const [a, b] = [await open(), await open()];
    const la = a.lease('job');
    const lb = b.lease('job');
    expect(await la.acquire()).toBe(true);
    expect(await lb.acquire()).toBe(false);
    // What a crash of the holder's process looks like to PostgreSQL: its session ends.
    const ended = await withClient(url, (c) =>
      c.query("SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1", [`cutline:${a.instanceId}:lease:job`]),
    );
    expect(ended.rows).toEqual([{ ok: true }]);
    await until(() => lb.acquire(), 'the standby to take the lease over');
    expect(la.held).toBe(false);
    expect(await la.acquire()).toBe(false);
  });

  it('SQLite: the process owns the file, so the lease is always its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutline-lease-'));
    const db = await openSqlite(join(dir, 'x.db'));
    try {
      expect(await db.lease('job').acquire()).toBe(true);
      expect(await db.lease('job').acquire()).toBe(true);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('two instances on one PostgreSQL database', () => {
  let url: string;
  let offset = 0;
  const clock = { now: () => Date.now() + offset };
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    url = await createDatabase();
    a = await startTestServer({ db: url, clock, sweepMs: 50, accessTokenTtlS: 86_400 });
    // A sweeps alone until B is up: then A is the holder B finds.
    await scrapeUntil(a.url, leads, 'A to hold the sweep lease');
    b = await startTestServer({ db: url, clock, sweepMs: 50, accessTokenTtlS: 86_400 });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await dropDatabase(url);
  });

  const ledger = () =>
    withClient(url, async (c) => ({
      expires: (await c.query<{ batch_id: string; n: number }>("SELECT batch_id, COUNT(*)::int AS n FROM ledger WHERE kind = 'expire' GROUP BY batch_id")).rows,
      releases: (await c.query<{ charge_id: string; n: number }>("SELECT charge_id, COUNT(*)::int AS n FROM ledger WHERE kind = 'release' GROUP BY charge_id")).rows,
      grants: (await c.query<{ scope_id: string; n: number }>("SELECT scope_id, COUNT(*)::int AS n FROM ledger WHERE kind = 'grant' AND type = 'subscription' GROUP BY scope_id")).rows,
    }));

  it('only the lease holder sweeps; each due expiry, lapsed hold and cycle roll is written once; B takes over when A stops', async () => {
    // Three Pro users (a 30-day cycle each), every one with two batches that expire in an hour
    // and a hold that lapses in 15 minutes.
    const users = await Promise.all([0, 1, 2].map(() => newUser(a.url, { plan: 'pro' })));
    const batchIds: string[] = [];
    const holdIds: string[] = [];
    for (const u of users) {
      for (const type of ['activity', 'purchased'] as const) batchIds.push((await grant(a.url, u.id, type, 10, new Date(clock.now() + 3_600_000).toISOString())).id);
      const h = await charge(b.url, u.tokens.access_token, 'auto-captions');
      expect(h.status).toBe(201);
      holdIds.push(h.body.charge.id);
    }
    const mine = new Set(users.map((u) => u.id));

    // 31 days later everything above is due at once, seen by both instances.
    offset = 31 * DAY;
    await until(async () => {
      const l = await ledger();
      const grants = l.grants.filter((g) => mine.has(g.scope_id));
      return batchIds.every((id) => l.expires.some((e) => e.batch_id === id)) && holdIds.every((id) => l.releases.some((r) => r.charge_id === id)) && grants.every((g) => g.n >= 2) && grants.length === 3;
    }, 'the sweep to expire, release and roll');
    // Let both instances tick a few more times: any second writer would show up now.
    const ranBefore = runs(await scrape(a.url), 'ran');
    const standbyBefore = runs(await scrape(b.url), 'standby');
    await scrapeUntil(a.url, (m) => runs(m, 'ran') >= ranBefore + 5, 'A to sweep five more times');
    await scrapeUntil(b.url, (m) => runs(m, 'standby') >= standbyBefore + 5, 'B to stand by five more times');

    let l = await ledger();
    for (const id of batchIds) expect(l.expires.find((e) => e.batch_id === id)?.n).toBe(1);
    for (const id of holdIds) expect(l.releases.find((r) => r.charge_id === id)?.n).toBe(1);
    // The first cycle's grant and one roll, per user.
    expect(l.grants.filter((g) => mine.has(g.scope_id)).map((g) => g.n)).toEqual([2, 2, 2]);
    // A swept; B never did.
    const [ma, mb] = [await scrape(a.url), await scrape(b.url)];
    expect(leads(ma)).toBe(true);
    expect(leads(mb)).toBe(false);
    expect(runs(mb, 'ran')).toBe(0);
    expect(runs(mb, 'failed')).toBe(0);
    await expectBooksBalanced(a.url);

    // A stops (its lease released on the way): B's next tick takes over and sweeps.
    await a.close();
    await scrapeUntil(b.url, (m) => leads(m) && runs(m, 'ran') > 0, 'B to take the sweep over');
    // Another cycle comes due: B rolls it, once per user.
    offset = 62 * DAY;
    await until(async () => (await ledger()).grants.filter((g) => mine.has(g.scope_id)).every((g) => g.n >= 3), 'B to roll the next cycle');
    const ranNow = runs(await scrape(b.url), 'ran');
    await scrapeUntil(b.url, (m) => runs(m, 'ran') >= ranNow + 5, 'B to sweep five more times');
    l = await ledger();
    expect(l.grants.filter((g) => mine.has(g.scope_id)).map((g) => g.n)).toEqual([3, 3, 3]);
    for (const id of batchIds) expect(l.expires.find((e) => e.batch_id === id)?.n).toBe(1);
    await expectBooksBalanced(b.url);
  });
});

describe('an instance that dies or freezes holding the lease', () => {
  let url: string;
  let proc: ChildProcess | null = null;
  let b: TestServer | null = null;
  afterEach(async () => {
    if (proc) {
      proc.kill('SIGCONT');
      proc.kill('SIGKILL');
    }
    proc = null;
    await b?.close();
    b = null;
    if (url) await dropDatabase(url);
  });

  /** A service process holding the sweep lease, and an in-process instance standing by on the same database. */
  async function holderAndStandby() {
    url = await createDatabase();
    const first = await startProcess({ PORT: '0', CUTLINE_DB: url, CUTLINE_SWEEP_MS: '50', CUTLINE_LOG_LEVEL: 'warn' });
    proc = first.proc;
    await scrapeUntil(first.url, leads, 'the process to hold the sweep lease');
    b = await startTestServer({ db: url, sweepMs: 50, seed: null });
    await scrapeUntil(b.url, (m) => runs(m, 'standby') >= 3, 'B to stand by');
    expect(runs(await scrape(b.url), 'ran')).toBe(0);
    return { first, b };
  }

  it('is replaced: killed with SIGKILL, its lease goes with its session and the standby sweeps', async () => {
    const { first, b } = await holderAndStandby();
    proc!.kill('SIGKILL');
    expect(await first.exited).toBe(null); // killed, no clean exit
    proc = null;
    const m = await scrapeUntil(b.url, (x) => leads(x) && runs(x, 'ran') > 0, 'B to take the sweep over');
    expect(runs(m, 'failed')).toBe(0);
  });

  it('is replaced when frozen (its connections open but silent): PostgreSQL ends the silent session, and the thawed process stands by', async () => {
    const { first, b } = await holderAndStandby();
    proc!.kill('SIGSTOP');
    // The lease's session has idle_session_timeout = 5 heartbeats (at least 5 s): then it is ended.
    await scrapeUntil(b.url, (x) => leads(x) && runs(x, 'ran') > 0, 'B to take the sweep over', 30_000);
    proc!.kill('SIGCONT');
    const thawed = await scrapeUntil(first.url, (x) => !leads(x) && runs(x, 'standby') > 0, 'the thawed process to stand by');
    expect(leads(thawed)).toBe(false);
    expect(leads(await scrape(b.url))).toBe(true);
  }, 60_000);
});
