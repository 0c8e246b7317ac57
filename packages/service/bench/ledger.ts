/**
 * `npm run bench:ledger` — the ledger's speed, measured in one run on one machine (a benchmark,
 * not a test: it asserts nothing, it prints figures):
 *
 * 1. hold+capture charges per second, each drawing from 3 batches, at the service level and over
 *    HTTP, against the bare limit: as many single-row write transactions with the same SQLite
 *    settings (WAL, synchronous=FULL, BEGIN IMMEDIATE, the service's own connection setup).
 * 2. GET /v1/balance and charge latency (p50/p99) for an account with 1 000 vs 1 000 000 ledger
 *    entries, each on the real server (a child process) on its own database.
 * 3. push latency (p50/p99): a charge's HTTP response on one connection → its SSE event on
 *    another connection of the same account.
 * 4. PostgreSQL, when bench/ledger-pg.ts is present and a database is given.
 *
 * `benchLedger()` returns the figures; `formatReport()` prints them. Sizes: see DEFAULTS (the
 * whole run stays under ~5 minutes on 2 cores); CUTLINE_BENCH_QUICK=1 shrinks everything.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { capture, hold } from '../src/service/charges/steps';
import { chargeEngine } from '../src/service/charges/engine';
import { systemClock } from '../src/clock';
import type { Ctx } from '../src/service/kernel/context';
import { Metrics } from '../src/service/kernel/metrics';
import { EventHub } from '../src/service/events/hub';
import { openDb } from '../src/start';
import type { Db } from '../src/db/db';
import { openSqlite } from '../src/db/sqlite';
import { batchRecorder, formatBatchSizes, type BatchSizes } from './lib/batches';
import { eventRowBytes } from './lib/event-bytes';
import { addToken, migrate, rawConnection, seedHistory, seedUsers, type BenchUser, type HistoryShape } from './lib/fixtures';
import { Client } from './lib/http';
import { profiled, type Profile } from './lib/profile';
import { startServerProcess, type ServerProc } from './lib/server-proc';
import { ms, rate, ratio, summarize, table, timeEach, type Summary } from './lib/stats';

export interface BenchOptions {
  /** Charges measured at the service level (the bare figures use as many transactions). */
  charges: number;
  /** Charges measured over HTTP, per concurrency level. */
  httpCharges: number;
  httpConcurrency: number;
  /** Latency samples per history size. */
  balanceSamples: number;
  chargeSamples: number;
  pushSamples: number;
  smallHistory: number;
  bigHistory: number;
  /** Where the temp databases go (default: the OS temp folder). */
  dir?: string;
  log?: (line: string) => void;
}

export const DEFAULTS: BenchOptions = {
  charges: 3000,
  httpCharges: 1500,
  httpConcurrency: 8,
  balanceSamples: 2000,
  chargeSamples: 600,
  pushSamples: 200,
  smallHistory: 1_000,
  bigHistory: 1_000_000,
};

const QUICK: Partial<BenchOptions> = {
  charges: 300,
  httpCharges: 200,
  balanceSamples: 200,
  chargeSamples: 60,
  pushSamples: 30,
  bigHistory: 50_000,
};

const TOOL = 'ai-portrait'; // 15 credits
const BATCH = 5; // so every charge spans exactly 3 batches
const CHARGES_PER_USER = 10; // 30 live batches at the start, 0 at the end
const DEVICE = { id: 'bench-device', platform: 'desktop' as const };

export interface Throughput {
  label: string;
  n: number;
  perSecond: number;
  unit: 'txn' | 'charges';
}

export interface LatencyRow {
  entries: number;
  shape: HistoryShape;
  buildMs: number;
  dbBytes: number;
  balance: Summary;
  charge: Summary;
  hold: Summary;
}

export interface PostgresColumn {
  /** Free-form lines the PostgreSQL helper returns, printed as they are. */
  lines: string[];
}

