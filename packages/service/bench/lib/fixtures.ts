/**
 * Bench accounts written straight into the database (the service's own schema, after its
 * migrations): users, live batches, bearer tokens, and — for the history benchmark — a long
 * past of ledger entries, captured charges with their allocations and spent-out batches, each
 * kind inserted with one prepared statement in one transaction.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { newSecret, sha256 } from '../../src/service/kernel/ids';
import { openSqlite } from '../../src/db/sqlite';

const DAY = 86_400_000;

/** Creates the file and applies the service's migrations (through the service's own opener). */
export async function migrate(path: string): Promise<void> {
  const db = await openSqlite(path);
  await db.close();
}

/** A raw connection for bulk loading; the caller closes it. */
export function rawConnection(path: string): Database.Database {
  const c = new Database(path);
  c.pragma('journal_mode = WAL');
  c.pragma('synchronous = FULL');
  c.pragma('foreign_keys = ON');
  return c;
}

export interface BenchUser {
  id: string;
  token: string;
}

const uid = (prefix: string, i: number) => `${prefix}_${i.toString(36).padStart(6, '0')}_${randomBytes(4).toString('hex')}`;

/**
 * `users` free-plan accounts, each with `batchesPerUser` activity batches of `batchSize` credits,
 * all with different expiries (so the spending order is total), and a bearer access token.
 */
export function seedUsers(c: Database.Database, users: number, batchesPerUser: number, batchSize: number): BenchUser[] {
  const now = Date.now();
  const insUser = c.prepare(
    `INSERT INTO users (id, email, password_hash, plan, billing, team_id, pro_uses_remaining, pro_uses_per_cycle, exchanged,
      cycle_started_at, cycle_ends_at, version, created_at) VALUES (?, ?, 'bench:no-password-login', 'free', 'monthly', NULL, NULL, NULL, 0, NULL, NULL, 0, ?)`,
  );
  const insBatch = c.prepare(
    `INSERT INTO batches (id, owner_kind, owner_id, type, amount, remaining, granted_at, expires_at, source)
     VALUES (?, 'user', ?, 'activity', ?, ?, ?, ?, 'bench')`,
  );
  const insToken = c.prepare(
    "INSERT INTO tokens (token_hash, kind, user_id, family_id, expires_at, created_at) VALUES (?, 'access', ?, ?, ?, ?)",
  );
  const out: BenchUser[] = [];
  c.transaction(() => {
    for (let u = 0; u < users; u++) {
      const id = uid('u', u);
      insUser.run(id, `${id}@bench.cutline.test`, now);
      for (let b = 0; b < batchesPerUser; b++) insBatch.run(uid('b', u * batchesPerUser + b), id, batchSize, batchSize, now, now + 30 * DAY + b * 60_000);
      const token = newSecret();
      insToken.run(sha256(token), id, uid('f', u), now + DAY, now);
      out.push({ id, token });
    }
  })();
  return out;
}

/** One more access token for `userId` (another device of the same account). */
export function addToken(c: Database.Database, userId: string): string {
  const token = newSecret();
  const now = Date.now();
  c.prepare("INSERT INTO tokens (token_hash, kind, user_id, family_id, expires_at, created_at) VALUES (?, 'access', ?, ?, ?, ?)").run(
    sha256(token),
    userId,
    uid('f', 0),
    now + DAY,
    now,
  );
  return token;
}

export interface HistoryShape {
  entries: number;
  charges: number;
  spentBatches: number;
}

/**
 * Gives `userId` a past of `entries` ledger entries: past charges (hold + capture of one batch
 * each: 2 entries, 1 allocation) over spent-out batches (remaining 0: granted, used up, some
 * long expired), each batch's grant entry, and the charges' rows. Times run over the last
 * two years (or `span`), oldest first, so `seq` follows `at` as it would in real life.
 */
export function seedHistory(c: Database.Database, userId: string, entries: number, span?: { start: number; end: number }): HistoryShape {
  // Each spent batch: 1 grant entry + 5 charges × 2 entries = 11 entries.
  const chargesPerBatch = 5;
  const perBatch = 1 + 2 * chargesPerBatch;
  const spentBatches = Math.floor(entries / perBatch);
  const now = Date.now();
  const start = span?.start ?? now - 730 * DAY;
  const step = ((span?.end ?? now) - start) / entries;
  const insLedger = c.prepare(
    `INSERT INTO ledger (scope_id, user_id, at, kind, amount, unit, type, batch_id, charge_id, tool, device_id, device_platform)
     VALUES (?, ?, ?, ?, ?, 'credits', 'activity', ?, ?, ?, ?, ?)`,
  );
  const insBatch = c.prepare(
    `INSERT INTO batches (id, owner_kind, owner_id, type, amount, remaining, granted_at, expires_at, source, expire_logged)
     VALUES (?, 'user', ?, 'activity', ?, 0, ?, ?, 'bench:history', ?)`,
  );
  const insCharge = c.prepare(
    `INSERT INTO charges (id, user_id, idem_key, request_hash, tool, quantity, cost, uses_pro_use, pro_uses, status,
      release_reason, hold_expires_at, created_at, settled_at, device_id, device_platform)
     VALUES (?, ?, ?, 'bench', 'remove-background', 1, 5, 0, 0, 'captured', NULL, ?, ?, ?, 'bench-device', 'desktop')`,
  );
  const insAlloc = c.prepare("INSERT INTO allocations (charge_id, batch_id, type, amount, ord) VALUES (?, ?, 'activity', 5, 0)");
  let n = 0;
  let charges = 0;
  const tag = randomBytes(3).toString('hex');
  c.transaction(() => {
    for (let b = 0; b < spentBatches; b++) {
      const batchId = `b_h${tag}_${b}`;
      const grantedAt = start + n * step;
      // Half long expired, half still valid but used up: neither is live.
      const expiresAt = b % 2 === 0 ? grantedAt + 90 * DAY : now + 365 * DAY;
      insBatch.run(batchId, userId, 5 * chargesPerBatch, grantedAt, expiresAt, b % 2 === 0 ? 1 : 0);
      insLedger.run(userId, userId, grantedAt, 'grant', 5 * chargesPerBatch, batchId, null, null, null, null);
      n++;
      for (let k = 0; k < chargesPerBatch; k++) {
        const chargeId = `ch_h${tag}_${charges++}`;
        const at = start + n * step;
        insCharge.run(chargeId, userId, `hist-${chargeId}`, at + 900_000, at, at + 1000);
        insAlloc.run(chargeId, batchId);
        insLedger.run(userId, userId, at, 'hold', 5, batchId, chargeId, 'remove-background', 'bench-device', 'desktop');
        insLedger.run(userId, userId, at + 1000, 'capture', 5, batchId, chargeId, 'remove-background', 'bench-device', 'desktop');
        n += 2;
      }
    }
    // Top up to exactly `entries` with grant entries of the first spent batch.
    while (n < entries) {
      insLedger.run(userId, userId, start + n * step, 'grant', 1, `b_h${tag}_0`, null, null, null, null);
      n++;
    }
    c.prepare('UPDATE users SET version = version + ? WHERE id = ?').run(charges * 2 + spentBatches, userId);
  })();
  return { entries: n, charges, spentBatches };
}
