/**
 * The charge steps against the pure rules, on both engines. For seeded random accounts — batches
 * of every type, expiries in the past, exactly now, tied and permanent, grant times tied, a team
 * pool — each engine must answer exactly what `allocate`, `summarize` and `planRelease` say: the
 * quote's plan, the hold's allocation or its 402 with the available credits, the balance, and the
 * batches after a release.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocate } from '../../src/ledger/allocate';
import { summarize } from '../../src/ledger/summary';
import type { BatchState } from '../../src/ledger/types';
import { hold, quote, release } from '../../src/service/charges/steps';
import type { Ctx } from '../../src/service/kernel/context';
import { ServiceError } from '../../src/service/kernel/errors';
import { batchWire } from '../../src/service/kernel/rows';
import type { Db } from '../../src/db/db';
import { seededRandom } from '@cutline/contract/random';
import { bothEngines } from '../helpers/engines';
import { testCtx } from '../helpers/ledger-fixtures';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 1, 12);
const TYPES = ['subscription', 'activity', 'purchased'] as const;
const device = { id: 'dev-rules', platform: 'desktop' as const };
const SCENARIOS = 30;

/** One random account: its batches (own and, for half of them, a team's), and a charge of smart-cutout × quantity. */
function scenario(k: number) {
  const rnd = seededRandom(1000 + k);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const userId = `u_r${k}`;
  const teamId = rnd() < 0.5 ? `t_r${k}` : null;
  const expiries = [null, NOW - DAY, NOW, NOW + 1, NOW + DAY, NOW + DAY, NOW + 7 * DAY];
  const grants = [NOW - 9 * DAY, NOW - 2 * DAY, NOW - 2 * DAY];
  const batches: BatchState[] = [];
  const n = 1 + Math.floor(rnd() * 7);
  for (let i = 0; i < n; i++) {
    const team = teamId !== null && rnd() < 0.3;
    const amount = 1 + Math.floor(rnd() * 9);
    batches.push({
      // ids in both orders so the id tie-break matters
      id: `b_r${k}_${String.fromCharCode(122 - i)}${i}`,
      ownerKind: team ? 'team' : 'user',
      ownerId: team ? teamId! : userId,
      type: team ? (rnd() < 0.8 ? 'subscription' : 'activity') : pick(TYPES),
      amount,
      remaining: rnd() < 0.15 ? 0 : amount - Math.floor(rnd() * amount * 0.5),
      grantedAt: pick(grants),
      expiresAt: pick(expiries),
      source: 'rules',
    });
  }
  return { userId, teamId, batches, quantity: 1 + Math.floor(rnd() * 3) };
}

/** What the account may spend: its own batches and its team's subscription batches (accounts/state.ts). */
const spendableOf = (s: ReturnType<typeof scenario>) =>
  s.batches.filter((b) => b.ownerId === s.userId || (b.ownerKind === 'team' && b.type === 'subscription'));

const engines = bothEngines('cutline-charge-rules');

describe.each(engines)('charge steps follow the ledger rules on $name', (engine) => {
  let db: Db;
  let ctx: Ctx;
  const scenarios = Array.from({ length: SCENARIOS }, (_, k) => scenario(k));

  beforeAll(async () => {
    db = await engine.open();
    ctx = testCtx(db, () => NOW);
    await db.transaction(async (tx) => {
      for (const s of scenarios) {
        if (s.teamId) {
          await tx.run("INSERT INTO teams (id, name, credits_per_cycle, cycle_days, cycle_started_at, cycle_ends_at, created_at) VALUES (?, 'T', 10, 30, 0, ?, 0)", [s.teamId, NOW + 20 * DAY]);
        }
        await tx.run("INSERT INTO users (id, email, password_hash, plan, billing, team_id, created_at) VALUES (?, ?, 'x', 'free', 'monthly', ?, 0)", [s.userId, `${s.userId}@r.test`, s.teamId]);
        for (const b of s.batches) {
          await tx.run('INSERT INTO batches (id, owner_kind, owner_id, type, amount, remaining, granted_at, expires_at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
            b.id, b.ownerKind, b.ownerId, b.type, b.amount, b.remaining, b.grantedAt, b.expiresAt, b.source,
          ]);
        }
      }
    });
  });
  afterAll(async () => {
    await db.close();
    await engine.cleanup();
  });

  it(`${SCENARIOS} random accounts: quote, hold (or 402) and release answer what allocate/summarize say`, async () => {
    let covered = 0;
    let refused = 0;
    for (const s of scenarios) {
      const mine = spendableOf(s);
      const cost = 8 * s.quantity; // smart-cutout
      const plan = allocate(mine, cost, NOW);
      const sum = summarize(mine, NOW);
      const expectedBalance = {
        total: sum.total,
        held: 0,
        byType: sum.byType,
        batches: sum.live.map(batchWire),
        nextExpiry: sum.nextExpiry ? { amount: sum.nextExpiry.amount, at: new Date(sum.nextExpiry.at).toISOString() } : null,
        proUses: null,
      };

      const q = await quote(ctx, s.userId, 'smart-cutout', s.quantity);
      expect(q).toMatchObject({ cost, covered: plan.covered, usesProUse: false, plan: plan.parts.map((p) => ({ type: p.type, batchId: p.batchId, amount: p.amount })) });
      expect(q.balance).toMatchObject(expectedBalance);

      const key = `k-${s.userId}`;
      const req = { tool: 'smart-cutout', quantity: s.quantity, device };
      if (!plan.covered) {
        const err = await hold(ctx, s.userId, key, req).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ServiceError);
        expect(err).toMatchObject({ code: 'insufficient_credits', status: 402, extra: { cost, available: plan.available } });
        refused++;
        continue;
      }
      const h = await hold(ctx, s.userId, key, req);
      expect(h.charge.allocation).toEqual(plan.parts.map((p) => ({ type: p.type, batchId: p.batchId, amount: p.amount })));
      expect(h.balance.total).toBe(sum.total - cost);
      expect(h.balance.held).toBe(cost);
      const r = await release(ctx, s.userId, h.charge.id, 'failed');
      expect(r.charge.status).toBe('released');
      expect(r.balance).toMatchObject(expectedBalance); // every credit back in its very batch
      covered++;
    }
    // The seeds give both outcomes.
    expect(covered).toBeGreaterThan(3);
    expect(refused).toBeGreaterThan(3);
  });
});