export interface BenchReport {
  machine: { cpus: string; nproc: number; memGiB: number; node: string; platform: string; fs: string; dir: string; sqlite: string; loadBefore: number[]; loadAfter: number[] };
  startedAt: string;
  totalMs: number;
  bare: Throughput[];
  service: Throughput;
  serviceAllocationsPerCharge: number;
  /**
   * In-process, `workers` concurrent callers (the charge engine batches their steps): service
   * charges/s; the bare 1-row txn/s with the same `workers` callers (one transaction each on the
   * one connection: nothing shares a COMMIT); and the
   * sequential bare 1-row txn/s (one fsync per transaction) measured on both sides of that bare,
   * right before the service part — the target's denominator (see formatReport). `serviceCpuUs`: this process's
   * CPU (user + system, every thread) per charge in that part; `serviceBusyUs`: the event loop's
   * busy time per charge (JS, SQL and the blocking COMMITs) — what caps throughput on one thread.
   */
  concurrent: { workers: number; bare: number; bareSequential: number; service: number; serviceCpuUs: number; serviceBusyUs: number; batches: BatchSizes };
  http: Throughput[];
  profile: { perCharge: { sql: string; callsPerCharge: number; usPerCharge: number }[]; txUsPerCharge: number; stmtUsPerCharge: number };
  /** Wall and CPU (user + system, this process) time per bare transaction and per charge. */
  cpu: {
    bareWallUs: number;
    bareCpuUs: number;
    chargeWallUs: number;
    chargeCpuUs: number;
    framesPerCharge: number;
    framesPerBare: number;
    /** Event-row bytes the service stores per charge (hold + capture), and the full payloads those rows give back (what a row stored before migration 4). */
    eventBytesPerCharge: number;
    eventPayloadBytesPerCharge: number;
  };
  latency: LatencyRow[];
  push: { responseToEvent: Summary; requestToEvent: Summary; eventBeforeResponse: number };
  postgres: PostgresColumn | string;
}

// ---- 1. throughput ----------------------------------------------------------------------------

function ctxOf(db: Db): Ctx {
  // As start.ts builds it (no HTTP, no sweeper).
  const hub = new EventHub();
  return {
    db,
    clock: systemClock,
    hub,
    config: { publicUrl: 'http://127.0.0.1', holdTtlMs: 900_000, accessTokenTtlS: 3600, refreshTokenTtlS: 30 * 86_400 },
    metrics: new Metrics({ openStreams: () => hub.connectionCount }),
  };
}

/** Hands out users so that each gets CHARGES_PER_USER charges in a row. */
function userCursor(users: readonly BenchUser[]) {
  let i = 0;
  return () => users[Math.floor(i++ / CHARGES_PER_USER)];
}

async function serviceCharges(ctx: Ctx, next: () => BenchUser, n: number, tag: string): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const u = next();
    const h = await hold(ctx, u.id, `${tag}-${i}`, { tool: TOOL, quantity: 1, device: DEVICE });
    await capture(ctx, u.id, h.charge.id);
  }
  return performance.now() - t0;
}

async function bareTxns(db: Db, userId: string, n: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await db.transaction((tx) => tx.run('UPDATE users SET version = version + 1 WHERE id = ?', [userId]));
  return performance.now() - t0;
}

function rawTxns(conn: Database.Database, userId: string, n: number): number {
  const st = conn.prepare('UPDATE users SET version = version + 1 WHERE id = ?');
  const one = conn.transaction(() => st.run(userId));
  const t0 = performance.now();
  for (let i = 0; i < n; i++) one.immediate();
  return performance.now() - t0;
}

