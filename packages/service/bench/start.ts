/**
 * `npm run bench:start`: how long `npm run server` takes to its ready line and
 * `npm run device -- balance` takes to finish, each spawned as a new process, built
 * (scripts/run-built.mjs, as the npm scripts run them) vs through tsx (`server:dev`,
 * `device:dev`), alternating in the same run. The build is made fresh first, so no sample
 * includes a rebuild. Bounded: `CUTLINE_BENCH_ROUNDS` rounds (default 5). Prints the machine's
 * load; asserts nothing.
 *
 * The timed server starts run on a new temp SQLite file without the demo seed; the device signs in once as the
 * demo Pro account (the real OAuth flow) into a temp $CUTLINE_DEVICE_HOME, then each `balance`
 * is one process: load the CLI, read the stored session, GET /v1/balance, print.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ms, percentile, table } from './lib/stats';

/** The repository root: `scripts/run-built.mjs` and the hoisted node_modules are there. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

interface Timed {
  ms: number;
  out: string;
}

/** Spawns `cmd args`; resolves when `ready` matches stdout (then kills it) or when it exits 0. */
function timeProcess(cmd: string, args: string[], env: Record<string, string>, ready?: RegExp): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let done = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (ready && !done && ready.test(out)) {
        done = true;
        const t = performance.now() - t0;
        child.once('exit', () => resolve({ ms: t, out }));
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => {
      if (done) return;
      if (!ready && code === 0) resolve({ ms: performance.now() - t0, out });
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${err}`));
    });
  });
}

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

export async function benchStart(rounds = 5): Promise<string> {
  const loadStart = load();
  const dir = mkdtempSync(join(os.tmpdir(), 'cutline-bench-start-'));
  // The timed starts run as production does: a new SQLite file (migrations applied), no demo seed
  // (its scrypt password hashes are a development convenience); the device's server has the seed.
  const serverEnv = (db: string, seed = false) => ({ PORT: '0', CUTLINE_DB: join(dir, db), ...(seed ? { CUTLINE_SEED: 'demo' } : {}) });
  const readyLine = /cutline-server listening on (http:\/\/\S+)/;
  const built: number[] = [];
  const tsx: number[] = [];
  const balBuilt: number[] = [];
  const balTsx: number[] = [];
  let running: import('node:child_process').ChildProcess | null = null;
  try {
    // A fresh build outside the samples (and the server the device talks to).
    await timeProcess(process.execPath, ['scripts/run-built.mjs', 'device', '--help'], {});
    const url = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['scripts/run-built.mjs', 'server'], { cwd: ROOT, env: { ...process.env, ...serverEnv('device.db', true) }, stdio: ['ignore', 'pipe', 'pipe'] });
      running = child;
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = readyLine.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
    });
    const deviceEnv = { CUTLINE_SERVICE_URL: url, CUTLINE_DEVICE_HOME: join(dir, 'device-home'), CUTLINE_DEVICE_EMAIL: 'pro@cutline.test' };
    await timeProcess(process.execPath, ['scripts/run-built.mjs', 'device', 'signin', '--email', 'pro@cutline.test'], deviceEnv);

    for (let i = 0; i < rounds; i++) {
      built.push((await timeProcess(process.execPath, ['scripts/run-built.mjs', 'server'], serverEnv(`b${i}.db`), readyLine)).ms);
      tsx.push((await timeProcess(TSX, ['packages/service/src/main.ts'], serverEnv(`t${i}.db`), readyLine)).ms);
      const b = await timeProcess(process.execPath, ['scripts/run-built.mjs', 'device', 'balance'], deviceEnv);
      if (!/\d/.test(b.out)) throw new Error(`device balance printed no balance:\n${b.out}`);
      balBuilt.push(b.ms);
      balTsx.push((await timeProcess(TSX, ['packages/device-cli/src/device.ts', 'balance'], deviceEnv)).ms);
    }
  } finally {
    (running as import('node:child_process').ChildProcess | null)?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    rmSync(dir, { recursive: true, force: true });
  }
  const row = (name: string, xs: number[], target: string) => [name, ms(percentile(xs, 50)), ms(Math.min(...xs)), ms(Math.max(...xs)), target];
  return [
    `Cutline start-up benchmark, ${new Date().toISOString()}, ${rounds} rounds (each kind alternating)`,
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}; load average (1/5/15 min) at start ${loadStart}, at end ${load()}`,
    table([
      ['process (spawn → …)', 'median', 'min', 'max', 'target'],
      row('npm run server: built → ready line', built, '≤ 1.5 s'),
      row('server through tsx → ready line', tsx, ''),
      row('npm run device -- balance: built → exit', balBuilt, '≤ 1.5 s'),
      row('device balance through tsx → exit', balTsx, ''),
    ]),
    `built ÷ tsx (median): server ${(percentile(built, 50) / percentile(tsx, 50)).toFixed(2)}, device balance ${(percentile(balBuilt, 50) / percentile(balTsx, 50)).toFixed(2)}. Spawned with node directly (npm's own start, ~0.2–0.4 s, is not included).`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchStart(Number(process.env.CUTLINE_BENCH_ROUNDS) || undefined)
    .then((r) => process.stdout.write(`${r}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    });
}
