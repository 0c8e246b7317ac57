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
 *  - the same rows written by a minimal hand-written hold and capture (one PL/pgSQL call per step,
 *    no rules, no JSON: `bench_hold`/`bench_capture` below, created in the bench database only) —
 *    the floor of one transaction per step: what the service's rules, events and batching are
 *    measured against;
 *  - charges/s over HTTP through one and through two service processes on the same database;
 *  - push latency across instances: a charge answered by instance A → its SSE event on B.
 * With the cluster on this machine (Linux), the CPU time PostgreSQL (postmaster and backends), the
 * service processes and this process spent per transaction or charge in each run, read from /proc.
 * Prints figures; asserts nothing.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { capture, hold } from '../src/service/charges/steps';
import { chargeEngine } from '../src/service/charges/engine';
import type { Ctx } from '../src/service/kernel/context';
import { Metrics } from '../src/service/kernel/metrics';
import { systemClock } from '../src/clock';
import { EventHub } from '../src/service/events/hub';
import { newSecret, sha256 } from '../src/service/kernel/ids';
import { openPostgres, pgTypes } from '../src/db/postgres';
import { batchRecorder, formatBatchSizes } from './lib/batches';
import { eventRowBytes } from './lib/event-bytes';
import { Client } from './lib/http';
import { benchEntry, withPgBench } from './lib/pg-bench';
import { cpuMeter, localPostmasterOf } from './lib/proc-cpu';
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

/** CPU ms per completed unit in a run: PostgreSQL's (null when the cluster is not on this machine), this process's, the service processes'. */
interface CpuSplit {
  pg: number | null;
  bench: number;
  service: number | null;
}

/** Measures the CPU that `run` costs per unit it reports done: the cluster (`postmaster`), this process, the service processes (`servicePids`). */
async function withCpu<R extends { done: number }>(postmaster: number | null, servicePids: readonly number[], run: () => Promise<R>): Promise<R & { cpu: CpuSplit }> {
  const pgMeter = postmaster === null ? null : cpuMeter([postmaster]);
  const svcMeter = servicePids.length ? cpuMeter(servicePids) : null;
  const own0 = process.cpuUsage();
  const r = await run();
  const own = process.cpuUsage(own0);
  const per = (ms: number | null | undefined) => (ms === null || ms === undefined || !r.done ? null : ms / r.done);
  return { ...r, cpu: { pg: per(pgMeter?.read()), bench: per((own.user + own.system) / 1000)!, service: per(svcMeter?.read() ?? null) } };
}

async function bareLimit(url: string, poolMax: number, workers: number, seconds: number, postmaster: number | null) {
  const pool = new pg.Pool({ connectionString: url, max: poolMax, types: pgTypes() });
  try {
    await pool.query('CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)');
    await pool.query('INSERT INTO bench_rows SELECT g, 0 FROM generate_series(0, $1) AS g', [workers - 1]);
    // Every connection opened first, so the run measures transactions, not connects.
    await Promise.all(Array.from({ length: poolMax }, () => pool.connect())).then((cs) => cs.forEach((c) => c.release()));
    return await withCpu(postmaster, [], () => throughput(workers, seconds, async (w) => {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        await c.query({ name: 'bench_bump', text: 'UPDATE bench_rows SET n = n + 1 WHERE id = $1', values: [w] });
        await c.query('COMMIT');
      } finally {
        c.release();
      }
      return true;
    }));
  } finally {
    await pool.end();
  }
}

/**
 * The per-step floor: a hold and a capture that write the bench charge's rows
 * (the charge, 3 batch updates, 3 allocations, 3 + 3 ledger entries, the version and held
 * credits, one small event row per step) in one PL/pgSQL call each — no rules, no idempotency,
 * no event JSON. Created in the bench database only.
 */
