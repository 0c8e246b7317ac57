/**
 * The PostgreSQL column of the ledger benchmark (`npm run bench:ledger` calls `benchPostgres`;
 * `npx tsx bench/ledger-pg.ts` runs it alone).
 *
 * On one PostgreSQL cluster (fsync on; env CUTLINE_BENCH_PG_URL, else a throwaway one started
 * by scripts/pg-cluster.sh --durable), in a fresh database:
 *  - the bare limit: single-row write transactions/s (BEGIN; UPDATE one row; COMMIT), from a
 *    pool of the same size the service uses, as many concurrent callers as the charge runs;
 *  - charges/s in the service (hold + capture, each drawing from 3 batches: one subscription,
 *    one activity, one purchased credit), one instance's `Db` in this process;
 *  - charges/s over HTTP through one and through two service processes on the same database;
 *  - push latency across instances: a charge answered by instance A → its SSE event on B.
 * Prints figures; asserts nothing.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { capture, hold } from '../src/service/charges';
import type { Ctx } from '../src/service/context';
import { systemClock } from '../src/service/context';
import { EventHub } from '../src/service/event-hub';
import { newSecret, sha256 } from '../src/service/ids';
import { openPostgres, pgTypes } from '../src/store/postgres';
import { eventRowBytes } from './lib/event-bytes';
import { Client } from './lib/http';
import { benchEntry, withPgBench } from './lib/pg-bench';
import { startServerProcess, type ServerProc } from './lib/server-proc';
import { percentile } from './lib/stats';

export interface PgBenchOptions {
  /** A running cluster (maintenance-database URL); default env CUTLINE_BENCH_PG_URL, else a throwaway one. */
  clusterUrl?: string;
  /** Length of each throughput run. */
  seconds?: number;
  /** Connections per pool (bare limit, in-process service, each service process). */
  poolMax?: number;
  /** Concurrent callers in each throughput run. */
  workers?: number;
  /** Charges timed for push latency. */
  pushSamples?: number;
  log?: (msg: string) => void;
}

const DAY = 86_400_000;
const device = { id: 'bench-device', platform: 'desktop' as const };

interface SeededUser {
  id: string;
  token: string;
}

/** `n` free accounts, each with 3 one-credit batches (subscription, activity, purchased) and an access token. */
async function seedUsers(pool: pg.Pool, n: number, tag: string): Promise<SeededUser[]> {
  const users = Array.from({ length: n }, (_, i) => ({ id: `u_${tag}_${i}`, token: newSecret() }));
  const now = Date.now();
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const ids = users.map((u) => u.id);
    await c.query(
      `INSERT INTO users (id, email, password_hash, plan, billing, version, created_at)
       SELECT u, u || '@bench.cutline.test', 'bench:no-password-login', 'free', 'monthly', 0, $2 FROM unnest($1::text[]) AS u`,
      [ids, now],
    );
    await c.query(
      `INSERT INTO batches (id, owner_kind, owner_id, type, amount, remaining, granted_at, expires_at, source)
       SELECT 'b_' || u || '_' || t.type, 'user', u, t.type, 1, 1, $2::bigint, $2::bigint + t.days::bigint * ${DAY}, 'bench'
         FROM unnest($1::text[]) AS u CROSS JOIN (VALUES ('subscription', 30), ('activity', 7), ('purchased', 730)) AS t(type, days)`,
      [ids, now],
    );
    await c.query(
      `INSERT INTO tokens (token_hash, kind, user_id, family_id, expires_at, created_at)
       SELECT h, 'access', u, 'f_' || u, $3, $4 FROM unnest($1::text[], $2::text[]) AS x(u, h)`,
      [ids, users.map((u) => sha256(u.token)), now + DAY, now],
    );
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK');
    throw e;
  } finally {
    c.release();
  }
  await pool.query('ANALYZE');
  return users;
}

/** Runs `workers` loops of `step` for `seconds` (or until `step` returns false); returns completed steps per second. */
async function throughput(workers: number, seconds: number, step: (worker: number) => Promise<boolean>): Promise<{ perSecond: number; done: number; ms: number }> {
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let done = 0;
  let exhausted = false;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (!exhausted && performance.now() < end) {
        if (!(await step(w))) {
          exhausted = true;
          break;
        }
        done++;
      }
    }),
  );
  const ms = performance.now() - t0;
  return { perSecond: (done * 1000) / ms, done, ms };
}

/** Hands out each seeded user once. */
function queue<T>(items: readonly T[]): () => T | undefined {
  let i = 0;
  return () => items[i++];
}

