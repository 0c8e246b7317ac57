/**
 * The audit (issue 9 § The ledger proves itself): the pure recomputation on hand-made books, and
 * the real thing — `GET /admin/v1/audit` and `npm run audit` — on a database whose rows are then
 * corrupted directly. Runs on SQLite and (CUTLINE_TEST_STORE=postgres) PostgreSQL.
 */
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditBooks, type AuditInput } from '../../src/ledger/audit';
import { startTestServer, type TestServer } from '../helpers/server';
import { admin, call, charge, grant, newUser } from '../helpers/client';

const AUDIT_MAIN = fileURLToPath(new URL('../../src/audit-main.ts', import.meta.url));

const NOW = 1_000_000;
type Books = { [K in keyof AuditInput]: AuditInput[K] extends readonly (infer T)[] ? T[] : AuditInput[K] };
function books(): Books {
  // u1: a 10-credit grant; a 3-credit hold captured, a 2-credit hold released, a 4-credit hold open.
  return {
    now: NOW,
    accounts: [{ id: 'u1', teamId: null }],
    batches: [{ id: 'b1', ownerId: 'u1', ownerKind: 'user', type: 'activity', amount: 10, remaining: 3, expiresAt: null }],
    charges: [
      { id: 'c1', userId: 'u1', status: 'captured', cost: 3, usesProUse: false },
      { id: 'c2', userId: 'u1', status: 'released', cost: 2, usesProUse: false },
      { id: 'c3', userId: 'u1', status: 'held', cost: 4, usesProUse: false },
    ],
    allocations: [
      { chargeId: 'c1', batchId: 'b1', amount: 3 },
      { chargeId: 'c2', batchId: 'b1', amount: 2 },
      { chargeId: 'c3', batchId: 'b1', amount: 4 },
    ],
    entries: [
      { kind: 'grant', batchId: 'b1', chargeId: null, amount: 10 },
      { kind: 'hold', batchId: 'b1', chargeId: 'c1', amount: 3 },
      { kind: 'capture', batchId: 'b1', chargeId: 'c1', amount: 3 },
      { kind: 'hold', batchId: 'b1', chargeId: 'c2', amount: 2 },
      { kind: 'release', batchId: 'b1', chargeId: 'c2', amount: 2 },
      { kind: 'hold', batchId: 'b1', chargeId: 'c3', amount: 4 },
    ],
  };
}

describe('auditBooks (pure)', () => {
  it('books that add up: ok, with what was checked', () => {
    const r = auditBooks(books());
    expect(r).toEqual({ ok: true, checked: { accounts: 1, batches: 1, charges: 3, entries: 6 }, drifts: [] });
  });
  it('a batch whose remaining drifted from its entries', () => {
    const b = books();
    b.batches[0].remaining = 4;
    const r = auditBooks(b);
    expect(r.ok).toBe(false);
    expect(r.drifts).toContainEqual({ kind: 'batch_remaining', batchId: 'b1', stored: 4, fromLedger: 3 });
    expect(r.drifts).toContainEqual({ kind: 'account_total', accountId: 'u1', stored: 4, fromLedger: 3 });
  });
  it('a charge whose allocations are not its cost, and a hold that was never settled', () => {
    const b = books();
    b.allocations[2].amount = 5;
    b.charges[0].status = 'held';
    const kinds = auditBooks(b).drifts.map((d) => d.kind);
    expect(kinds).toEqual(expect.arrayContaining(['charge_allocation', 'charge_hold', 'charge_settlement', 'account_held']));
  });
  it('a lost entry', () => {
    const b = books();
    b.entries = b.entries.filter((e) => !(e.kind === 'release'));
    expect(auditBooks(b).drifts.map((d) => d.kind)).toEqual(expect.arrayContaining(['batch_remaining', 'charge_settlement', 'account_held']));
  });
  it('a team pool counts in each member’s total; an expired batch in nobody’s', () => {
    const b = books();
    b.accounts.push({ id: 'u2', teamId: 't1' });
    b.batches.push({ id: 'bt', ownerId: 't1', ownerKind: 'team', type: 'subscription', amount: 50, remaining: 49, expiresAt: NOW + 1 });
    b.batches.push({ id: 'bx', ownerId: 'u2', ownerKind: 'user', type: 'activity', amount: 5, remaining: 4, expiresAt: NOW });
    b.entries.push({ kind: 'grant', batchId: 'bt', chargeId: null, amount: 50 }, { kind: 'grant', batchId: 'bx', chargeId: null, amount: 5 });
    const r = auditBooks(b);
    expect(r.drifts).toContainEqual({ kind: 'batch_remaining', batchId: 'bt', stored: 49, fromLedger: 50 });
    expect(r.drifts).toContainEqual({ kind: 'account_total', accountId: 'u2', stored: 49, fromLedger: 50 });
    expect(r.drifts.filter((d) => d.kind === 'account_total')).toHaveLength(1); // bx is expired: not in a total
  });
  it('a member whose pool counter `held` is not what their open holds took from the pool', () => {
    const b = books();
    b.accounts.push({ id: 'u2', teamId: 't1', poolHeld: 6 });
    b.batches.push({ id: 'bt', ownerId: 't1', ownerKind: 'team', type: 'subscription', amount: 50, remaining: 43, expiresAt: null });
    b.batches.push({ id: 'bo', ownerId: 'u2', ownerKind: 'user', type: 'activity', amount: 5, remaining: 3, expiresAt: null });
    // c4: 7 from the pool and 2 of u2's own, held; c5: 4 from the pool, captured — neither counts as anything but c4's 7
    b.charges.push({ id: 'c4', userId: 'u2', status: 'held', cost: 9, usesProUse: false }, { id: 'c5', userId: 'u2', status: 'captured', cost: 0, usesProUse: false });
    b.allocations.push({ chargeId: 'c4', batchId: 'bt', amount: 7 }, { chargeId: 'c4', batchId: 'bo', amount: 2 });
    b.entries.push(
      { kind: 'grant', batchId: 'bt', chargeId: null, amount: 50 },
      { kind: 'grant', batchId: 'bo', chargeId: null, amount: 5 },
      { kind: 'hold', batchId: 'bt', chargeId: 'c4', amount: 7 },
      { kind: 'hold', batchId: 'bo', chargeId: 'c4', amount: 2 },
    );
    expect(auditBooks(b).drifts).toEqual([{ kind: 'account_pool_held', accountId: 'u2', stored: 6, fromHolds: 7 }]);
    b.accounts[1].poolHeld = 7;
    expect(auditBooks(b).ok).toBe(true);
  });
});