const HAND_WRITTEN = `
CREATE FUNCTION bench_hold(p_user TEXT, p_key TEXT, p_id TEXT, p_cost INTEGER, p_now BIGINT) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE v BIGINT; ids TEXT[]; takes INTEGER[]; types TEXT[];
BEGIN
  PERFORM 1 FROM users WHERE id = p_user FOR UPDATE;
  SELECT array_agg(id ORDER BY expires_at), array_agg(remaining ORDER BY expires_at), array_agg(type ORDER BY expires_at)
    INTO ids, takes, types FROM batches WHERE owner_id = p_user AND remaining > 0;
  INSERT INTO charges (id, user_id, idem_key, request_hash, tool, quantity, cost, uses_pro_use, pro_uses, status, hold_expires_at, created_at, device_id, device_platform)
    VALUES (p_id, p_user, p_key, 'h', 'auto-captions', 1, p_cost, 0, 0, 'held', p_now + 900000, p_now, 'bench-device', 'desktop');
  UPDATE batches SET remaining = remaining - x.t FROM unnest(ids, takes) AS x(id, t) WHERE batches.id = x.id;
  INSERT INTO allocations (charge_id, batch_id, type, amount, ord) SELECT p_id, x.id, x.ty, x.t, x.o - 1 FROM unnest(ids, types, takes) WITH ORDINALITY AS x(id, ty, t, o);
  INSERT INTO ledger (scope_id, user_id, at, kind, amount, unit, type, batch_id, charge_id, tool, device_id, device_platform)
    SELECT p_user, p_user, p_now, 'hold', x.t, 'credits', x.ty, x.id, p_id, 'auto-captions', 'bench-device', 'desktop' FROM unnest(ids, types, takes) AS x(id, ty, t);
  UPDATE users SET version = version + 1, held = held + p_cost WHERE id = p_user RETURNING version INTO v;
  INSERT INTO events (user_id, version, at, balance, cause, seqs) VALUES (p_user, v, p_now, '{}', '{"kind":"hold"}', NULL);
  RETURN v;
END $$;
CREATE FUNCTION bench_capture(p_user TEXT, p_id TEXT, p_now BIGINT) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE v BIGINT; cost_ INTEGER;
BEGIN
  PERFORM 1 FROM users WHERE id = p_user FOR UPDATE;
  UPDATE charges SET status = 'captured', settled_at = p_now WHERE id = p_id RETURNING cost INTO cost_;
  INSERT INTO ledger (scope_id, user_id, at, kind, amount, unit, type, batch_id, charge_id, tool, device_id, device_platform)
    SELECT p_user, p_user, p_now, 'capture', a.amount, 'credits', a.type, a.batch_id, p_id, 'auto-captions', 'bench-device', 'desktop'
      FROM allocations a WHERE a.charge_id = p_id ORDER BY a.ord;
  UPDATE users SET version = version + 1, held = held - cost_ WHERE id = p_user RETURNING version INTO v;
  INSERT INTO events (user_id, version, at, balance, cause, seqs) VALUES (p_user, v, p_now, '{}', '{"kind":"capture"}', NULL);
  RETURN v;
END $$;`;

async function handWrittenCharges(url: string, users: readonly SeededUser[], poolMax: number, workers: number, seconds: number, postmaster: number | null) {
  const pool = new pg.Pool({ connectionString: url, max: poolMax, types: pgTypes() });
  const next = queue(users);
  try {
    await pool.query(HAND_WRITTEN);
    return await withCpu(postmaster, [], () =>
      throughput(workers, seconds, async () => {
        const u = next();
        if (!u) return false;
        const id = `ch_hand_${u.id}`;
        const now = Date.now();
        await pool.query({ name: 'bench_hold', text: 'SELECT bench_hold($1, $2, $3, $4, $5)', values: [u.id, `k-${u.id}`, id, 3, now] });
        await pool.query({ name: 'bench_capture', text: 'SELECT bench_capture($1, $2, $3)', values: [u.id, id, now] });
        return true;
      }),
    );
  } finally {
    await pool.end();
  }
}

async function serviceCharges(url: string, users: readonly SeededUser[], poolMax: number, workers: number, seconds: number, postmaster: number | null) {
  const db = await openPostgres(url, { poolMax });
  const hub = new EventHub();
  const ctx: Ctx = {
    db,
    clock: systemClock,
    hub,
    config: { publicUrl: 'http://127.0.0.1', holdTtlMs: 900_000, accessTokenTtlS: 3600, refreshTokenTtlS: 86_400 },
    metrics: new Metrics({ openStreams: () => hub.connectionCount }),
  };
  const next = queue(users);
  const sizes = batchRecorder();
  chargeEngine(db).observer = sizes.observer;
  try {
    const trips0 = db.roundTrips;
    const cpu0 = process.cpuUsage();
    const pgCpu = postmaster === null ? null : cpuMeter([postmaster]);
    const r = await throughput(workers, seconds, async () => {
      const u = next();
      if (!u) return false;
      const h = await hold(ctx, u.id, `k-${u.id}`, { tool: 'auto-captions', quantity: 1, device });
      if (h.charge.allocation.length !== 3) throw new Error(`expected a charge over 3 batches, got ${h.charge.allocation.length}`);
      await capture(ctx, u.id, h.charge.id);
      return true;
    });
    const cpu = process.cpuUsage(cpu0);
    const pgMs = pgCpu?.read() ?? null;
    const batches = sizes.read();
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
      pgCpuMsPerCharge: pgMs === null ? null : pgMs / r.done,
      roundTripsPerCharge,
      batches,
      eventBytes: { stored: bytes.stored / charged, payload: bytes.payload / charged },
    };
  } finally {
    await db.close();
  }
}