async function bareLimit(url: string, poolMax: number, workers: number, seconds: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: poolMax, types: pgTypes() });
  try {
    await pool.query('CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)');
    await pool.query('INSERT INTO bench_rows SELECT g, 0 FROM generate_series(0, $1) AS g', [workers - 1]);
    const r = await throughput(workers, seconds, async (w) => {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        await c.query({ name: 'bench_bump', text: 'UPDATE bench_rows SET n = n + 1 WHERE id = $1', values: [w] });
        await c.query('COMMIT');
      } finally {
        c.release();
      }
      return true;
    });
    return r.perSecond;
  } finally {
    await pool.end();
  }
}

async function serviceCharges(url: string, users: readonly SeededUser[], poolMax: number, workers: number, seconds: number) {
  const db = await openPostgres(url, { poolMax });
  const ctx: Ctx = {
    db,
    clock: systemClock,
    hub: new EventHub(),
    config: { publicUrl: 'http://127.0.0.1', holdTtlMs: 900_000, accessTokenTtlS: 3600, refreshTokenTtlS: 86_400 },
  };
  const next = queue(users);
  try {
    const trips0 = db.roundTrips;
    const cpu0 = process.cpuUsage();
    const r = await throughput(workers, seconds, async () => {
      const u = next();
      if (!u) return false;
      const h = await hold(ctx, u.id, `k-${u.id}`, { tool: 'auto-captions', quantity: 1, device });
      if (h.charge.allocation.length !== 3) throw new Error(`expected a charge over 3 batches, got ${h.charge.allocation.length}`);
      await capture(ctx, u.id, h.charge.id);
      return true;
    });
    const cpu = process.cpuUsage(cpu0);
    // This process's CPU (the service's JavaScript and the pg driver) per charge.
    // Statements sent and answered per charge (hold + capture), BEGIN/COMMIT included.
    const roundTripsPerCharge = (db.roundTrips - trips0) / r.done;
    // What the event rows of a few more charges take (after the timed run, so it costs it nothing).
    const since = Date.now();
    for (let i = 0; i < 20; i++) {
      const u = next();
      if (!u) break;
      const h = await hold(ctx, u.id, `k-${u.id}`, { tool: 'auto-captions', quantity: 1, device });
      await capture(ctx, u.id, h.charge.id);
    }
    const bytes = await eventRowBytes(db, since);
    const charged = bytes.rows / 2; // one event per step, hold and capture
    return {
      ...r,
      cpuMsPerCharge: (cpu.user + cpu.system) / 1000 / r.done,
      roundTripsPerCharge,
      eventBytes: { stored: bytes.stored / charged, payload: bytes.payload / charged },
    };
  } finally {
    await db.close();
  }
}

async function httpCharges(servers: readonly ServerProc[], users: readonly SeededUser[], workers: number, seconds: number) {
  const clients = servers.map((s) => new Client(s.url, Math.ceil(workers / servers.length)));
  const next = queue(users);
  try {
    return await throughput(workers, seconds, async (w) => {
      const u = next();
      if (!u) return false;
      const c = clients[w % clients.length];
      const h = await c.request('POST', '/v1/charges', {
        token: u.token,
        body: { tool: 'auto-captions', quantity: 1, device },
        headers: { 'idempotency-key': `k-${u.id}` },
      });
      if (h.status !== 201) throw new Error(`hold answered ${h.status}: ${JSON.stringify(h.body)}`);
      const cap = await c.request('POST', `/v1/charges/${h.body.charge.id}/capture`, { token: u.token });
      if (cap.status !== 200) throw new Error(`capture answered ${cap.status}`);
      return true;
    });
  } finally {
    for (const c of clients) c.close();
  }
}

