/**
 * `npm run bench:streams`: event streams under load, on PostgreSQL, from outside (real service
 * processes, real sockets). Bounded in time (seconds); prints figures and the machine's load;
 * asserts nothing except that the run itself was valid (it reports, not throws, on a stream that
 * ends at the wrong version).
 *
 * 1. Reconnect storm: first a baseline (the same chargers, no streams, up to 3 s); then two service processes on one database; `clients` stream clients (each its
 *    own token, spread over `accounts` accounts and both instances) connect, wait for the first
 *    snapshot, stay a random short while, drop and reconnect (with Last-Event-ID), aiming at
 *    `reconnectsPerSecond` in total, while `chargers` loops run hold + capture over HTTP. Prints
 *    charge p50/p99, a reconnect's snapshot p50/p99 (request sent → first balance event),
 *    reconnects/s achieved; then, charges stopped, every client's last stream must reach the
 *    account's exact final version, and no client may ever see a version lower than one it saw.
 * 2. Fan-out: `fanout` streams on one account (5 per token, the per-token cap) on one instance;
 *    `fanoutEvents` holds one at a time; per event, the time from sending the hold to its event
 *    on the first and on the last of the streams.
 *
 * Env: CUTLINE_BENCH_PG_URL (maintenance URL of a running cluster; else a throwaway one),
 * CUTLINE_BENCH_SECONDS (storm length, default 8), CUTLINE_BENCH_RECONNECTS (target/s, default 250).
 */
import http from 'node:http';
import os from 'node:os';
import pg from 'pg';
import { newSecret, sha256 } from '../src/service/kernel/ids';
import { Client } from './lib/http';
import { benchEntry, withPgBench } from './lib/pg-bench';
import { startServerProcess, type ServerProc } from './lib/server-proc';
import { ms, percentile, table } from './lib/stats';

const DAY = 86_400_000;
const device = { id: 'bench-streams', platform: 'desktop' as const };

export interface StreamBenchOptions {
  clusterUrl?: string;
  seconds?: number;
  clients?: number;
  accounts?: number;
  chargers?: number;
  reconnectsPerSecond?: number;
  fanout?: number;
  fanoutEvents?: number;
  log?: (msg: string) => void;
}

interface Account {
  id: string;
  tokens: string[];
}

/** `n` accounts with one large purchased batch each and `tokensEach` access tokens. */
async function seedAccounts(pool: pg.Pool, n: number, tokensEach: number, tag: string): Promise<Account[]> {
  const accounts = Array.from({ length: n }, (_, i) => ({ id: `u_${tag}_${i}`, tokens: Array.from({ length: tokensEach }, () => newSecret()) }));
  const now = Date.now();
  const ids = accounts.map((a) => a.id);
  await pool.query(
    `INSERT INTO users (id, email, password_hash, plan, billing, version, created_at)
     SELECT u, u || '@bench.cutline.test', 'bench:no-password-login', 'free', 'monthly', 0, $2 FROM unnest($1::text[]) AS u`,
    [ids, now],
  );
  await pool.query(
    `INSERT INTO batches (id, owner_kind, owner_id, type, amount, remaining, granted_at, expires_at, source)
     SELECT 'b_' || u, 'user', u, 'purchased', 10000000, 10000000, $2::bigint, $2::bigint + 730 * ${DAY}::bigint, 'bench' FROM unnest($1::text[]) AS u`,
    [ids, now],
  );
  const owners = accounts.flatMap((a) => a.tokens.map(() => a.id));
  const hashes = accounts.flatMap((a) => a.tokens.map((t) => sha256(t)));
  await pool.query(
    `INSERT INTO tokens (token_hash, kind, user_id, family_id, expires_at, created_at)
     SELECT h, 'access', u, 'f_' || h, $3, $4 FROM unnest($1::text[], $2::text[]) AS x(u, h)`,
    [owners, hashes, now + DAY, now],
  );
  await pool.query('ANALYZE');
  return accounts;
}

interface Stream {
  close(): void;
}

/**
 * A lean SSE reader: finds each `id: N` + `event: balance` frame and calls `onVersion`; `onEnd`
 * when the server ends the stream. No full SSE parser, so 1,000 of them cost the client little.
 */
