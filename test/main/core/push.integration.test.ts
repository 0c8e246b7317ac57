/** The real-time push: other devices, teammates, grants (deep links back: deep-link-claims.integration.test.ts). */
import { describe, expect, it } from 'vitest';
import { admin, DEMO_PASSWORD } from '@cutline/service/test/helpers/client';
import { upgradeOnTheWeb } from '@cutline/service/test/helpers/web-actions';
import { createAccount, secondDevice } from '../helpers/accounts';
import { useCoreSuite } from '../helpers/core-harness';
import { until } from '../helpers/wait';

const suite = useCoreSuite();

describe('push', () => {
  it('a charge on a second device reaches the core with its ledger entry', async () => {
    const account = await createAccount(suite.server.url, 100);
    const h = await suite.signedIn(account.email, account.password);
    const phone = await secondDevice(suite.server.url, account);

    const charge = await phone.charge('remove-background');
    await until(() => h.core.balance.current?.total === 95, 'the pushed hold');
    const hold = await until(() => h.entries.find((e) => e.chargeId === charge.id && e.kind === 'hold'), 'the hold entry');
    expect(hold.device).toEqual(phone.device);
    expect(h.balances.at(-1)).toEqual(h.core.balance.current);

    await phone.capture(charge.id);
    await until(() => h.entries.find((e) => e.chargeId === charge.id && e.kind === 'capture'), 'the capture entry');
    expect(h.core.balance.current).toMatchObject({ total: 95, held: 0 });
  });

  it("a teammate's spend of the team's credits reaches the other member", async () => {
    const alice = await suite.signedIn('alice@cutline.test', DEMO_PASSWORD);
    const before = await until(() => alice.core.balance.current, 'alice balance');
    const bob = await secondDevice(suite.server.url, { email: 'bob@cutline.test', password: DEMO_PASSWORD });
    await bob.charge('script-to-video');
    const after = await until(
      () => (alice.core.balance.current!.version > before.version ? alice.core.balance.current : null),
      "bob's spend reaching alice",
    );
    expect(after.byType.subscription).toBe(before.byType.subscription - 60);
    expect(after.byType.activity).toBe(before.byType.activity);
  });

  it('a charge drawn from two batches: every entry of each step reaches the window in one push, and each balance version once', async () => {
    const account = await createAccount(suite.server.url, 0);
    for (const [type, amount] of [['subscription', 12], ['purchased', 3]] as const) {
      const g = await admin(suite.server.url, 'POST', '/admin/v1/grants', { userId: account.id, type, amount, expiresAt: new Date(Date.now() + 9e8).toISOString(), source: 'test' });
      expect(g.status).toBe(201);
    }
    const h = await suite.signedIn(account.email, account.password);
    await until(() => h.core.balance.current?.total === 15, 'the starting balance');
    const held = await h.core.cutline.hold({ actionId: 'act_two_batches', tool: 'ai-portrait' });
    if (!held.ok) throw new Error(held.error.message);
    await h.core.cutline.capture({ chargeId: held.value.id });
    const step = (kind: string) =>
      until(() => h.entryPushes.find((p) => p.some((e) => e.chargeId === held.value.id && e.kind === kind)), `the ${kind} push`);
    for (const kind of ['hold', 'capture']) {
      const push = await step(kind);
      expect(push.map((e) => [e.kind, e.type, e.amount])).toEqual([
        [kind, 'subscription', 12],
        [kind, 'purchased', 3],
      ]);
    }
    // the charge answers and the pushes carried the same versions: the window heard of each once
    const versions = h.balances.map((b) => b.version);
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(h.balances.at(-1)).toMatchObject({ total: 0, held: 0 });
  });

  it('a change of plan, team or cycle reaches every signed-in device live: the account is reloaded, no deep link needed', async () => {
    const account = await createAccount(suite.server.url, 0);
    const laptop = await suite.signedIn(account.email, account.password);
    const desktop = await suite.signedIn(account.email, account.password);
    const plan = (h: typeof laptop) => h.states.at(-1)?.account?.plan;
    expect([plan(laptop), plan(desktop)]).toEqual(['free', 'free']);

    // upgraded on the web, by this account's browser session
    await upgradeOnTheWeb(suite.server.url, account.email, account.password);
    for (const h of [laptop, desktop]) {
      await until(() => plan(h) === 'pro', 'the plan pushed to the device');
      expect(h.states.at(-1)?.account?.cycleEndsAt).not.toBeNull();
    }
    expect(laptop.notices.filter((n) => n.kind === 'upgrade-complete')).toEqual([]); // live, not through the link

    // renewed by an operator: the new cycle's dates
    const before = laptop.states.at(-1)!.account!.cycleEndsAt;
    expect((await admin(suite.server.url, 'POST', `/admin/v1/users/${account.id}/renew`)).status).toBe(200);
    await until(() => laptop.states.at(-1)?.account?.cycleEndsAt !== before, 'the new cycle pushed');
  });

  it('joining a team reaches the member live: plan teams, the team, the pool', async () => {
    const account = await createAccount(suite.server.url, 5);
    const h = await suite.signedIn(account.email, account.password);
    const team = await admin(suite.server.url, 'POST', '/admin/v1/teams', { name: 'Live team', creditsPerCycle: 300 });
    expect((await admin(suite.server.url, 'POST', `/admin/v1/teams/${team.body.id}/members`, { userId: account.id })).status).toBe(201);
    await until(() => h.states.at(-1)?.account?.plan === 'teams', 'the team pushed');
    expect(h.states.at(-1)?.account?.teamId).toBe(team.body.id);
    await until(() => h.core.balance.current?.total === 305, 'the pool in the balance');
  });

  it('a grant arrives by push', async () => {
    const account = await createAccount(suite.server.url, 10);
    const h = await suite.signedIn(account.email, account.password);
    const granted = await admin(suite.server.url, 'POST', '/admin/v1/grants', {
      userId: account.id,
      type: 'purchased',
      amount: 100,
      expiresAt: null,
      source: 'test',
    });
    expect(granted.status).toBe(201);
    await until(() => h.core.balance.current?.byType.purchased === 100, 'the pushed grant');
    expect(h.core.balance.current?.total).toBe(110);
  });
});
