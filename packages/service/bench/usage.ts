/**
 * `npm run bench:usage` — a month's usage on a long history (a benchmark: it prints figures and
 * asserts nothing). Two SQLite accounts with the same last month (1,000 ledger entries: ~330
 * captured charges) — one with nothing before it (1 k entries in all), one with 999,000 entries of
 * older history (1 M in all) — each served by the real service (in this process, its own
 * database). For each: `GET /v1/usage` of the last 30 days (groupBy=tool) and the same period's
 * `GET /v1/usage.csv`, sequential requests over keep-alive, p50 and p99, and the ratio 1 M / 1 k
 * (the target: ≤ 2). CUTLINE_BENCH_QUICK=1 shrinks the big history to 100,000 entries.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../src/start';
import { migrate, rawConnection, seedHistory, seedUsers, type BenchUser } from './lib/fixtures';
import { Client } from './lib/http';
import { ms, ratio, summarize, table, timeEach, type Summary } from './lib/stats';

const DAY = 86_400_000;
const MONTH_ENTRIES = 1000;
const quick = process.env.CUTLINE_BENCH_QUICK === '1';
const BIG = quick ? 100_000 : 1_000_000;
const SAMPLES = quick ? 100 : 400;

interface Account {
  label: string;
  entries: number;
  path: string;
  user: BenchUser;
  buildMs: number;
}

function build(dir: string, label: string, older: number): Promise<Account> {
  return (async () => {
    const path = join(dir, `${label}.db`);
    await migrate(path);
    const t0 = performance.now();
    const c = rawConnection(path);
    const [user] = seedUsers(c, 1, 1, 1000);
    const now = Date.now();
    let entries = 0;
    if (older) entries += seedHistory(c, user.id, older, { start: now - 760 * DAY, end: now - 31 * DAY }).entries;
    entries += seedHistory(c, user.id, MONTH_ENTRIES, { start: now - 29 * DAY, end: now - 60_000 }).entries;
    c.pragma('wal_checkpoint(TRUNCATE)');
    c.close();
    return { label, entries, path, user, buildMs: performance.now() - t0 };
  })();
}

async function measure(a: Account): Promise<{ json: Summary; csv: Summary; total: unknown; lines: number }> {
  const server: RunningServer = await startServer({ port: 0, db: a.path, quiet: true, sweepMs: 600_000 });
  const client = new Client(server.url, 2);
  try {
    const to = Date.now();
    const query = `from=${new Date(to - 30 * DAY).toISOString()}&to=${new Date(to).toISOString()}`;
    const json = () => client.request('GET', `/v1/usage?${query}&groupBy=tool`, { token: a.user.token });
    const csv = () => client.request('GET', `/v1/usage.csv?${query}`, { token: a.user.token });
    const first = await json();
    if (first.status !== 200) throw new Error(`usage answered ${first.status}: ${JSON.stringify(first.body)}`);
    const lines = String((await csv()).body).split('\r\n').length - 2;
    await timeEach(50, json); // warm-up
    await timeEach(20, csv);
    return { json: summarize(await timeEach(SAMPLES, json)), csv: summarize(await timeEach(Math.ceil(SAMPLES / 4), csv)), total: first.body.total, lines };
  } finally {
    client.agent.destroy();
    await server.close();
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'cutline-bench-usage-'));
  try {
    const small = await build(dir, 'small', 0);
    const big = await build(dir, 'big', BIG - MONTH_ENTRIES);
    console.log(`built: ${small.entries.toLocaleString('en-US')} entries in ${(small.buildMs / 1000).toFixed(1)} s, ${big.entries.toLocaleString('en-US')} in ${(big.buildMs / 1000).toFixed(1)} s`);
    // Alternate which goes first, so drift affects both alike.
    const a1 = await measure(small);
    const b1 = await measure(big);
    const b2 = await measure(big);
    const a2 = await measure(small);
    const best = (x: Summary, y: Summary): Summary => (x.p50 <= y.p50 ? x : y);
    const s = { json: best(a1.json, a2.json), csv: best(a1.csv, a2.csv) };
    const b = { json: best(b1.json, b2.json), csv: best(b1.csv, b2.csv) };
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}, SQLite, ${new Date().toISOString().slice(0, 10)}`);
    console.log(`the month: ${JSON.stringify(a1.total)} (1 k account), ${JSON.stringify(b1.total)} (1 M account); CSV lines ${a1.lines} / ${b1.lines}`);
    console.log(
      table([
        ['request (last 30 days)', '1 k p50', '1 k p99', `${big.entries >= 1e6 ? '1 M' : `${big.entries / 1000} k`} p50`, 'p99', 'ratio p50'],
        ['GET /v1/usage?groupBy=tool', ms(s.json.p50), ms(s.json.p99), ms(b.json.p50), ms(b.json.p99), ratio(b.json.p50 / s.json.p50)],
        ['GET /v1/usage.csv', ms(s.csv.p50), ms(s.csv.p99), ms(b.csv.p50), ms(b.csv.p99), ratio(b.csv.p50 / s.csv.p50)],
      ]),
    );
    console.log(`target: ratio ≤ 2 (${SAMPLES} JSON and ${Math.ceil(SAMPLES / 4)} CSV requests per account and run; the better of two runs each)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
