/**
 * The frame of every PostgreSQL benchmark: a cluster (CUTLINE_BENCH_PG_URL, a running cluster's
 * maintenance URL; else a throwaway one, fsync on), a fresh database migrated by the service,
 * a small pool on it and the service processes the run starts — all torn down at the end, whatever
 * happened — and the command-line entry that prints the result or the error.
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { openPostgres, pgTypes } from '../../src/db/postgres';
import { createDatabase, dropDatabase, startPgCluster, type PgCluster } from '../../test/helpers/pg';
import type { ServerProc } from './server-proc';

export interface PgBench {
  /** The benchmark's database (migrated). */
  url: string;
  /** Two connections on it, for seeding and side queries. */
  pool: pg.Pool;
  /** Service processes started by the run: stopped at the end. */
  procs: ServerProc[];
}

export async function withPgBench<T>(
  opts: { clusterUrl?: string; database: string; log: (msg: string) => void },
  run: (b: PgBench) => Promise<T>,
): Promise<T> {
  let cluster: PgCluster | null = null;
  let clusterUrl = opts.clusterUrl ?? process.env.CUTLINE_BENCH_PG_URL;
  if (!clusterUrl) {
    opts.log('starting a throwaway PostgreSQL cluster (fsync on)');
    cluster = await startPgCluster({ durable: true });
    clusterUrl = cluster.url;
  }
  const url = await createDatabase(clusterUrl, opts.database);
  const pool = new pg.Pool({ connectionString: url, max: 2, types: pgTypes() });
  const procs: ServerProc[] = [];
  try {
    await (await openPostgres(url, { poolMax: 1 })).close(); // applies the migrations
    return await run({ url, pool, procs });
  } finally {
    for (const p of procs) await p.stop();
    await pool.end();
    await dropDatabase(url);
    await cluster?.stop();
  }
}

/** Runs `main` when `moduleUrl` is the script node was started with: prints what it returns, or the error (exit 1). */
export function benchEntry(moduleUrl: string, main: () => Promise<string>): void {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  main()
    .then((out) => process.stdout.write(`${out}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    });
}
