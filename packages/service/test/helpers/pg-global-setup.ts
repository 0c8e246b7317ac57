/**
 * vitest global setup: one throwaway PostgreSQL cluster per test run, for the PostgreSQL tests
 * (test/server/pg-*.test.ts) and for the integration suite run with CUTLINE_TEST_STORE=postgres.
 * Each test file (or test server) makes its own database in it. When CUTLINE_TEST_PG_URL is
 * already set (.ci/run starts the cluster with scripts/pg-cluster.sh), that cluster is used.
 */
import { startPgCluster } from './pg';

export default async function setup(): Promise<(() => Promise<void>) | void> {
  if (process.env.CUTLINE_TEST_PG_URL) return;
  const cluster = await startPgCluster();
  // Workers are started after global setup and inherit the environment.
  process.env.CUTLINE_TEST_PG_URL = cluster.url;
  return async () => {
    await cluster.stop();
  };
}