async function httpCharges(servers: readonly ServerProc[], all: readonly ServerProc[], users: readonly SeededUser[], workers: number, seconds: number, postmaster: number | null) {
  const clients = servers.map((s) => new Client(s.url, Math.ceil(workers / servers.length)));
  const next = queue(users);
  try {
    // The service CPU counts every process running, serving or not (each hears the others' NOTIFYs).
    return await withCpu(postmaster, all.map((p) => p.pid), () => throughput(workers, seconds, async (w) => {
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
    }));
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

    const postmaster = localPostmasterOf((await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid);

    log(`bare limit: single-row write transactions, pool ${poolMax}, ${workers} callers, ${seconds} s`);
    const bare = await bareLimit(url, poolMax, workers, seconds, postmaster);

    const perRun = Math.ceil(seconds * 2000); // more users than a run can charge (one charge each)
    const users = await seedUsers(pool, perRun * 4, 'c');
    log('service charges (hold + capture, 3 batches each), one instance in-process');
    const svc = await serviceCharges(url, users.slice(0, perRun), poolMax, workers, seconds, postmaster);

    log('the same rows by a minimal hand-written hold and capture (one PL/pgSQL call each, no rules, no JSON)');
    const hand = await handWrittenCharges(url, users.slice(3 * perRun), poolMax, workers, seconds, postmaster);

    const env = { CUTLINE_PG_POOL_MAX: String(poolMax), CUTLINE_SWEEP_MS: '60000', CUTLINE_ACCESS_TTL_S: '86400' };
    procs.push(await startServerProcess(url, env), await startServerProcess(url, env));
    log('HTTP charges through one service process');
    const http1 = await httpCharges(procs.slice(0, 1), procs, users.slice(perRun, 2 * perRun), workers, seconds, postmaster);
    log('HTTP charges through two service processes');
    const http2 = await httpCharges(procs, procs, users.slice(2 * perRun, 3 * perRun), workers, seconds, postmaster);

    log(`push latency: ${samples} charges answered by A, each timed to its event on B`);
    const push = await pushLatency(procs[0], procs[1], pool, samples);

    const r1 = (x: number) => Math.round(x);
    const r2 = (x: number) => Math.round(x * 100) / 100;
    const ms = (x: number | null) => (x === null ? 'n/a' : r2(x));
    const met = (ok: boolean) => (ok ? '(met)' : '(NOT met)');
    const ratio = (x: number | null, y: number | null) => (x === null || y === null ? 'n/a' : r2(x / y));
    return {
      'load average (1 min) at the end': os.loadavg()[0].toFixed(2),
      postgres: server,
      'pool size': poolMax,
      'concurrent callers': workers,
      'bare limit: 1-row write tx/s': r1(bare.perSecond),
      'charges/s (service, 1 instance)': r1(svc.perSecond),
      'charges/s ÷ bare limit (target ≥ 0.5)': `${r2(svc.perSecond / bare.perSecond)} ${met(svc.perSecond / bare.perSecond >= 0.5)}`,
      'batches (service, in-process)': formatBatchSizes(svc.batches),
      'write tx/s inside those charges': r1(svc.perSecond * 2),
      'Node CPU ms per charge (service)': r2(svc.cpuMsPerCharge),
      'round trips per charge (service)': r2(svc.roundTripsPerCharge),
      'PostgreSQL CPU ms per bare tx': ms(bare.cpu.pg),
      'PostgreSQL CPU ms per charge (service, in-process; target ≤ 0.4)':
        svc.pgCpuMsPerCharge === null ? 'n/a' : `${ms(svc.pgCpuMsPerCharge)} ${met(svc.pgCpuMsPerCharge <= 0.4)}`,
      'PostgreSQL CPU per charge ÷ per bare tx': ratio(svc.pgCpuMsPerCharge, bare.cpu.pg),
      'charges/s (hand-written hold + capture, same rows)': r1(hand.perSecond),
      'hand-written ÷ bare limit (one transaction per step: the floor batching passes)': r2(hand.perSecond / bare.perSecond),
      'PostgreSQL CPU ms per charge (hand-written)': ms(hand.cpu.pg),
      'event-row bytes per charge (stored)': r1(svc.eventBytes.stored),
      'event-row bytes per charge (full payloads, stored before migration 4)': r1(svc.eventBytes.payload),
      'charges/s (HTTP, 1 instance)': r1(http1.perSecond),
      'charges/s HTTP 1 instance ÷ bare limit (target ≥ 0.10)': `${r2(http1.perSecond / bare.perSecond)} ${met(http1.perSecond / bare.perSecond >= 0.1)}`,
      'HTTP 1 instance, CPU ms per charge: PostgreSQL': ms(http1.cpu.pg),
      'HTTP 1 instance, CPU ms per charge: service processes (both running)': ms(http1.cpu.service),
      'HTTP 1 instance, CPU ms per charge: load generator (this process)': ms(http1.cpu.bench),
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