function runAuditScript(db: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', AUDIT_MAIN, '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('the audit of a real database', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('adds up after real traffic, then reports a row corrupted behind the service’s back', async () => {
    const u = await newUser(s.url);
    const t = u.tokens.access_token;
    await grant(s.url, u.id, 'activity', 30, new Date(Date.now() + 86_400_000).toISOString());
    await grant(s.url, u.id, 'purchased', 30, null);
    const held = await charge(s.url, t, 'smart-cutout');
    const done = await charge(s.url, t, 'ai-image');
    await call(s.url, 'POST', `/v1/charges/${done.body.charge.id}/capture`, { token: t });
    const back = await charge(s.url, t, 'auto-captions');
    await call(s.url, 'POST', `/v1/charges/${back.body.charge.id}/release`, { token: t, body: { reason: 'failed' } });
    expect(held.status).toBe(201);

    const clean = await admin(s.url, 'GET', '/admin/v1/audit');
    expect(clean.status).toBe(200);
    expect(clean.body).toMatchObject({ ok: true, drifts: [] });
    expect(clean.body.checked.entries).toBeGreaterThanOrEqual(7);
    const script = await runAuditScript(s.dbPath);
    expect(script.code, script.err).toBe(0);
    expect(script.out).toMatch(/the books add up/);

    const batchId = held.body.charge.allocation[0].batchId;
    await s.ctx.db.transaction((tx) => tx.run('UPDATE batches SET remaining = remaining + 7 WHERE id = ?', [batchId]));
    const dirty = await admin(s.url, 'GET', '/admin/v1/audit');
    expect(dirty.status).toBe(200);
    expect(dirty.body.ok).toBe(false);
    expect(dirty.body.drifts).toContainEqual(expect.objectContaining({ kind: 'batch_remaining', batchId }));
    expect(dirty.body.drifts).toContainEqual(expect.objectContaining({ kind: 'account_total', accountId: u.id }));
    const bad = await runAuditScript(s.dbPath);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/drift/);
    expect(bad.out).toContain(batchId);

    // A held charge that lost its allocation: reported too.
    await s.ctx.db.transaction(async (tx) => {
      await tx.run('UPDATE batches SET remaining = remaining - 7 WHERE id = ?', [batchId]);
      await tx.run('DELETE FROM allocations WHERE charge_id = ?', [held.body.charge.id]);
    });
    const lost = await admin(s.url, 'GET', '/admin/v1/audit');
    expect(lost.body.drifts).toContainEqual(expect.objectContaining({ kind: 'charge_allocation', chargeId: held.body.charge.id }));
  });

  it('needs the admin token', async () => {
    const r = await call(s.url, 'GET', '/admin/v1/audit');
    expect(r.status).toBe(401);
  });

  it('the script refuses without --db (exit 2)', async () => {
    const p = await new Promise<number | null>((resolve) => spawn(process.execPath, ['--import', 'tsx', AUDIT_MAIN], { stdio: 'ignore' }).on('exit', resolve));
    expect(p).toBe(2);
  });
});