async function throughput(dir: string, o: BenchOptions, log: (s: string) => void) {
  const warm = Math.min(200, o.charges);
  const profN = Math.max(100, Math.round(o.charges / 5));
  const svcPath = join(dir, 'service.db');
  await migrate(svcPath);
  let c = rawConnection(svcPath);
  const users = seedUsers(c, Math.ceil((warm + 2 * o.charges + profN + 20) / CHARGES_PER_USER) + 1, 3 * CHARGES_PER_USER, BATCH);
  c.close();

  const barePath = join(dir, 'bare.db');
  await migrate(barePath);
  c = rawConnection(barePath);
  const [bareUser] = seedUsers(c, 1, 0, BATCH);
  c.close();
  const rawPath = join(dir, 'bare-raw.db');
  await migrate(rawPath);
  c = rawConnection(rawPath);
  const [rawUser] = seedUsers(c, 1, 0, BATCH);
  c.close();

  // The same connection setup as the service: openSqlite (db/sqlite.ts), via start.ts's openDb.
  const svcDb = await openDb(svcPath);
  const ctx = ctxOf(svcDb);
  const bareDb = await openSqlite(barePath);
  const rawConn = new Database(rawPath);
  rawConn.pragma('journal_mode = WAL');
  rawConn.pragma('synchronous = FULL');
  rawConn.pragma('foreign_keys = ON');
  rawConn.pragma('busy_timeout = 5000');

  const next = userCursor(users);
  log(`throughput: warming up (${warm} charges, ${warm} bare transactions each)`);
  await serviceCharges(ctx, next, warm, 'warm');
  await bareTxns(bareDb, bareUser.id, warm);
  rawTxns(rawConn, rawUser.id, warm);

  // Interleave the three in rounds so drift in the disk's fsync time hits them alike.
  const rounds = 3;
  let svcMs = 0;
  let bareMs = 0;
  let rawMs = 0;
  let svcCpu = 0;
  let bareCpu = 0;
  let done = 0;
  const cpuOf = (since: NodeJS.CpuUsage) => {
    const u = process.cpuUsage(since);
    return (u.user + u.system) / 1000;
  };
  for (let r = 0; r < rounds; r++) {
    const n = r === rounds - 1 ? o.charges - done : Math.floor(o.charges / rounds);
    let cpu = process.cpuUsage();
    bareMs += await bareTxns(bareDb, bareUser.id, n);
    bareCpu += cpuOf(cpu);
    rawMs += rawTxns(rawConn, rawUser.id, n);
    cpu = process.cpuUsage();
    svcMs += await serviceCharges(ctx, next, n, `r${r}`);
    svcCpu += cpuOf(cpu);
    done += n;
    log(`throughput: round ${r + 1}/${rounds} done (${done} charges)`);
  }

  // In-process with many concurrent callers, bare and service side by side.
  const workers = 32; // the figure: 32 concurrent callers in-process
  const inParallel = async (n: number, step: (i: number) => Promise<unknown>) => {
    let i = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: workers }, async () => {
      while (i < n) await step(i++);
    }));
    return performance.now() - t0;
  };
  // The sequential bare on both sides of the 32-caller bare, both before the service part: after
  // it, the service's WAL checkpoint (a worker thread, db/sqlite.ts) may still be writing and
  // would slow the bare, flattering the ratio.
  const seqN = Math.min(o.charges, 1000);
  let seqBareMs = await bareTxns(bareDb, bareUser.id, seqN);
  const concBareMs = await inParallel(o.charges, () => bareDb.transaction((tx) => tx.run('UPDATE users SET version = version + 1 WHERE id = ?', [bareUser.id])));
  seqBareMs += await bareTxns(bareDb, bareUser.id, seqN);
  const sizes = batchRecorder();
  chargeEngine(svcDb).observer = sizes.observer;
  const concCpu = process.cpuUsage();
  const concElu = performance.eventLoopUtilization();
  const concSvcMs = await inParallel(o.charges, async (i) => {
    const u = next();
    const h = await hold(ctx, u.id, `conc-${i}`, { tool: TOOL, quantity: 1, device: DEVICE });
    await capture(ctx, u.id, h.charge.id);
  });
  const concBusyMs = performance.eventLoopUtilization(concElu).active;
  chargeEngine(svcDb).observer = {};
  const concCpuMs = cpuOf(concCpu);
  log(`throughput: ${workers} concurrent callers done`);

  // Check the shape: every measured charge drew from exactly 3 batches.
  const allocs = await svcDb.read(async (tx) => {
    const a = await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM allocations');
    const ch = await tx.get<{ n: number }>("SELECT COUNT(*) AS n FROM charges WHERE status = 'captured'");
    return Number(a!.n) / Number(ch!.n);
  });

  // Pages written per charge and per bare transaction: WAL frames appended, from an emptied WAL.
  const walFrames = async (path: string, work: () => Promise<unknown>, n: number) => {
    const side = new Database(path);
    side.pragma('wal_checkpoint(TRUNCATE)');
    await work();
    const bytes = statSync(`${path}-wal`).size;
    side.close();
    const pageSize = 4096;
    return Math.max(0, bytes - 32) / (pageSize + 24) / n;
  };
  const walN = 20; // users were seeded for these too
  const walStart = Date.now();
  const framesPerCharge = await walFrames(svcPath, () => serviceCharges(ctx, next, walN, 'wal'), walN);
  const framesPerBare = await walFrames(barePath, () => bareTxns(bareDb, bareUser.id, walN), walN);
  // The event rows those charges wrote (one per step: the charge's own account), and the full payloads they give back.
  const events = await eventRowBytes(svcDb, walStart);

  // A short profiled run: which statements dominate a charge.
  const prof = profiled(svcDb);
  const pctx = { ...ctx, db: prof.db };
  await serviceCharges(pctx, next, profN, 'prof');
  await svcDb.close();
  await bareDb.close();
  rawConn.close();

  return {
    bare: [
      { label: 'bare: openSqlite() db.transaction, 1-row UPDATE', n: o.charges, perSecond: (o.charges / bareMs) * 1000, unit: 'txn' as const },
      { label: 'bare: raw better-sqlite3 transaction().immediate()', n: o.charges, perSecond: (o.charges / rawMs) * 1000, unit: 'txn' as const },
    ],
    service: { label: 'charges, service level: hold() + capture(), in sequence', n: o.charges, perSecond: (o.charges / svcMs) * 1000, unit: 'charges' as const },
    allocationsPerCharge: allocs,
    concurrent: {
      workers,
      bare: (o.charges / concBareMs) * 1000,
      bareSequential: ((2 * seqN) / seqBareMs) * 1000,
      service: (o.charges / concSvcMs) * 1000,
      serviceCpuUs: (concCpuMs / o.charges) * 1000,
      serviceBusyUs: (concBusyMs / o.charges) * 1000,
      batches: sizes.read(),
    },
    profile: profileSummary(prof.profile, profN),
    cpu: {
      bareWallUs: (bareMs / o.charges) * 1000,
      bareCpuUs: (bareCpu / o.charges) * 1000,
      chargeWallUs: (svcMs / o.charges) * 1000,
      chargeCpuUs: (svcCpu / o.charges) * 1000,
      framesPerCharge,
      framesPerBare,
      eventBytesPerCharge: events.stored / walN,
      eventPayloadBytesPerCharge: events.payload / walN,
    },
  };
}

