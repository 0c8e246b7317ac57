/**
 * Credit alerts and the upgrade deep link, through the real core against the real service: the
 * demo pro@ account's 30 activity credits expiring in 3 days raise one OS notification (through the
 * notifier port), remembered across sign-ins; a balance falling below the cheapest tool raises
 * one; `cutline://upgrade/complete` says "on Pro" only when /v1/me says so.
 */
import { describe, expect, it } from 'vitest';
import type { Notifier } from '../../../src/main/core/alerts';
import { MemoryStore } from '../../../src/main/core/key-value-store';
import { createAccount, secondDevice } from '../helpers/accounts';
import { useCoreSuite } from '../helpers/core-harness';
import { until } from '../helpers/wait';

const suite = useCoreSuite();

function recordingNotifier() {
  const shown: string[] = [];
  const notifier: Notifier = { show: ({ body }) => void shown.push(body) };
  return { shown, notifier };
}

describe('credit alerts', () => {
  it('30 expiring activity credits: one OS notification and a badge; not again after signing in again', async () => {
    const { shown, notifier } = recordingNotifier();
    const settingsStore = new MemoryStore();
    const h = await suite.core({ notifier, settingsStore });
    await h.signIn('pro@cutline.test');
    const notice = await until(() => h.notices.find((n) => n.kind === 'alert'), 'the alert notice');
    expect(notice).toMatchObject({ kind: 'alert', osNotified: true, alert: { kind: 'expiring' } });
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatch(/^30 activity credits expire (on \w+day|tomorrow|today)\.$/);
    expect((await h.core.cutline.getState()).alerts.active.map((a) => a.kind)).toEqual(['expiring']);

    await h.core.cutline.signOut();
    expect((await h.core.cutline.getState()).alerts.active).toEqual([]);
    await h.signIn('pro@cutline.test');
    await until(async () => (await h.core.cutline.getState()).alerts.active.length === 1, 'the badge again');
    expect(shown).toHaveLength(1);
  });

  it('falling below the cheapest tool alerts once; turned off, nothing', async () => {
    const { shown, notifier } = recordingNotifier();
    const account = await createAccount(suite.server.url, 11);
    const h = await suite.core({ notifier });
    await h.signIn(account.email, account.password);
    const phone = await secondDevice(suite.server.url, account);
    await phone.charge('smart-cutout'); // 11 − 8 = 3: not below 3
    await until(() => h.core.balance.current?.total === 3, 'the push');
    expect(shown).toEqual([]);
    await phone.charge('auto-captions'); // 0
    await until(() => shown.length === 1, 'the low-balance notification');
    expect(shown[0]).toBe('Your balance is 0 credits: not enough for any AI tool (the cheapest, Auto Captions, needs 3 credits).');

    const off = await h.core.cutline.setAlertSettings({ enabled: false });
    expect(off).toEqual({ ok: true, value: { enabled: false, lowBalanceThreshold: null } });
    expect((await h.core.cutline.getState()).alerts).toMatchObject({ enabled: false, active: [] });
  });
});

describe('settings are per account', () => {
  it("alice's 'alert below 490' never fires for pro@ after switching accounts, and comes back with alice", async () => {
    const { shown, notifier } = recordingNotifier();
    const h = await suite.core({ notifier, settingsStore: new MemoryStore() });
    await h.signIn('alice@cutline.test');
    expect(await h.core.cutline.setAlertSettings({ lowBalanceThreshold: 490 })).toMatchObject({ ok: true, value: { lowBalanceThreshold: 490 } });

    await h.signIn('pro@cutline.test'); // 355 credits: below 490
    const state = await until(async () => {
      const s = await h.core.cutline.getState();
      return s.account?.email === 'pro@cutline.test' && s.alerts.active.some((a) => a.kind === 'expiring') && s;
    }, "pro@'s own alerts evaluated");
    expect(state.alerts).toMatchObject({ enabled: true, lowBalanceThreshold: null });
    expect(state.alerts.active.map((a) => a.kind)).toEqual(['expiring']);
    expect(shown.filter((b) => b.includes('490'))).toEqual([]);

    await h.signIn('alice@cutline.test');
    await until(async () => {
      const s = await h.core.cutline.getState();
      return s.account?.email === 'alice@cutline.test' && s.alerts.lowBalanceThreshold === 490;
    }, "alice's threshold back");
  });

  it("one account's Not now on the exchange prompt is not another's", async () => {
    const h = await suite.core();
    await h.signIn('pro@cutline.test');
    expect(await h.core.cutline.setPrefs({ exchangePromptDismissed: true })).toEqual({ exchangePromptDismissed: true, askBeforePersonalCredits: true });
    const signedInAs = async (email: string) => {
      await h.signIn(email);
      await until(async () => (await h.core.cutline.getState()).account?.email === email, `signed in as ${email}`);
    };
    await signedInAs('alice@cutline.test');
    expect(await h.core.cutline.getPrefs()).toEqual({ exchangePromptDismissed: false, askBeforePersonalCredits: true });
    await signedInAs('pro@cutline.test');
    expect(await h.core.cutline.getPrefs()).toEqual({ exchangePromptDismissed: true, askBeforePersonalCredits: true });
  });
});

describe('cutline://upgrade/complete', () => {
  it('a Pro account: "on Pro" with the current balance', async () => {
    const h = await suite.core();
    await h.signIn('pro@cutline.test');
    expect(h.router.receive('cutline://upgrade/complete', 'open-url')).toBe('delivered');
    const n = await until(() => h.notices.find((x) => x.kind === 'upgrade-complete'), 'the upgrade notice');
    expect(n).toMatchObject({ plan: 'pro', balance: { total: h.core.balance.current!.total } });
  });

  it('the service says the plan is still free: no "on Pro", a quiet resync and a log line', async () => {
    const account = await createAccount(suite.server.url, 5);
    const h = await suite.core();
    await h.signIn(account.email, account.password);
    expect(h.router.receive('cutline://upgrade/complete', 'open-url')).toBe('delivered');
    await until(() => h.logger.records.find((r) => r.message === 'upgrade link, but the service says the plan is not pro'), 'the log line');
    expect(h.notices.filter((x) => x.kind === 'upgrade-complete')).toEqual([]);
    expect(h.notices.filter((x) => x.kind === 'error')).toEqual([]);
  });
});
