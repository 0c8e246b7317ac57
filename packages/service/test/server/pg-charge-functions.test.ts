/**
 * Migration 5 replaced the PostgreSQL step functions with lean ones (db/migrations/005-lean-pg-steps.ts):
 * they must answer, write and lock exactly as the functions of migrations 3 and 4 did. One
 * scripted team session — own subscription, the pool, a teammate, a mixed charge, a refused
 * release, a release after a pool batch expired, a lapsed hold, Pro uses, a replay, a key
 * reused for another request, a refused hold, a quote, unknown user and charge — is called on
 * the functions directly (fixed ids and times) in a database stopped at migration 4, in one
 * migrated to the latest, and in one upgraded from 4 in the middle of the session (a hold taken
 * by the old functions is captured by the new). Every step's whole answer (event payloads byte
 * for byte) and every row left behind must be the same.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { MIGRATIONS } from '../../src/db/migrations';
import { migratePostgres } from '../../src/db/pg-migrate';
import { createDatabase, dropDatabase, withClient } from '../helpers/pg';

const MIN = 60_000;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 3, 1, 9);
const UP_TO_4 = MIGRATIONS.filter((m) => m.version <= 4);

async function seed(c: pg.ClientBase): Promise<void> {
  await c.query("INSERT INTO teams (id, name, credits_per_cycle, cycle_days, cycle_started_at, cycle_ends_at, created_at) VALUES ('t_1', 'Crew', 35, 30, 0, $1, 0)", [NOW + 20 * DAY]);
  for (const id of ['u_a', 'u_m', 'u_z']) {
    await c.query("INSERT INTO users (id, email, password_hash, plan, billing, team_id, created_at) VALUES ($1, $2, 'x', 'team', 'monthly', 't_1', 0)", [id, `${id}@crew.test`]);
  }
  await c.query(
    "INSERT INTO users (id, email, password_hash, plan, billing, pro_uses_remaining, pro_uses_per_cycle, created_at) VALUES ('u_p', 'u_p@solo.test', 'x', 'pro', 'monthly', 2, 5, 0)",
  );
  // A solo account with a "quoted" source, to see strings escaped the same way.
  await c.query("INSERT INTO users (id, email, password_hash, plan, billing, created_at) VALUES ('u_s', 'u_s@solo.test', 'x', 'free', 'monthly', 0)");
  const batches: [string, string, string, string, number, number | null, string][] = [
    ['b_own_sub', 'user', 'u_m', 'subscription', 5, NOW + 5 * MIN, 'test'],
    ['b_pool_soon', 'team', 't_1', 'subscription', 5, NOW + 10 * MIN, 'test'],
    ['b_pool', 'team', 't_1', 'subscription', 30, NOW + 20 * DAY, 'test'],
    ['b_act', 'user', 'u_m', 'activity', 10, NOW + 7 * DAY, 'test'],
    ['b_pur', 'user', 'u_m', 'purchased', 20, null, 'test'],
    ['b_s1', 'user', 'u_s', 'purchased', 4, null, 'pack "small" \\ été'],
    ['b_s2', 'user', 'u_s', 'activity', 3, NOW + DAY, 'test'],
    ['b_s3', 'user', 'u_s', 'activity', 2, NOW + DAY, 'test'],
  ];
  for (const [id, kind, owner, type, amount, expires, source] of batches) {
    await c.query(
      'INSERT INTO batches (id, owner_kind, owner_id, type, amount, remaining, granted_at, expires_at, source) VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8)',
      [id, kind, owner, type, amount, NOW - DAY, expires, source],
    );
  }
}

type Step = (c: pg.ClientBase) => Promise<unknown>;
const row = async (c: pg.ClientBase, sql: string, params: unknown[]) => (await c.query(`SELECT row_to_json(s)::text AS r FROM ${sql} s`, params)).rows[0].r as string;
const hold = (user: string, key: string, hash: string, id: string, tool: string, cost: number, now: number, qty = 1): Step => (c) =>
  row(c, 'cutline_hold($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)', [user, key, hash, id, tool, qty, cost, true, 'phone-1', 'mobile', now + 15 * MIN, now]);
const capture = (user: string, id: string, now: number): Step => (c) => row(c, 'cutline_capture($1, $2, $3)', [user, id, now]);
const release = (user: string, id: string, reason: string, now: number): Step => (c) => row(c, 'cutline_release($1, $2, $3, $4)', [user, id, reason, now]);
const quote = (user: string, qty: number, cost: number, now: number): Step => (c) => row(c, 'cutline_quote($1, $2, $3, $4, $5)', [user, qty, cost, true, now]);

const T1 = NOW + 11 * MIN; // b_pool_soon has expired
const T2 = T1 + 16 * MIN; // the 'lapse' hold has lapsed
const SESSION: Step[] = [
  hold('u_m', 'k-own', 'h1', 'ch_own', 'remove-background', 5, NOW),
  capture('u_m', 'ch_own', NOW),
  hold('u_m', 'k-pool', 'h2', 'ch_pool', 'ai-image', 20, NOW),
  hold('u_z', 'k-mate', 'h3', 'ch_mate', 'premium-voiceover', 10, NOW),
  capture('u_z', 'ch_mate', NOW),
  hold('u_m', 'k-mixed', 'h4', 'ch_mixed', 'ai-portrait', 15, NOW),
  hold('u_s', 'k-solo', 'h9', 'ch_solo', 'ai-portrait', 6, NOW), // activity 3 + 2 (same expiry and grant: by id), then 1 purchased
  // The session is upgraded here in the third database: what follows runs on the new functions.
  capture('u_m', 'ch_mixed', NOW),
  release('u_m', 'ch_mixed', 'failed', NOW), // refused: captured
  release('u_m', 'ch_pool', 'failed', T1), // 15 back to b_pool, b_pool_soon's 5 expire
  capture('u_m', 'ch_pool', T1), // refused: released
  release('u_s', 'ch_solo', 'cancelled', T1),
  hold('u_m', 'k-lapse', 'h5', 'ch_lapse', 'premium-voiceover', 10, T1),
  capture('u_m', 'ch_lapse', T2), // lapsed: released as expired, refused
  hold('u_p', 'k-pro', 'h6', 'ch_pro', 'auto-captions', 3, T2),
  release('u_p', 'ch_pro', 'failed', T2), // a Pro use back
  hold('u_p', 'k-pro2', 'h7', 'ch_pro2', 'auto-captions', 3, T2),
  capture('u_p', 'ch_pro2', T2),
  capture('u_p', 'ch_pro2', T2), // already captured: the balance as it stands
  hold('u_m', 'k-own', 'h1', 'ch_other', 'remove-background', 5, T2), // a replay: writes nothing
  hold('u_m', 'k-own', 'h-else', 'ch_other', 'remove-background', 5, T2), // the key with another request
  hold('u_m', 'k-big', 'h8', 'ch_big', 'script-to-video', 500, T2), // insufficient
  quote('u_m', 1, 20, T2),
  quote('u_p', 1, 3, T2),
  quote('u_s', 1, 60, T2),
  hold('u_nobody', 'k', 'h', 'ch_x', 'remove-background', 5, T2),
  capture('u_m', 'ch_missing', T2),
];
const UPGRADE_AT = 7;

/**
 * Columns later migrations added to `charges` (9: the project), which these functions never write:
 * the database at migration 4 lacks them, the others hold null. They are left out of the
 * comparison (and must be null); everything else, event payloads byte for byte, is compared.
 */