function profileSummary(p: Profile, charges: number) {
  const stmts = [...p.statements.values()].sort((a, b) => b.ms - a.ms);
  const stmtMs = stmts.reduce((a, s) => a + s.ms, 0);
  return {
    perCharge: stmts.slice(0, 8).map((s) => ({ sql: s.sql, callsPerCharge: s.calls / charges, usPerCharge: (s.ms / charges) * 1000 })),
    txUsPerCharge: (p.txMs / charges) * 1000,
    stmtUsPerCharge: (stmtMs / charges) * 1000,
  };
}

async function httpCharge(client: Client, u: BenchUser, key: string): Promise<void> {
  const h = await client.request('POST', '/v1/charges', {
    token: u.token,
    body: { tool: TOOL, quantity: 1, device: DEVICE },
    headers: { 'idempotency-key': key },
  });
  if (h.status !== 201) throw new Error(`hold answered ${h.status}: ${JSON.stringify(h.body)}`);
  const cap = await client.request('POST', `/v1/charges/${h.body.charge.id}/capture`, { token: u.token });
  if (cap.status !== 200) throw new Error(`capture answered ${cap.status}: ${JSON.stringify(cap.body)}`);
}

async function httpThroughput(dir: string, o: BenchOptions, log: (s: string) => void): Promise<Throughput[]> {
  const warm = 100;
  const path = join(dir, 'http.db');
  await migrate(path);
  const c = rawConnection(path);
  const perLevel = Math.ceil(o.httpCharges / CHARGES_PER_USER) + 2 * o.httpConcurrency;
  const users = seedUsers(c, Math.ceil(warm / CHARGES_PER_USER) + 2 * perLevel, 3 * CHARGES_PER_USER, BATCH);
  c.close();
  const server = await startServerProcess(path);
  const client = new Client(server.url, o.httpConcurrency * 2);
  const out: Throughput[] = [];
  try {
    let base = 0;
    const take = (count: number) => users.slice(base, (base += count));
    const warmUsers = userCursor(take(Math.ceil(warm / CHARGES_PER_USER)));
    for (let i = 0; i < warm; i++) await httpCharge(client, warmUsers(), `warm-${i}`);
    for (const conc of [1, o.httpConcurrency]) {
      const pool = take(perLevel);
      // Each worker has a fixed share of the charges and its own users, CHARGES_PER_USER charges per user in a row.
      const share = (w: number) => Math.floor(o.httpCharges / conc) + (w < o.httpCharges % conc ? 1 : 0);
      const usersEach = Math.ceil(Math.ceil(o.httpCharges / conc) / CHARGES_PER_USER);
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: conc }, async (_, w) => {
          const next = userCursor(pool.slice(w * usersEach, (w + 1) * usersEach));
          for (let i = 0; i < share(w); i++) await httpCharge(client, next(), `c${conc}-${w}-${i}`);
        }),
      );
      const dt = performance.now() - t0;
      out.push({ label: conc > 1 ? `charges over HTTP: ${conc} clients in parallel` : 'charges over HTTP: 1 client', n: o.httpCharges, perSecond: (o.httpCharges / dt) * 1000, unit: 'charges' });
      log(`http throughput: ${conc} client(s) done`);
    }
  } finally {
    client.close();
    await server.stop();
  }
  return out;
}

// ---- 2. latency vs history ------------------------------------------------------------------

