/**
 * `npm run audit -- --db <sqlite path | postgres url>`: recomputes the books from the ledger and
 * prints a summary. Exit 0 when they add up, 1 on any drift, 2 for bad arguments or no database.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { describeReport, auditDb } from './service/audit';
import { openDb } from './start';

async function main(): Promise<number> {
  let db: string | undefined;
  try {
    ({ values: { db } } = parseArgs({ options: { db: { type: 'string' } }, strict: true }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\nusage: npm run audit -- --db <sqlite path | postgres://…>\n`);
    return 2;
  }
  if (!db) {
    process.stderr.write('usage: npm run audit -- --db <sqlite path | postgres://…>\n');
    return 2;
  }
  const isPg = /^postgres(ql)?:\/\//.test(db);
  if (!isPg && !existsSync(db)) {
    process.stderr.write(`no database at ${db}\n`);
    return 2;
  }
  const books = await openDb(db);
  try {
    const report = await auditDb(books, Date.now());
    process.stdout.write(`${describeReport(report)}\n`);
    return report.ok ? 0 : 1;
  } finally {
    await books.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`audit failed: ${(e as Error).message}\n`);
    process.exit(2);
  },
);