function openStream(base: URL, token: string, lastEventId: number | null, onVersion: (v: number, at: number) => void, onEnd: () => void): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
    if (lastEventId !== null) headers['last-event-id'] = String(lastEventId);
    const req = http.request({ host: base.hostname, port: Number(base.port), path: '/v1/events', headers, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`/v1/events answered ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (chunk: string) => {
        const at = performance.now();
        buf += chunk;
        let end: number;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, end);
          buf = buf.slice(end + 2);
          if (!frame.includes('event: balance')) continue;
          const m = /^id: (\d+)$/m.exec(frame);
          if (m) onVersion(Number(m[1]), at);
        }
      });
      res.on('end', onEnd);
      res.on('error', () => undefined);
      resolve({ close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

async function charge(c: Client, token: string, key: string): Promise<number> {
  const h = await c.request('POST', '/v1/charges', { token, body: { tool: 'auto-captions', quantity: 1, device }, headers: { 'idempotency-key': key } });
  if (h.status !== 201) throw new Error(`hold answered ${h.status}: ${JSON.stringify(h.body)}`);
  const cap = await c.request('POST', `/v1/charges/${h.body.charge.id}/capture`, { token });
  if (cap.status !== 200) throw new Error(`capture answered ${cap.status}`);
  return cap.body.balance.version as number;
}

async function storm(servers: readonly ServerProc[], accounts: readonly Account[], o: Required<Omit<StreamBenchOptions, 'clusterUrl' | 'log'>>) {
  const bases = servers.map((s) => new URL(s.url));
  const meanDwell = (o.clients / o.reconnectsPerSecond) * 1000;
  const snapshots: number[] = [];
  const charges: number[] = [];
  let reconnects = 0;
  let refused = 0;
  let wentDown = 0;
  let stopStorm = false;
  let stopCharges = false;

  // Chargers: each its own account (round robin) and instance.
  const httpClients = servers.map((s) => new Client(s.url, o.chargers));
  const run = Math.random().toString(36).slice(2, 8); // idempotency keys unique per run
  const chargers = Array.from({ length: o.chargers }, async (_, j) => {
    let i = 0;
    while (!stopCharges) {
      const a = accounts[(j + i * o.chargers) % accounts.length];
      const t0 = performance.now();
      await charge(httpClients[j % httpClients.length], a.tokens[0], `s-${run}-${j}-${i}`);
      charges.push(performance.now() - t0);
      i++;
    }
  });

  // Stream clients: client k is account k % accounts, token 1 + floor(k / accounts), instance k % 2.
  interface ClientState {
    highest: number;
    current: Stream | null;
    waiters: ((v: number) => void)[];
  }
  const states: ClientState[] = [];
  const loops = Array.from({ length: o.clients }, async (_, k) => {
    const a = accounts[k % accounts.length];
    const token = a.tokens[1 + Math.floor(k / accounts.length)];
    const base = bases[k % bases.length];
    const st: ClientState = { highest: -1, current: null, waiters: [] };
    states[k] = st;
    await sleep(Math.random() * meanDwell); // spread the first connects
    while (true) {
      const t0 = performance.now();
      let first: (() => void) | null = null;
      const gotFirst = new Promise<void>((r) => (first = r));
      let firstSeen = false;
      let s: Stream;
      try {
        s = await openStream(
          base,
          token,
          st.highest >= 0 ? st.highest : null,
          (v, at) => {
            if (v < st.highest) wentDown++;
            st.highest = Math.max(st.highest, v);
            if (!firstSeen) {
              firstSeen = true;
              if (!stopStorm) snapshots.push(at - t0);
              first!();
            }
            for (const w of st.waiters) w(v);
          },
          () => first!(), // ended by the server: reconnect
        );
      } catch {
        refused++;
        await sleep(50);
        continue;
      }
      await gotFirst;
      if (stopStorm) {
        st.current = s; // the last stream: stays open until the final check
        return;
      }
      reconnects++;
      await sleep(meanDwell * (0.5 + Math.random()));
      s.close();
    }
  });

  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await sleep(o.seconds * 1000);
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const reconnectsDone = reconnects;
  stopCharges = true;
  await Promise.all(chargers);
  stopStorm = true;
  await Promise.all(loops);

  // Final check: every client's last stream reaches exactly its account's final version.
  const finals = new Map<string, number>();
  for (const a of accounts) {
    const b = await httpClients[0].request('GET', '/v1/balance', { token: a.tokens[0] });
    finals.set(a.id, b.body.version as number);
  }
  let exact = 0;
  let beyond = 0;
  await Promise.all(
    states.map(async (st, k) => {
      const final = finals.get(accounts[k % accounts.length].id)!;
      if (st.highest < final) {
        await Promise.race([
          new Promise<void>((r) => st.waiters.push((v) => v >= final && r())),
          sleep(10_000),
        ]);
      }
      await sleep(200); // anything past the final version would show up here
      if (st.highest === final) exact++;
      else if (st.highest > final) beyond++;
      st.current?.close();
    }),
  );
  for (const c of httpClients) c.close();
  return {
    seconds: elapsed / 1000,
    reconnectsPerSecond: (reconnectsDone * 1000) / elapsed,
    chargesPerSecond: (charges.length * 1000) / elapsed,
    charges,
    snapshots,
    refused,
    wentDown,
    exact,
    beyond,
    clients: o.clients,
    clientCpuShare: (cpu.user + cpu.system) / 1000 / elapsed,
  };
}

async function fanout(server: ProcLike, account: Account, streams: number, events: number) {
  const base = new URL(server.url);
  const arrivals = new Map<number, number[]>();
  const opened: Stream[] = [];
  let ready = 0;
  for (let i = 0; i < streams; i++) {
    const token = account.tokens[Math.floor(i / 5)];
    let seen = false;
    opened.push(
      await openStream(
        base,
        token,
        null,
        (v, at) => {
          if (!seen) {
            seen = true;
            ready++;
            return; // the first snapshot
          }
          let xs = arrivals.get(v);
          if (!xs) arrivals.set(v, (xs = []));
          xs.push(at);
        },
        () => undefined,
      ),
    );
  }
  while (ready < streams) await sleep(20);
  const c = new Client(server.url, 1);
  const first: number[] = [];
  const last: number[] = [];
  const afterAnswer: number[] = [];
  let incomplete = 0;
  try {
    for (let i = 0; i < events; i++) {
      const t0 = performance.now();
      const h = await c.request('POST', '/v1/charges', { token: account.tokens[0], body: { tool: 'auto-captions', quantity: 1, device }, headers: { 'idempotency-key': `f-${i}` } });
      const answered = performance.now();
      if (h.status !== 201) throw new Error(`hold answered ${h.status}`);
      const v = h.body.balance.version as number;
      const deadline = performance.now() + 5000;
      while ((arrivals.get(v)?.length ?? 0) < streams && performance.now() < deadline) await sleep(2);
      const xs = arrivals.get(v) ?? [];
      if (xs.length < streams) incomplete++;
      if (xs.length) {
        first.push(Math.min(...xs) - t0);
        last.push(Math.max(...xs) - t0);
        afterAnswer.push(Math.max(...xs) - answered);
      }
      await sleep(20);
    }
  } finally {
    c.close();
    for (const s of opened) s.close();
  }
  return { first, last, afterAnswer, incomplete };
}

type ProcLike = { url: string };

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

export async function benchStreams(opts: StreamBenchOptions = {}): Promise<string> {
  const o = {
    seconds: opts.seconds ?? 8,
    clients: opts.clients ?? 100,
    accounts: opts.accounts ?? 10,
    chargers: opts.chargers ?? 3,
    reconnectsPerSecond: opts.reconnectsPerSecond ?? 250,
    fanout: opts.fanout ?? 1000,
    fanoutEvents: opts.fanoutEvents ?? 100,
  };
  const log = opts.log ?? (() => undefined);
  const loadStart = load();
  return withPgBench({ clusterUrl: opts.clusterUrl, database: 'cutline_bench_streams', log }, async ({ url, pool, procs }) => {
    const tokensEach = 1 + Math.ceil(o.clients / o.accounts);
    const accounts = await seedAccounts(pool, o.accounts, tokensEach, 's');
    const [fanAccount] = await seedAccounts(pool, 1, Math.ceil(o.fanout / 5), 'f');
    const env = { CUTLINE_PG_POOL_MAX: '8', CUTLINE_SWEEP_MS: '60000', CUTLINE_ACCESS_TTL_S: '86400' };
    procs.push(await startServerProcess(url, env), await startServerProcess(url, env));

    log(`reconnect storm: ${o.clients} clients over ${o.accounts} accounts on 2 instances, target ${o.reconnectsPerSecond}/s, ${o.chargers} chargers, ${o.seconds} s`);
    const base = await storm(procs, accounts, { ...o, clients: 0, seconds: Math.min(3, o.seconds) });
    const s = await storm(procs, accounts, o);
    const loadAfterStorm = load();
    log(`fan-out: ${o.fanout} streams on one account, ${o.fanoutEvents} events`);
    const f = await fanout(procs[0], fanAccount, o.fanout, o.fanoutEvents);
    const loadEnd = load();

    const p = (xs: number[], q: number) => ms(percentile(xs, q));
    const lines = [
      `Cutline stream benchmark (PostgreSQL), ${new Date().toISOString()}`,
      `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}; load average (1/5/15 min) at start ${loadStart}, after the storm ${loadAfterStorm}, at end ${loadEnd}`,
      '',
      `1. Reconnect storm: ${o.clients} clients on ${o.accounts} accounts, 2 instances, ${o.chargers} chargers (hold + capture over HTTP), ${s.seconds.toFixed(1)} s`,
      table([
        ['measure', 'value', 'target'],
        ['reconnects/s achieved', s.reconnectsPerSecond.toFixed(0), '≥ 200'],
        ['baseline (same chargers, no streams, just before): charges/s', base.chargesPerSecond.toFixed(0), ''],
        ['baseline charge p50 / p99', `${p(base.charges, 50)} / ${p(base.charges, 99)}`, ''],
        ['charges/s during the storm', s.chargesPerSecond.toFixed(0), ''],
        ['charge (hold + capture) p50', p(s.charges, 50), ''],
        ['charge (hold + capture) p99', p(s.charges, 99), '≤ 100 ms'],
        ['charge p99 storm ÷ baseline', (percentile(s.charges, 99) / percentile(base.charges, 99)).toFixed(2), ''],
        ['reconnect → first snapshot p50', p(s.snapshots, 50), ''],
        ['reconnect → first snapshot p99', p(s.snapshots, 99), '≤ 100 ms'],
        ['connects refused (non-200)', String(s.refused), ''],
        ['this bench process (clients + chargers): CPU cores busy', s.clientCpuShare.toFixed(2), ''],
        ['clients whose last stream ended at the exact final version', `${s.exact} of ${s.clients}`, `${s.clients} of ${s.clients}`],
        ['clients that saw a version beyond the final one', String(s.beyond), '0'],
        ['versions lower than one already seen (any client)', String(s.wentDown), '0'],
      ]),
      '',
      `2. Fan-out: ${o.fanout} streams on one account (instance A), ${o.fanoutEvents} holds one at a time`,
      table([
        ['measure (hold sent → event)', 'p50', 'p99', 'target p99'],
        ['first stream', p(f.first, 50), p(f.first, 99), ''],
        ['last stream', p(f.last, 50), p(f.last, 99), '≤ 30 ms'],
        ['last stream, from the hold\'s answer', p(f.afterAnswer, 50), p(f.afterAnswer, 99), ''],
      ]),
      `Events that did not reach every stream within 5 s: ${f.incomplete}. The client (1,000 sockets in this process) shares the 2 cores with the service and PostgreSQL.`,
    ];
    return lines.join('\n');
  });
}

benchEntry(import.meta.url, () =>
  benchStreams({
    seconds: Number(process.env.CUTLINE_BENCH_SECONDS) || undefined,
    reconnectsPerSecond: Number(process.env.CUTLINE_BENCH_RECONNECTS) || undefined,
    log: (m) => process.stderr.write(`[bench:streams] ${m}\n`),
  }),
);