interface HistoryDb {
  entries: number;
  path: string;
  user: BenchUser;
  device2: string;
  shape: HistoryShape;
  buildMs: number;
}

async function buildHistoryDb(dir: string, entries: number, log: (s: string) => void): Promise<HistoryDb> {
  const path = join(dir, `history-${entries}.db`);
  await migrate(path);
  const t0 = performance.now();
  const c = rawConnection(path);
  // Live credits for the measurements: 3 large batches (each charge draws from the first).
  const [user] = seedUsers(c, 1, 3, 1_000_000);
  const shape = seedHistory(c, user.id, entries);
  const device2 = addToken(c, user.id);
  c.pragma('wal_checkpoint(TRUNCATE)');
  c.close();
  const buildMs = performance.now() - t0;
  log(`history: ${entries.toLocaleString('en-US')} entries built in ${(buildMs / 1000).toFixed(1)} s (${shape.charges.toLocaleString('en-US')} charges, ${shape.spentBatches.toLocaleString('en-US')} spent batches)`);
  return { entries, path, user, device2, shape, buildMs };
}

async function latency(dbs: HistoryDb[], servers: ServerProc[], o: BenchOptions, log: (s: string) => void): Promise<LatencyRow[]> {
  const clients = servers.map((s) => new Client(s.url, 2));
  const samples = dbs.map(() => ({ balance: [] as number[], charge: [] as number[], hold: [] as number[] }));
  let key = 0;
  const chargeOnce = async (k: number) => {
    const u = dbs[k].user;
    const t0 = performance.now();
    const h = await clients[k].request('POST', '/v1/charges', {
      token: u.token,
      body: { tool: TOOL, quantity: 1, device: DEVICE },
      headers: { 'idempotency-key': `lat-${key++}` },
    });
    const t1 = performance.now();
    if (h.status !== 201) throw new Error(`hold answered ${h.status}: ${JSON.stringify(h.body)}`);
    const cap = await clients[k].request('POST', `/v1/charges/${h.body.charge.id}/capture`, { token: u.token });
    if (cap.status !== 200) throw new Error(`capture answered ${cap.status}`);
    return { hold: t1 - t0, charge: performance.now() - t0 };
  };
  const balanceOnce = async (k: number) => {
    const r = await clients[k].request('GET', '/v1/balance', { token: dbs[k].user.token });
    if (r.status !== 200) throw new Error(`balance answered ${r.status}`);
  };
  try {
    for (let k = 0; k < dbs.length; k++) {
      await timeEach(200, () => balanceOnce(k));
      for (let i = 0; i < 50; i++) await chargeOnce(k);
    }
    // Rounds, alternating which database goes first, so drift affects both alike.
    const rounds = 4;
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? dbs.map((_, k) => k) : dbs.map((_, k) => k).reverse();
      for (const k of order) {
        samples[k].balance.push(...(await timeEach(Math.ceil(o.balanceSamples / rounds), () => balanceOnce(k))));
        for (let i = 0; i < Math.ceil(o.chargeSamples / rounds); i++) {
          const t = await chargeOnce(k);
          samples[k].charge.push(t.charge);
          samples[k].hold.push(t.hold);
        }
      }
      log(`latency: round ${r + 1}/${rounds} done`);
    }
  } finally {
    for (const c of clients) c.close();
  }
  return dbs.map((d, k) => ({
    entries: d.entries,
    shape: d.shape,
    buildMs: d.buildMs,
    dbBytes: fileBytes(d.path),
    balance: summarize(samples[k].balance),
    charge: summarize(samples[k].charge),
    hold: summarize(samples[k].hold),
  }));
}

function fileBytes(path: string): number {
  try {
    const c = new Database(path, { readonly: true, fileMustExist: true });
    const pages = Number(c.pragma('page_count', { simple: true }));
    const size = Number(c.pragma('page_size', { simple: true }));
    c.close();
    return pages * size;
  } catch {
    return NaN;
  }
}

// ---- 3. push latency ----------------------------------------------------------------------

