// @vitest-environment happy-dom
import { act, cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { account, batch, FakeCutline, proAccount, proUsesAccount } from './fake-cutline';
import { addClips, advance, makeStore, renderWith, settle } from './harness';

afterEach(cleanup);

describe('balance chip', () => {
  it('shows the total and follows pushes at once, never going back to an older version', async () => {
    const h = await makeStore(proAccount());
    await renderWith(h);
    const text = () => screen.getByTestId('balance-chip-text').textContent;
    expect(text()).toBe('355 credits');
    act(() => h.api.spendFromOtherDevice('ai-image', 20));
    expect(text()).toBe('335 credits');
    const v = h.store.getState().balance!.version;
    act(() => h.api.pushBalance({ ...h.api.snapshot(), version: v - 1, total: 999 }));
    expect(text()).toBe('335 credits');
    expect(screen.getByTestId('balance-chip').getAttribute('data-version')).toBe(String(v));
  });

  it('its popover shows the split by type, batches with expiry, the next expiry and held credits; Esc closes it', async () => {
    const h = await makeStore(proAccount());
    await renderWith(h);
    const user = userEvent.setup();
    const chip = screen.getByRole('button', { name: /Balance: 355 credits/ });
    await user.click(chip);
    const pop = screen.getByRole('dialog', { name: 'Your credits' });
    const rows = Array.from(pop.querySelectorAll('.split-row')).map((r) => r.textContent);
    expect(rows).toEqual(['Subscription200', 'Activity55', 'Purchased100', 'On hold0']);
    const batches = Array.from(pop.querySelectorAll('.batch')).map((b) => b.textContent);
    expect(batches).toHaveLength(4);
    expect(batches[0]).toContain('200 credits');
    expect(batches[0]).toContain('Subscription');
    expect(batches.find((b) => b?.includes('25 credits'))).toContain('Never expires');
    expect(batches.find((b) => b?.includes('30 credits'))).toMatch(/Expires Mar 4, 2026/);
    expect(pop.textContent).toContain('Next expiry: 30 credits on Mar 4, 2026');
    expect(chip.getAttribute('aria-expanded')).toBe('true');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog', { name: 'Your credits' })).toBeNull();
    expect(document.activeElement).toBe(chip);
  });

  it('shows held credits while a job runs, and Pro uses where the account has them', async () => {
    const h = await makeStore(proAccount());
    const [clip] = addClips(h, 'sunrise');
    await renderWith(h);
    await act(async () => {
      await h.store.getState().startAction('ai-portrait', { clipId: clip });
      await h.store.getState().confirmFlow();
    });
    const user = userEvent.setup();
    await user.click(screen.getByTestId('balance-chip'));
    expect(screen.getByRole('dialog', { name: 'Your credits' }).textContent).toContain('On hold15');
    cleanup();

    const api = proUsesAccount();
    const h2 = await makeStore(api);
    await renderWith(h2);
    expect(screen.getByTestId('balance-chip-text').textContent).toBe('50 Pro uses');
    await user.click(screen.getByTestId('balance-chip'));
    expect(screen.getByTestId('pro-uses').textContent).toBe('50 Pro uses left of 50 this cycle');
  });

  it('popover buttons open the credits page and the store', async () => {
    const h = await makeStore(proAccount());
    await renderWith(h);
    const user = userEvent.setup();
    await user.click(screen.getByTestId('balance-chip'));
    await user.click(screen.getByRole('button', { name: 'Buy credits' }));
    await act(settle);
    expect(h.api.callsOf('openWeb')).toEqual([{ path: '/store' }]);
  });
});

describe('window chrome', () => {
  it('signed out: a Sign in button that asks the main process; signed in: the email and Sign out', async () => {
    const api = new FakeCutline();
    const h = await makeStore(api);
    await renderWith(h);
    const user = userEvent.setup();
    expect(screen.queryByTestId('balance-chip')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(api.callsOf('signIn')).toHaveLength(1);
    act(() => api.setState({ signingIn: true }));
    expect(screen.getByText('Continue in your browser…')).toBeTruthy();
    api.batches = [batch('purchased', 100, 700, 'p')];
    await act(async () => {
      api.setState({ signingIn: false, account: account() });
      api.pushNotice({ kind: 'signed-in', email: 'pro@cutline.test' });
      await settle();
    });
    expect(screen.getByTestId('account-email').textContent).toBe('pro@cutline.test');
    expect(screen.getByTestId('balance-chip-text').textContent).toBe('100 credits');
    expect(screen.getByTestId('notice').textContent).toContain('Signed in as pro@cutline.test.');
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    await act(settle);
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(screen.queryByTestId('balance-chip')).toBeNull();
  });

  it('shows online / offline, and deep-link notices: purchase complete with the new balance, exchange complete', async () => {
    const h = await makeStore(proAccount());
    await renderWith(h);
    expect(screen.getByTestId('connection').textContent).toBe('Online');
    act(() => h.api.setState({ connection: 'offline', offlineReason: 'No internet connection.' }));
    expect(screen.getByTestId('connection').textContent).toBe('Offline');
    expect(screen.getByTestId('ai-reason').textContent).toBe('No internet connection.');
    await act(async () => {
      h.api.setState({ connection: 'online', offlineReason: null });
      await settle();
    });
    h.api.batches.push(batch('purchased', 100, 730, 'new'));
    h.api.version += 1;
    act(() => h.api.pushNotice({ kind: 'purchase-complete', order: 'o1', balance: h.api.snapshot() }));
    expect(screen.getAllByTestId('notice').at(-1)!.textContent).toContain('Purchase complete. Your balance is now 455 credits.');
    expect(screen.getByTestId('balance-chip-text').textContent).toBe('455 credits');
    act(() => h.api.pushNotice({ kind: 'exchange-complete', balance: null }));
    expect(screen.getAllByTestId('notice').at(-1)!.textContent).toContain('Exchange complete.');
  });
});

describe('timeline and projects', () => {
  it('adds clips from the media panel, selects with arrows, reorders with Alt+arrows, removes with Delete', async () => {
    const h = await makeStore(new FakeCutline());
    await renderWith(h);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Add Sunrise over the bay to the timeline' }));
    await user.click(screen.getByRole('button', { name: 'Add City at night to the timeline' }));
    await user.click(screen.getByRole('button', { name: 'Add Forest trail to the timeline' }));
    const names = () =>
      within(screen.getByRole('listbox', { name: 'Timeline clips' }))
        .getAllByRole('option')
        .map((o) => o.querySelector('.clip-name')!.textContent);
    expect(names()).toEqual(['Sunrise over the bay', 'City at night', 'Forest trail']);
    const first = screen.getByRole('option', { name: /Sunrise/ });
    first.focus();
    await user.keyboard('{ArrowRight}');
    expect(screen.getByRole('option', { name: /City at night/ }).getAttribute('aria-selected')).toBe('true');
    expect(screen.getByTestId('preview').textContent).toContain('City at night');
    await user.keyboard('{Alt>}{ArrowLeft}{/Alt}');
    expect(names()).toEqual(['City at night', 'Sunrise over the bay', 'Forest trail']);
    await user.keyboard('{Alt>}{ArrowRight}{ArrowRight}{/Alt}');
    expect(names()).toEqual(['Sunrise over the bay', 'Forest trail', 'City at night']);
    screen.getByRole('option', { name: /Forest/ }).focus();
    await user.keyboard('{Delete}');
    expect(names()).toEqual(['Sunrise over the bay', 'City at night']);
    await advance(h, 100);
    expect(h.api.projects.projects[0].clips.map((c) => c.name)).toEqual(['Sunrise over the bay', 'City at night']);
  });

  it('creates, renames and switches projects', async () => {
    const h = await makeStore(new FakeCutline());
    await renderWith(h);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Add Interview — Maya to the timeline' }));
    await user.click(screen.getByRole('button', { name: 'New project' }));
    expect(screen.queryAllByRole('option', { name: /Interview/ })).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Rename' }));
    const field = screen.getByRole('textbox', { name: 'Project name' });
    await user.clear(field);
    await user.type(field, 'Launch video{Enter}');
    const select = screen.getByRole('combobox', { name: 'Project' }) as HTMLSelectElement;
    expect(Array.from(select.options).map((o) => o.textContent)).toEqual(['My first project', 'Launch video']);
    await user.selectOptions(select, 'My first project');
    expect(screen.getAllByRole('option', { name: /Interview/ })).toHaveLength(1);
    await advance(h, 100);
    expect(h.api.projects.projects.map((p) => p.name)).toEqual(['My first project', 'Launch video']);
  });
});

describe('activity panel', () => {
  it('lists ledger entries with tool and device, grouping one charge step across batches, and adds pushes live', async () => {
    const api = new FakeCutline().withAccount(account(), [batch('subscription', 10, 20, 's'), batch('activity', 30, 3, 'a')]);
    const h = await makeStore(api);
    await renderWith(h);
    expect(screen.getByText('No credit activity yet.')).toBeTruthy();
    act(() => api.spendFromOtherDevice('ai-portrait', 15, 'mobile'));
    const rows = screen.getAllByTestId('activity-row');
    expect(rows).toHaveLength(1);
    expect(rows[0].textContent).toContain('Spent');
    expect(rows[0].textContent).toContain('−15 credits');
    expect(rows[0].textContent).toContain('AI Portrait');
    expect(rows[0].textContent).toContain('subscription, activity');
    expect(rows[0].textContent).toContain('Mobile');
  });
});