const LATER_CHARGE_COLUMNS = ['project_id', 'project_name'];
function withoutLaterColumns(charge: Record<string, unknown>): Record<string, unknown> {
  const out = { ...charge };
  for (const k of LATER_CHARGE_COLUMNS) {
    expect(out[k] ?? null).toBeNull();
    delete out[k];
  }
  return out;
}
const comparableAnswer = (a: string): string => {
  const parsed = JSON.parse(a) as { charge?: Record<string, unknown> | null };
  return parsed.charge ? JSON.stringify({ ...parsed, charge: withoutLaterColumns(parsed.charge) }) : a;
};

const TABLES = {
  ledger: 'SELECT * FROM ledger ORDER BY seq',
  events: 'SELECT user_id, version, at, payload, balance, cause, seqs FROM events ORDER BY user_id, version',
  users: 'SELECT id, version, held, pro_uses_remaining FROM users ORDER BY id',
  batches: 'SELECT id, remaining FROM batches ORDER BY id',
  charges: 'SELECT * FROM charges ORDER BY id',
  allocations: 'SELECT * FROM allocations ORDER BY charge_id, ord',
};

/** Runs the session in a new database migrated to `first`, applying every migration before step `upgradeAt`. */
async function session(first: typeof MIGRATIONS, upgradeAt: number | null): Promise<{ answers: string[]; tables: Record<string, unknown[]>; versions: number[] }> {
  const url = await createDatabase();
  try {
    return await withClient(url, async (c) => {
      await migratePostgres(c, first);
      await seed(c);
      const answers: string[] = [];
      for (const [i, step] of SESSION.entries()) {
        if (i === upgradeAt) await migratePostgres(c);
        answers.push(comparableAnswer(String(await step(c))));
      }
      const tables: Record<string, unknown[]> = {};
      for (const [name, sql] of Object.entries(TABLES)) tables[name] = (await c.query(sql)).rows;
      tables.charges = (tables.charges as Record<string, unknown>[]).map(withoutLaterColumns);
      const versions = (await c.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
      return { answers, tables, versions };
    });
  } finally {
    await dropDatabase(url);
  }
}

describe('the step functions of migration 5', () => {
  const runs: Record<string, Awaited<ReturnType<typeof session>>> = {};
  afterAll(() => Object.keys(runs).forEach((k) => delete runs[k]));

  it('answer and write byte for byte what the functions of migrations 3 and 4 did, also across an upgrade mid-session', async () => {
    runs.old = await session(UP_TO_4, null);
    runs.lean = await session(MIGRATIONS, null);
    runs.upgraded = await session(UP_TO_4, UPGRADE_AT);
    expect(runs.old.versions).toEqual([1, 2, 3, 4]);
    expect(runs.lean.versions).toEqual(MIGRATIONS.map((m) => m.version));
    expect(runs.upgraded.versions).toEqual(MIGRATIONS.map((m) => m.version));

    // The session does what it says: every outcome, in order.
    const outcomes = runs.old.answers.map((a) => (JSON.parse(a) as { outcome: string }).outcome);
    expect(outcomes).toEqual([
      'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'captured', 'ok', 'lapsed', 'ok', 'ok', 'lapsed', 'ok', 'ok', 'ok', 'ok', 'ok',
      'replayed', 'mismatch', 'insufficient', 'covered', 'pro_uses', 'short', 'no_user', 'no_charge',
    ]);
    // Events for every member of the team when the pool moved, and entries in both histories.
    expect((runs.old.tables.events as { user_id: string }[]).filter((e) => e.user_id === 'u_a').length).toBeGreaterThan(3);
    expect((runs.old.tables.ledger as { kind: string }[]).some((l) => l.kind === 'expire')).toBe(true);

    for (const other of [runs.lean, runs.upgraded]) {
      other.answers.forEach((a, i) => expect({ step: i, answer: a }).toEqual({ step: i, answer: runs.old.answers[i] }));
      for (const name of Object.keys(TABLES)) expect({ name, rows: other.tables[name] }).toEqual({ name, rows: runs.old.tables[name] });
    }
  });
});