async function pushLatency(db: HistoryDb, server: ServerProc, n: number, log: (s: string) => void) {
  const client = new Client(server.url, 2);
  const arrivals = new Map<string, number>();
  const waiters = new Map<string, (at: number) => void>();
  const stream = await client.openEvents(db.device2, (m, at) => {
    if (m.event !== 'balance') return;
    const cause = (JSON.parse(m.data) as { cause: { kind: string; chargeId?: string; entry?: { chargeId: string | null } } }).cause;
    if (cause.kind !== 'hold') return;
    // The hold event names its charge in cause.entry (the service sets cause.chargeId for capture/release only).
    const id = cause.chargeId ?? cause.entry?.chargeId;
    if (!id) return;
    arrivals.set(id, at);
    waiters.get(id)?.(at);
  });
  const respToEvent: number[] = [];
  const reqToEvent: number[] = [];
  let early = 0;
  try {
    for (let i = 0; i < n + 20; i++) {
      const t0 = performance.now();
      const h = await client.request('POST', '/v1/charges', {
        token: db.user.token,
        body: { tool: TOOL, quantity: 1, device: DEVICE },
        headers: { 'idempotency-key': `push-${i}` },
      });
      const t1 = performance.now();
      if (h.status !== 201) throw new Error(`hold answered ${h.status}`);
      const id: string = h.body.charge.id;
      const at =
        arrivals.get(id) ??
        (await new Promise<number>((resolve, reject) => {
          const t = setTimeout(() => reject(new Error(`no event for ${id} within 10 s`)), 10_000);
          waiters.set(id, (x) => (clearTimeout(t), resolve(x)));
        }));
      waiters.delete(id);
      arrivals.delete(id);
      if (i >= 20) {
        respToEvent.push(at - t1);
        reqToEvent.push(at - t0);
        if (at < t1) early++;
      }
      await client.request('POST', `/v1/charges/${id}/capture`, { token: db.user.token });
    }
  } finally {
    stream.close();
    client.close();
  }
  log('push latency done');
  return { responseToEvent: summarize(respToEvent), requestToEvent: summarize(reqToEvent), eventBeforeResponse: early };
}

// ---- 4. PostgreSQL ------------------------------------------------------------------------

