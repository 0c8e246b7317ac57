/**
 * A throwaway PostgreSQL cluster for tests and the benchmark (scripts/pg-cluster.sh does the
 * work: initdb + pg_ctl on a free loopback port under a temp dir), and fresh databases in it.
 *
 * The cluster of a test run: env CUTLINE_TEST_PG_URL (set by .ci/run, or by the vitest global
 * setup, which starts one when it is not set).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../scripts/pg-cluster.sh');

export interface PgCluster {
  /** postgres://postgres@127.0.0.1:PORT/postgres — the maintenance database. */
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/** Starts a cluster; `durable` keeps fsync on (for measuring), otherwise it is tuned for throwaway data. */
export async function startPgCluster(opts: { durable?: boolean } = {}): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'cutline-pg-'));
  const args = [SCRIPT, 'start', dir, ...(opts.durable ? ['--durable'] : [])];
  const { stdout } = await run('bash', args, { timeout: 300_000 });
  const url = stdout.trim().split('\n').pop()!;
  if (!/^postgres:\/\//.test(url)) throw new Error(`pg-cluster.sh printed no URL: ${stdout}`);
  let stopped: Promise<void> | null = null;
  return {
    url,
    dir,
    stop() {
      stopped ??= run('bash', [SCRIPT, 'stop', dir], { timeout: 120_000 }).then(() => undefined);
      return stopped;
    },
  };
}

/** The test run's cluster (see the file comment). */
export function testClusterUrl(): string {
  const url = process.env.CUTLINE_TEST_PG_URL;
  if (!url) throw new Error('CUTLINE_TEST_PG_URL is not set: run the tests through vitest (its global setup starts a cluster) or start one with scripts/pg-cluster.sh');
  return url;
}

/** The URL of database `name` on the same server as `url`. */
export function databaseUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs `fn` on a single connection to `url`. */
export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Creates an empty database with a unique name; returns its URL. */
export async function createDatabase(clusterUrl = testClusterUrl(), prefix = 'cutline_t'): Promise<string> {
  const name = `${prefix}_${process.pid}_${randomBytes(5).toString('hex')}`;
  await withClient(clusterUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  return databaseUrl(clusterUrl, name);
}

/** Drops a database made by `createDatabase`, ending any connection still open to it. */
export async function dropDatabase(dbUrl: string): Promise<void> {
  const name = new URL(dbUrl).pathname.slice(1);
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`refusing to drop database "${name}"`);
  await withClient(databaseUrl(dbUrl, 'postgres'), (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}
