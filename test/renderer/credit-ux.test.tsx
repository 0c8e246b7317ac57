// @vitest-environment happy-dom
/** Issue 12's credit UX in the real renderer on the fake bridge. */
import { act, cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { FAILED_CLEAR_MS, FINISHED_CLEAR_MS } from '../../src/renderer/src/store/jobs';
import { account, batch, FakeCutline, freeAccount, proAccount, proUsesAccount } from './fake-cutline';
import { addClips, advance, makeStore, renderWith, settle } from './harness';

afterEach(cleanup);

async function setup(api: FakeCutline, opts: { failRate?: number; media?: string[] } = {}) {
  const h = await makeStore(api, { failRate: opts.failRate });
  const clips = addClips(h, ...(opts.media ?? ['interview', 'sunrise']));
  await renderWith(h);
  return { h, clips, user: userEvent.setup() };
}

const notEnough = () => screen.getByRole('alertdialog', { name: 'Not enough credits' });

describe('not enough credits, per plan', () => {
  it('Free: "Buy credits or upgrade to Pro"; Upgrade to Pro opens the web checkout (/upgrade)', async () => {
    const { h, clips, user } = await setup(freeAccount());
    await act(() => h.store.getState().startAction('ai-portrait', { clipId: clips[0] }));
    expect(notEnough().textContent).toContain('Buy credits or upgrade to Pro');
    await user.click(within(notEnough()).getByRole('button', { name: 'Upgrade to Pro' }));
    await act(settle);
    expect(h.api.callsOf('openWeb')).toEqual([{ path: '/upgrade' }]);
    expect(screen.getByTestId('notice').textContent).toContain('The Pro checkout is open in your browser.');
  });

  it('a Pro subscriber is never told to upgrade: Buy credits, and when the next cycle’s credits arrive', async () => {
    const api = new FakeCutline().withAccount(account({ cycleEndsAt: '2026-03-21T12:00:00.000Z' }), [batch('subscription', 4, 20, 's')]);
    const { h, clips } = await setup(api);
    await act(() => h.store.getState().startAction('ai-portrait', { clipId: clips[0] }));
    const text = notEnough().textContent!;
    expect(text).toContain("Buy credits, or wait for your next cycle's credits on Mar 21, 2026");
    expect(text).toContain('AI Portrait needs 15 credits. You have 4 credits.');
    expect(text.toLowerCase()).not.toContain('upgrade');
    expect(within(notEnough()).queryByRole('button', { name: 'Upgrade to Pro' })).toBeNull();
    expect(within(notEnough()).getByRole('button', { name: 'Buy credits' })).toBeTruthy();
  });

  it('a Pro-uses account running a tool its Pro uses don’t cover is told why', async () => {
    const api = proUsesAccount();
    // Every default tool is eligible since issue 9 (Script to Video too); the catalogue is the
    // service's to send, so this account's service lists Script to Video as credits-only.
    api.tools = api.tools.map((t) => (t.id === 'script-to-video' ? { ...t, eligibleForProUses: false } : t));
    api.prefs.exchangePromptDismissed = true;
    // Every default tool takes Pro uses; a catalogue may still mark one credits-only.
    api.tools = api.tools.map((t) => (t.id === 'script-to-video' ? { ...t, eligibleForProUses: false } : t));
    const { h } = await setup(api);
    await act(() => h.store.getState().retryAction('script-to-video', { kind: 'generate', projectId: h.store.getState().openProjectId!, prompt: 'A film' }));
    const text = notEnough().textContent!;
    expect(text).toContain("Script to Video isn't covered by Pro uses. Buy credits to use it");
    expect(text).toContain('Script to Video is paid in credits only. It needs 60 credits. You have 0 credits.');
    expect(within(notEnough()).queryByRole('button', { name: 'Upgrade to Pro' })).toBeNull();
  });

  it('a Pro-uses account with none left: says so and when they renew', async () => {
    const api = new FakeCutline().withAccount(account({ cycleEndsAt: '2026-03-21T12:00:00.000Z' }), [], { remaining: 0, perCycle: 50 });
    api.prefs.exchangePromptDismissed = true;
    const { h, clips } = await setup(api);
    await act(() => h.store.getState().startAction('remove-background', { clipId: clips[0] }));
    const text = notEnough().textContent!;
    expect(text).toContain("You've used all your Pro uses this cycle. They renew on Mar 21, 2026. Buy credits to keep going");
    expect(text).toContain('Until then, Remove Background needs 5 credits. You have 0 credits.');
    expect(text).not.toContain('upgrade to Pro');
  });
});

describe('exchange after Not now', () => {
  it('the balance details offer the exchange while the account can still exchange', async () => {
    const api = proUsesAccount();
    api.prefs.exchangePromptDismissed = true;
    const { h, user } = await setup(api);
    await user.click(screen.getByTestId('balance-chip'));
    const entry = screen.getByTestId('exchange-entry');
    expect(entry.textContent).toContain('Switch your 50 Pro uses to 40 credits');
    await user.click(within(entry).getByRole('button', { name: 'Exchange Pro uses for credits' }));
    await act(settle);
    expect(h.api.callsOf('openWeb')).toEqual([{ path: '/exchange' }]);
  });

  it('no entry once exchanged, nor for an account without Pro uses', async () => {
    const api = new FakeCutline().withAccount(account({ exchanged: true }), [batch('subscription', 40, 20, 's')], { remaining: 0, perCycle: 50 });
    const { user } = await setup(api);
    await user.click(screen.getByTestId('balance-chip'));
    expect(screen.queryByTestId('exchange-entry')).toBeNull();
  });

  it("the exchange's two ledger rows (Pro uses out, credits in) appear live in Activity, from the one push", async () => {
    const { h } = await setup(proUsesAccount());
    const loadsBefore = h.api.callsOf('getLedger').length;
    act(() =>
      h.api.pushEntries([
        {
          id: 'ex0', at: '2026-03-01T12:30:00.000Z', kind: 'exchange', amount: 50, type: null, batchId: null, chargeId: null, tool: null,
          device: null, unit: 'proUses', member: null,
        },
        {
          id: 'ex1', at: '2026-03-01T12:30:00.000Z', kind: 'exchange', amount: 40, type: 'subscription', batchId: 'b', chargeId: null, tool: null,
          device: { id: 'web', platform: 'web' }, unit: 'credits', member: null,
        },
      ]),
    );
    await act(settle);
    const rows = screen.getAllByTestId('activity-row').map((r) => r.textContent);
    expect(rows.find((t) => t?.includes('From the exchange'))).toContain('+40 credits');
    expect(rows.find((t) => t?.includes('Pro uses exchanged'))).toContain('−50 Pro uses');
    // nothing had to be fetched again: the push carried both
    expect(h.api.callsOf('getLedger').length).toBe(loadsBefore);
  });
});

describe('team entries in Activity', () => {
  it("a teammate's spend from the pool shows who, the tool and the device, live", async () => {
    const api = new FakeCutline().withAccount(account({ plan: 'teams', teamId: 't1', email: 'bob@cutline.test', id: 'bob' }), [
      { ...batch('subscription', 500, 20, 'pool'), scope: 'team' },
    ]);
    const { h } = await setup(api);
    act(() => h.api.spendByTeammate('remove-background', 5, { id: 'alice', email: 'alice@cutline.test' }));
    await act(settle);
    const row = screen.getAllByTestId('activity-row')[0];
    expect(within(row).getByTestId('activity-member').textContent).toBe('alice@cutline.test');
    expect(row.textContent).toContain('Remove Background');
    expect(row.textContent).toContain('Desktop');
    expect(screen.getByTestId('balance-chip-text').textContent).toBe('495 credits');
  });

  it('my own entries do not name me', async () => {
    const api = new FakeCutline().withAccount(account({ plan: 'teams', teamId: 't1', id: 'bob' }), [batch('subscription', 50, 20, 'p')]);
    const { h } = await setup(api);
    act(() => h.api.spendByTeammate('auto-captions', 3, { id: 'bob', email: 'bob@cutline.test' }));
    await act(settle);
    expect(screen.queryByTestId('activity-member')).toBeNull();
  });
});

describe('jobs', () => {
  it('Retry on a failed job prices and confirms again, then makes a new charge', async () => {
    const { h, clips, user } = await setup(proAccount(), { failRate: 1 });
    await act(() => h.store.getState().startAction('remove-background', { clipId: clips[0] }));
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await act(settle);
    await advance(h, 3000);
    const failed = screen.getByTestId('job');
    expect(failed.getAttribute('data-status')).toBe('failed');
    expect(failed.textContent).toContain('5 credits returned');
    await user.click(within(failed).getByRole('button', { name: /^Retry Remove Background/ }));
    await act(settle);
    expect(h.api.callsOf('quote')).toHaveLength(2);
    const dialog = screen.getByRole('alertdialog', { name: 'Remove Background' });
    expect(dialog.textContent).toContain('This will use 5 credits. Continue?');
    expect(screen.queryByTestId('job')).toBeNull();
    await user.click(within(dialog).getByRole('button', { name: 'Continue' }));
    await act(settle);
    const holds = h.api.callsOf('hold') as Array<{ actionId: string }>;
    expect(holds).toHaveLength(2);
    expect(holds[1].actionId).not.toBe(holds[0].actionId);
    expect(h.api.charges.size).toBe(2);
  });

  it('finished cards clear themselves after a while; Clear removes every finished card at once', async () => {
    const { h, clips, user } = await setup(proAccount());
    for (const clip of clips) {
      await act(() => h.store.getState().startAction('auto-captions', { clipId: clip }));
      await act(() => h.store.getState().confirmFlow());
    }
    await advance(h, 3000);
    expect(screen.getAllByTestId('job').map((j) => j.getAttribute('data-status'))).toEqual(['done', 'done']);
    await user.click(screen.getByRole('button', { name: 'Clear 2 finished jobs' }));
    expect(screen.queryByTestId('job')).toBeNull();

    await act(() => h.store.getState().startAction('auto-captions', { clipId: clips[0] }));
    // the clip has Auto Captions already: a second charge needs its own yes (issue 18 item 4)
    act(() => h.store.getState().confirmAgain(true));
    await act(() => h.store.getState().confirmFlow());
    await advance(h, 3000);
    expect(screen.getByTestId('job').getAttribute('data-status')).toBe('done');
    await advance(h, FINISHED_CLEAR_MS);
    expect(screen.queryByTestId('job')).toBeNull();
    expect(FAILED_CLEAR_MS).toBeGreaterThan(FINISHED_CLEAR_MS);
  });

  it("another account's sign-in: the previous account's jobs disappear, running ones included", async () => {
    const { h, clips } = await setup(proAccount());
    await act(() => h.store.getState().startAction('auto-captions', { clipId: clips[0] }));
    await act(() => h.store.getState().confirmFlow());
    await act(() => h.store.getState().startAction('remove-background', { clipId: clips[1] }));
    await act(() => h.store.getState().confirmFlow());
    await advance(h, 3000);
    await act(() => h.store.getState().startAction('ai-portrait', { clipId: clips[0] }));
    await act(() => h.store.getState().confirmFlow());
    expect(screen.getAllByTestId('job')).toHaveLength(3);
    act(() => h.api.setState({ account: account({ id: 'other', email: 'free@cutline.test', plan: 'free' }) }));
    await act(settle);
    expect(screen.queryByTestId('job')).toBeNull();
    expect(screen.queryByText(/AI Portrait/, { selector: '.job-title' })).toBeNull();
    // the stopped job never completes later on the new account's screen
    await advance(h, 10_000);
    expect(screen.queryByTestId('job')).toBeNull();
  });

  it('sign-out clears them too', async () => {
    const { h, clips, user } = await setup(proAccount());
    await act(() => h.store.getState().startAction('auto-captions', { clipId: clips[0] }));
    await act(() => h.store.getState().confirmFlow());
    await advance(h, 3000);
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    await act(settle);
    expect(screen.queryByTestId('job')).toBeNull();
  });
});

describe('a damaged clip', () => {
  it('warns in the confirm dialog, before any credits are held', async () => {
    const { h, clips } = await setup(proAccount(), { media: ['drone-damaged', 'sunrise'] });
    await act(() => h.store.getState().startAction('remove-background', { clipId: clips[0] }));
    const dialog = screen.getByRole('alertdialog', { name: 'Remove Background' });
    expect(within(dialog).getByTestId('damaged-warning').textContent).toContain("This clip's file looks damaged");
    expect(h.api.callsOf('hold')).toEqual([]);
    await act(() => h.store.getState().cancelFlow());
    await act(() => h.store.getState().startAction('remove-background', { clipId: clips[1] }));
    expect(screen.queryByTestId('damaged-warning')).toBeNull();
  });
});

describe('stale balance', () => {
  it('offline: "Last synced" with the time and Retry now, which asks the core to reconnect', async () => {
    const { h, user } = await setup(proAccount());
    expect(screen.queryByTestId('stale-balance')).toBeNull();
    act(() => h.api.setState({ connection: 'offline', offlineReason: 'Cannot reach the Cutline service.', lastSyncedAt: new Date().toISOString() }));
    const stale = screen.getByTestId('stale-balance');
    expect(stale.textContent).toMatch(/Last synced at \d{1,2}:\d{2}:\d{2} [AP]M/);
    expect(screen.getByTestId('balance-chip').getAttribute('aria-label')).toContain('(not up to date)');
    await user.click(within(stale).getByRole('button', { name: 'Retry now' }));
    await act(settle);
    expect(h.api.callsOf('retryNow')).toHaveLength(1);
    act(() => h.api.setState({ connection: 'online', offlineReason: null }));
    expect(screen.queryByTestId('stale-balance')).toBeNull();
  });
});

describe('credit alerts', () => {
  it('a badge while an alert holds, the alert in the details, a notice when it comes due', async () => {
    const { h, user } = await setup(proAccount());
    expect(screen.queryByTestId('alert-badge')).toBeNull();
    const active = [{ kind: 'expiring' as const, key: 'expiry:act-3d', text: '30 activity credits expire on Thursday' }];
    act(() => h.api.setState({ alerts: { enabled: true, lowBalanceThreshold: null, active } }));
    act(() => h.api.pushNotice({ kind: 'alert', alert: active[0], osNotified: false }));
    expect(screen.getByTestId('alert-badge').textContent).toBe('1');
    expect(screen.getByTestId('notice').textContent).toContain('30 activity credits expire on Thursday.');
    await user.click(screen.getByTestId('balance-chip'));
    expect(screen.getByTestId('active-alerts').textContent).toContain('30 activity credits expire on Thursday');
  });

  it('can be turned off, and a threshold set; a bad threshold is explained', async () => {
    const { h, user } = await setup(proAccount());
    await user.click(screen.getByTestId('balance-chip'));
    const alerts = screen.getByRole('region', { name: 'Credit alerts' });
    const field = within(alerts).getByLabelText('Also alert below');
    await user.type(field, '2.5');
    await user.click(within(alerts).getByRole('button', { name: 'Save' }));
    expect(within(alerts).getByRole('alert').textContent).toContain('Enter a whole number of credits');
    expect(h.api.callsOf('setAlertSettings')).toEqual([]);
    await user.clear(field);
    await user.type(field, '50');
    await user.click(within(alerts).getByRole('button', { name: 'Save' }));
    await act(settle);
    expect(h.api.callsOf('setAlertSettings')).toEqual([{ lowBalanceThreshold: 50 }]);
    await user.click(within(alerts).getByRole('checkbox'));
    await act(settle);
    expect(h.api.callsOf('setAlertSettings')).toEqual([{ lowBalanceThreshold: 50 }, { enabled: false }]);
    expect((within(alerts).getByRole('checkbox') as HTMLInputElement).checked).toBe(false);
  });
});

describe('upgrade complete', () => {
  it('"You\'re on Pro" with the balance', async () => {
    const { h } = await setup(proAccount());
    act(() => h.api.pushNotice({ kind: 'upgrade-complete', plan: 'pro', balance: h.api.snapshot() }));
    expect(screen.getByTestId('notice').textContent).toContain("You're on Pro. Your balance is now 355 credits.");
  });
});
