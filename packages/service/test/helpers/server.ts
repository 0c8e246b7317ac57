/** Starts the real credit service on a free port with a fresh temp database (SQLite by default). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer, type ServerOptions } from '../../src/start';
import { createDatabase, dropDatabase } from './pg';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestServer extends RunningServer {
  adminToken: string;
  dbPath: string;
  dir: string;
  /** Where this server keeps crash reports (inside `dir`). */
  crashReportsDir: string;
  /** The mails it printed (no SMTP server configured), one `cutline-mail …` line each, oldest first. */
  printedMail: string[];
}

export async function startTestServer(opts: Partial<ServerOptions> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'cutline-test-'));
  // CUTLINE_TEST_STORE=postgres: a fresh database in the run's PostgreSQL cluster, dropped at close.
  const pgDb = !opts.db && !process.env.CUTLINE_TEST_DB && process.env.CUTLINE_TEST_STORE === 'postgres' ? await createDatabase() : null;
  const dbPath = opts.db ?? process.env.CUTLINE_TEST_DB ?? pgDb ?? join(dir, 'credits.db');
  const crashReportsDir = opts.crashReportsDir ?? join(dir, 'crash-reports');
  const printedMail: string[] = [];
  const server = await startServer({ port: 0, seed: 'demo', adminToken: ADMIN_TOKEN, quiet: true, printMail: (line) => printedMail.push(line), ...opts, db: dbPath, crashReportsDir });
  const close = server.close;
  return {
    ...server,
    adminToken: ADMIN_TOKEN,
    dbPath,
    dir,
    crashReportsDir,
    printedMail,
    async close() {
      const report = await close();
      if (pgDb) await dropDatabase(pgDb);
      rmSync(dir, { recursive: true, force: true });
      return report;
    },
  };
}