async function postgres(log: (s: string) => void): Promise<PostgresColumn | string> {
  const file = new URL('./ledger-pg.ts', import.meta.url);
  if (!existsSync(file)) return 'PostgreSQL: not measured (bench/ledger-pg.ts not present)';
  if (process.env.CUTLINE_BENCH_PG === '0') return 'PostgreSQL: not measured (CUTLINE_BENCH_PG=0)';
  // The helper runs on CUTLINE_BENCH_PG_URL when given, else on a throwaway cluster it starts itself.
  const mod = (await import(file.href)) as { benchPostgres?: (opts?: { clusterUrl?: string; log?: (s: string) => void }) => Promise<unknown> };
  if (typeof mod.benchPostgres !== 'function') return 'PostgreSQL: not measured (bench/ledger-pg.ts exports no benchPostgres())';
  try {
    const out = await mod.benchPostgres({ clusterUrl: process.env.CUTLINE_BENCH_PG_URL || undefined, log: (s) => log(`pg: ${s}`) });
    if (out === null || out === undefined) return 'PostgreSQL: not measured (benchPostgres() returned nothing)';
    if (typeof out === 'string') return { lines: out.split('\n') };
    if (Array.isArray(out)) return { lines: out.map(String) };
    if (typeof out === 'object' && 'lines' in out && Array.isArray((out as PostgresColumn).lines)) return out as PostgresColumn;
    const entries = Object.entries(out as Record<string, unknown>).map(([k, v]) => [k, String(v)]);
    return { lines: table([['measure (bench/ledger-pg.ts)', 'value'], ...entries]).split('\n') };
  } catch (e) {
    return `PostgreSQL: not measured (bench/ledger-pg.ts failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
  }
}

// ---- the run --------------------------------------------------------------------------------

function machine(dir: string, loadBefore: number[]): BenchReport['machine'] {
  let fs = 'unknown';
  try {
    fs = execFileSync('df', ['-T', dir], { encoding: 'utf8' }).trim().split('\n').pop()!.split(/\s+/)[1];
  } catch {
    /* not available */
  }
  const mem = new Database(':memory:');
  const sqlite = (mem.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  mem.close();
  return {
    cpus: cpus()[0]?.model ?? 'unknown',
    nproc: cpus().length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    fs,
    dir,
    sqlite,
    loadBefore,
    loadAfter: loadavg(),
  };
}

export async function benchLedger(opts: Partial<BenchOptions> = {}): Promise<BenchReport> {
  const o: BenchOptions = { ...DEFAULTS, ...(process.env.CUTLINE_BENCH_QUICK ? QUICK : {}), ...opts };
  const log = o.log ?? (() => undefined);
  const dir = mkdtempSync(join(o.dir ?? tmpdir(), 'cutline-bench-'));
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg();
  const t0 = performance.now();
  const servers: ServerProc[] = [];
  try {
    const tp = await throughput(dir, o, log);
    const http = await httpThroughput(dir, o, log);
    const dbs = [await buildHistoryDb(dir, o.smallHistory, log), await buildHistoryDb(dir, o.bigHistory, log)];
    for (const d of dbs) servers.push(await startServerProcess(d.path));
    const lat = await latency(dbs, servers, o, log);
    const push = await pushLatency(dbs[0], servers[0], o.pushSamples, log);
    for (const s of servers.splice(0)) await s.stop();
    const pg = await postgres(log);
    return {
      machine: machine(dir, loadBefore),
      startedAt,
      totalMs: performance.now() - t0,
      bare: tp.bare,
      service: tp.service,
      serviceAllocationsPerCharge: tp.allocationsPerCharge,
      concurrent: tp.concurrent,
      http,
      profile: tp.profile,
      cpu: tp.cpu,
      latency: lat,
      push,
      postgres: pg,
    };
  } finally {
    for (const s of servers) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatReport(r: BenchReport): string {
  const m = r.machine;
  const bare = r.bare[0].perSecond;
  const out: string[] = [];
  out.push(`Cutline ledger benchmark, ${r.startedAt}, ${(r.totalMs / 1000).toFixed(0)} s`);
  out.push(`Machine: ${m.nproc} × ${m.cpus}, ${m.memGiB} GiB, ${m.platform}, Node ${m.node}, SQLite ${m.sqlite}; databases on ${m.fs} (${m.dir})`);
  const la = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(' ');
  out.push(`Load average (1/5/15 min) at start: ${la(m.loadBefore)}; at end: ${la(m.loadAfter)} (other work on the machine skews every figure alike).`);
  out.push('SQLite settings everywhere: WAL, synchronous=FULL, one connection, BEGIN IMMEDIATE per write transaction.');
  out.push('');
  out.push('1. Throughput: hold + capture charges, each drawing from 3 batches (ai-portrait, 15 credits, from 5-credit batches)');
  out.push(
    table([
      ['measure', 'n', 'rate', '÷ bare txn/s'],
      ...r.bare.map((t) => [t.label, String(t.n), `${rate(t.perSecond)} txn`, ratio(t.perSecond / bare)]),
      [r.service.label, String(r.service.n), `${rate(r.service.perSecond)} charges`, ratio(r.service.perSecond / bare)],
      ['  the same counted in transactions (hold + capture = 2 each)', '', `${rate(2 * r.service.perSecond)} txn`, ratio((2 * r.service.perSecond) / bare)],
      ...r.http.map((t) => [t.label, String(t.n), `${rate(t.perSecond)} charges`, ratio(t.perSecond / bare)]),
    ]),
  );
  out.push(
    `One caller (in sequence): ${ratio(r.service.perSecond / bare)} of bare (no target: a charge is 2 durable transactions, so 0.5 is the ceiling ` +
      `when fsync dominates; per transaction the service reaches ${ratio((2 * r.service.perSecond) / bare)} of bare). Allocation rows per charge: ${r.serviceAllocationsPerCharge.toFixed(2)}.`,
  );
  const cc = r.concurrent;
  const http = r.http[r.http.length - 1];
  // The targets are "× bare single-row write tx/s (synchronous=FULL)": one durable transaction,
  // one fsync — the sequential bare. The bare with as many callers (the same engine batching
  // nothing: one transaction each, one after another on the one connection) is printed beside, untargeted.
  const vsSeq = cc.service / cc.bareSequential;
  const httpVsSeq = http.perSecond / cc.bareSequential;
  out.push(
    `In-process, ${cc.workers} concurrent callers (the charge engine's batches): service ${rate(cc.service)} charges ` +
      `(${cc.serviceCpuUs.toFixed(0)} µs CPU per charge — target ≤ 150 µs: ${cc.serviceCpuUs <= 150 ? 'met' : 'NOT met'}; ` +
      `${cc.serviceBusyUs.toFixed(0)} µs event-loop busy per charge).`,
  );
  out.push(`Batches in that run: ${formatBatchSizes(cc.batches)}.`);
  out.push(
    table([
      ['ratio', 'bare txn/s', 'service in-process', 'target', `${http.label}`, 'target'],
      [
        'vs sequential bare (one fsync per txn; the targets\' "bare")',
        rate(cc.bareSequential),
        ratio(vsSeq),
        `≥ 2: ${vsSeq >= 2 ? 'met' : 'NOT met'}`,
        ratio(httpVsSeq),
        `≥ 0.35: ${httpVsSeq >= 0.35 ? 'met' : 'NOT met'}`,
      ],
      [`vs ${cc.workers}-caller bare (one transaction each)`, rate(cc.bare), ratio(cc.service / cc.bare), '—', ratio(http.perSecond / cc.bare), '—'],
    ]),
  );
  out.push('');
  const c = r.cpu;
  out.push(
    `Time per bare transaction: ${c.bareWallUs.toFixed(0)} µs wall, ${c.bareCpuUs.toFixed(0)} µs CPU (user+system, incl. the kernel's share of fsync). ` +
      `Per charge: ${c.chargeWallUs.toFixed(0)} µs wall, ${c.chargeCpuUs.toFixed(0)} µs CPU = ${(c.chargeWallUs / c.bareWallUs).toFixed(1)} bare transactions' time. ` +
      `Pages written to the WAL: ${c.framesPerBare.toFixed(1)} per bare transaction, ${c.framesPerCharge.toFixed(1)} per charge.`,
  );
  out.push(
    `Event rows: ${c.eventBytesPerCharge.toFixed(0)} bytes stored per charge (compact rows: balance, cause, entry seqs); ` +
      `the full SSE payloads they give back, which rows stored whole before migration 4: ${c.eventPayloadBytesPerCharge.toFixed(0)} bytes per charge.`,
  );
  out.push(`Where a charge's time goes (profiled run; ${r.profile.txUsPerCharge.toFixed(0)} µs per charge inside the 2 transactions, ${r.profile.stmtUsPerCharge.toFixed(0)} µs of it in SQL statements, the rest is BEGIN/COMMIT+fsync and JS):`);
  out.push(
    table([
      ['statement', 'calls/charge', 'µs/charge'],
      ...r.profile.perCharge.map((s) => [s.sql.length > 90 ? s.sql.slice(0, 87) + '...' : s.sql, s.callsPerCharge.toFixed(1), s.usPerCharge.toFixed(0)]),
    ]),
  );
  out.push('');
  out.push('2. Latency against history (real server in a child process, one account, sequential requests, keep-alive)');
  const [small, big] = r.latency;
  const row = (l: LatencyRow) => [
    `${l.entries.toLocaleString('en-US')} entries`,
    `${(l.buildMs / 1000).toFixed(1)} s`,
    `${(l.dbBytes / 2 ** 20).toFixed(0)} MiB`,
    ms(l.balance.p50),
    ms(l.balance.p99),
    ms(l.hold.p50),
    ms(l.hold.p99),
    ms(l.charge.p50),
    ms(l.charge.p99),
  ];
  out.push(
    table([
      ['account history', 'build', 'db size', 'balance p50', 'balance p99', 'hold p50', 'hold p99', 'charge p50', 'charge p99'],
      row(small),
      row(big),
      [
        'ratio (big ÷ small)',
        '',
        '',
        ratio(big.balance.p50 / small.balance.p50),
        ratio(big.balance.p99 / small.balance.p99),
        ratio(big.hold.p50 / small.hold.p50),
        ratio(big.hold.p99 / small.hold.p99),
        ratio(big.charge.p50 / small.charge.p50),
        ratio(big.charge.p99 / small.charge.p99),
      ],
    ]),
  );
  out.push(
    `Samples: ${small.balance.n} balance reads and ${small.charge.n} charges (hold + capture) per size. Big history: ${big.shape.charges.toLocaleString('en-US')} past charges, ` +
      `${big.shape.spentBatches.toLocaleString('en-US')} spent-out batches, ${big.entries.toLocaleString('en-US')} ledger entries. Target ratio ≤ 1.2.`,
  );
  out.push('');
  out.push(`3. Push latency: charge (hold) response on one connection → its SSE event on another connection of the account (${r.push.responseToEvent.n} samples)`);
  out.push(
    table([
      ['measure', 'p50', 'p99'],
      ['response received → event received', ms(r.push.responseToEvent.p50), ms(r.push.responseToEvent.p99)],
      ['request sent → event received', ms(r.push.requestToEvent.p50), ms(r.push.requestToEvent.p99)],
    ]),
  );
  out.push(`The service publishes after the commit and before replying, so the event can beat the response (negative first row): ${r.push.eventBeforeResponse} of ${r.push.responseToEvent.n} did.`);
  out.push('');
  out.push('4. PostgreSQL');
  out.push(typeof r.postgres === 'string' ? r.postgres : r.postgres.lines.join('\n'));
  return out.join('\n');
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  benchLedger({ log: (s) => process.stderr.write(`[bench] ${s}\n`) }).then(
    (r) => process.stdout.write(formatReport(r) + '\n'),
    (e: unknown) => {
      process.stderr.write(`bench:ledger failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