/** Charges through A one at a time; the time from A's answer to the same version's event on B. */
async function pushLatency(a: ServerProc, b: ServerProc, pool: pg.Pool, samples: number): Promise<number[]> {
  const [u] = await seedUsers(pool, 1, `push${randomBytes(3).toString('hex')}`);
  await pool.query("UPDATE batches SET amount = 1000000, remaining = 1000000 WHERE owner_id = $1 AND type = 'purchased'", [u.id]);
  const arrived = new Map<number, number>();
  const waiters = new Map<number, () => void>();
  const cb = new Client(b.url, 1);
  const ca = new Client(a.url, 1);
  const stream = await cb.openEvents(u.token, (m, at) => {
    if (m.event !== 'balance' || !m.id) return;
    const v = Number(m.id);
    arrived.set(v, at);
    waiters.get(v)?.();
  });
  const out: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const h = await ca.request('POST', '/v1/charges', { token: u.token, body: { tool: 'auto-captions', quantity: 1, device }, headers: { 'idempotency-key': `p-${i}` } });
      const answered = performance.now();
      if (h.status !== 201) throw new Error(`hold answered ${h.status}`);
      const v = h.body.balance.version as number;
      if (!arrived.has(v)) {
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(() => reject(new Error(`version ${v} never reached instance B`)), 5000);
          waiters.set(v, () => {
            clearTimeout(t);
            resolve();
          });
        });
        waiters.delete(v);
      }
      // Negative when B's push beat A's own answer to the client.
      out.push(arrived.get(v)! - answered);
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    stream.close();
    ca.close();
    cb.close();
  }
  return out;
}

export async function benchPostgres(opts: PgBenchOptions = {}): Promise<Record<string, number | string>> {
  const seconds = opts.seconds ?? 4;
  const poolMax = opts.poolMax ?? 8;
  const workers = opts.workers ?? 16;
  const samples = opts.pushSamples ?? 300;
  const log = opts.log ?? (() => undefined);

  return withPgBench({ clusterUrl: opts.clusterUrl, database: 'cutline_bench', log }, async ({ url, pool, procs }) => {
    const server = (await pool.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;

    log(`bare limit: single-row write transactions, pool ${poolMax}, ${workers} callers, ${seconds} s`);
    const bare = await bareLimit(url, poolMax, workers, seconds);

    const perRun = Math.ceil(seconds * 2000); // more users than a run can charge (one charge each)
    const users = await seedUsers(pool, perRun * 3, 'c');
    log('service charges (hold + capture, 3 batches each), one instance in-process');
    const svc = await serviceCharges(url, users.slice(0, perRun), poolMax, workers, seconds);

    const env = { CUTLINE_PG_POOL_MAX: String(poolMax), CUTLINE_SWEEP_MS: '60000', CUTLINE_ACCESS_TTL_S: '86400' };
    procs.push(await startServerProcess(url, env), await startServerProcess(url, env));
    log('HTTP charges through one service process');
    const http1 = await httpCharges(procs.slice(0, 1), users.slice(perRun, 2 * perRun), workers, seconds);
    log('HTTP charges through two service processes');
    const http2 = await httpCharges(procs, users.slice(2 * perRun), workers, seconds);

    log(`push latency: ${samples} charges answered by A, each timed to its event on B`);
    const push = await pushLatency(procs[0], procs[1], pool, samples);

    const r1 = (x: number) => Math.round(x);
    const r2 = (x: number) => Math.round(x * 100) / 100;
    return {
      'load average (1 min) at the end': os.loadavg()[0].toFixed(2),
      postgres: server,
      'pool size': poolMax,
      'concurrent callers': workers,
      'bare limit: 1-row write tx/s': r1(bare),
      'charges/s (service, 1 instance)': r1(svc.perSecond),
      'charges/s ÷ bare limit': r2(svc.perSecond / bare),
      'write tx/s inside those charges': r1(svc.perSecond * 2),
      'Node CPU ms per charge (service)': r2(svc.cpuMsPerCharge),
      'round trips per charge (service)': r2(svc.roundTripsPerCharge),
      'event-row bytes per charge (stored)': r1(svc.eventBytes.stored),
      'event-row bytes per charge (full payloads, stored before migration 4)': r1(svc.eventBytes.payload),
      'charges/s (HTTP, 1 instance)': r1(http1.perSecond),
      'charges/s HTTP 1 instance ÷ bare limit': r2(http1.perSecond / bare),
      'charges/s (HTTP, 2 instances)': r1(http2.perSecond),
      'push A→B p50 ms': r2(percentile(push, 50)),
      'push A→B p99 ms': r2(percentile(push, 99)),
    };
  });
}

// Short, bounded runs on a shared machine: CUTLINE_BENCH_SECONDS per throughput run, CUTLINE_BENCH_PUSH samples.
benchEntry(import.meta.url, async () => {
  const r = await benchPostgres({
    seconds: Number(process.env.CUTLINE_BENCH_SECONDS) || undefined,
    pushSamples: Number(process.env.CUTLINE_BENCH_PUSH) || undefined,
    log: (m) => process.stderr.write(`[bench:pg] ${m}\n`),
  });
  const width = Math.max(...Object.keys(r).map((k) => k.length));
  return Object.entries(r).map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
});
