// @vitest-environment happy-dom
import { act, cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { account, batch, FakeCutline, freeAccount, proAccount, proUsesAccount } from './fake-cutline';
import { addClips, advance, makeStore, renderWith, settle, type Harness } from './harness';

afterEach(cleanup);

async function setup(api: FakeCutline, media: string[] = ['interview', 'sunrise']) {
  const h = await makeStore(api);
  addClips(h, ...media);
  await renderWith(h);
  return { h, user: userEvent.setup() };
}

function clipOption(name: RegExp | string) {
  return screen.getByRole('option', { name });
}

async function openAiToolsByKeyboard(user: ReturnType<typeof userEvent.setup>, clipName: RegExp) {
  clipOption(clipName).focus();
  await user.keyboard('{Shift>}{F10}{/Shift}');
  const menu = screen.getByRole('menu', { name: 'Clip' });
  expect(document.activeElement).toBe(within(menu).getAllByRole('menuitem')[0]);
  await user.keyboard('{ArrowRight}');
  return screen.getByRole('menu', { name: 'AI Tools' });
}

describe('clip context menu', () => {
  it('Shift+F10 opens it on the focused clip; → opens AI Tools with the five tools and their prices', async () => {
    const { user } = await setup(proAccount());
    const sub = await openAiToolsByKeyboard(user, /Interview/);
    const items = within(sub).getAllByRole('menuitem');
    expect(items.map((i) => i.textContent)).toEqual([
      'Remove Background5 credits',
      'Smart Cutout8 credits',
      'AI Portrait15 credits',
      'Premium Voiceover10 credits',
      'Auto Captions3 credits',
    ]);
    expect(document.activeElement).toBe(items[0]);
  });

  it('the ContextMenu key opens it too, and right-click opens it at the pointer', async () => {
    const { user } = await setup(proAccount());
    clipOption(/Sunrise/).focus();
    await user.keyboard('{ContextMenu}');
    expect(screen.getByRole('menu', { name: 'Clip' })).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).toBeNull();
    await user.pointer({ keys: '[MouseRight]', target: clipOption(/Interview/) });
    expect(screen.getByRole('menu', { name: 'Clip' })).toBeTruthy();
    expect(clipOption(/Interview/).getAttribute('aria-selected')).toBe('true');
  });

  it('arrows move, ← and Esc close the submenu back to its item, Esc closes the menu and focus returns to the clip', async () => {
    const { user } = await setup(proAccount());
    const sub = await openAiToolsByKeyboard(user, /Interview/);
    const items = within(sub).getAllByRole('menuitem');
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(document.activeElement).toBe(items[2]);
    await user.keyboard('{ArrowUp}{ArrowUp}{ArrowUp}');
    expect(document.activeElement).toBe(items[4]); // wraps
    await user.keyboard('{ArrowLeft}');
    expect(screen.queryByRole('menu', { name: 'AI Tools' })).toBeNull();
    const parent = screen.getByRole('menuitem', { name: /AI Tools/ });
    expect(document.activeElement).toBe(parent);
    expect(parent.getAttribute('aria-expanded')).toBe('false');
    await user.keyboard('{Enter}');
    expect(screen.getByRole('menu', { name: 'AI Tools' })).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu', { name: 'AI Tools' })).toBeNull();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(clipOption(/Interview/));
  });

  it('Enter on a tool prices it and opens the confirm dialog', async () => {
    const { h, user } = await setup(proAccount());
    await openAiToolsByKeyboard(user, /Interview/);
    await user.keyboard('{ArrowDown}{ArrowDown}{Enter}');
    await act(settle);
    expect(h.api.callsOf('quote')).toEqual([{ tool: 'ai-portrait', mediaId: 'interview', quantity: 1 }]);
    const dialog = screen.getByRole('alertdialog', { name: 'AI Portrait' });
    expect(dialog.textContent).toContain('This will use 15 credits. Continue?');
    expect(screen.queryByRole('menu')).toBeNull();
  });

  it('offline: AI Tools is disabled with the reason, and editing entries still work', async () => {
    const { h, user } = await setup(proAccount());
    act(() => h.api.setState({ connection: 'offline', offlineReason: 'Cutline cannot reach the credit service.' }));
    clipOption(/Interview/).focus();
    await user.keyboard('{Shift>}{F10}{/Shift}');
    const ai = screen.getByRole('menuitem', { name: /AI Tools/ });
    expect(ai.getAttribute('aria-disabled')).toBe('true');
    expect(ai.textContent).toContain('Cutline cannot reach the credit service.');
    await user.keyboard('{ArrowRight}{Enter}');
    expect(screen.queryByRole('menu', { name: 'AI Tools' })).toBeNull();
    expect(h.api.callsOf('quote')).toEqual([]);
    // "Move right" still works offline.
    await user.keyboard('{ArrowDown}{ArrowDown}{Enter}');
    expect(h.store.getState().projects[0].clips.map((c) => c.mediaId)).toEqual(['sunrise', 'interview']);
    expect(screen.getByTestId('offline-banner').textContent).toContain('Editing still works');
  });

  it('a clip with a running job shows each tool disabled with why', async () => {
    const { h, user } = await setup(proAccount());
    const clip = h.store.getState().projects[0].clips[0].id;
    await act(async () => {
      await h.store.getState().startAction('auto-captions', { clipId: clip });
      await h.store.getState().confirmFlow();
    });
    const sub = await openAiToolsByKeyboard(user, /Interview/);
    const first = within(sub).getAllByRole('menuitem')[0];
    expect(first.getAttribute('aria-disabled')).toBe('true');
    expect(first.textContent).toContain('An AI tool is already running on this clip.');
  });

  it('a Pro-uses account sees "1 Pro use" as the price of eligible tools', async () => {
    const api = proUsesAccount();
    const { user } = await setup(api);
    const sub = await openAiToolsByKeyboard(user, /Interview/);
    expect(within(sub).getAllByRole('menuitem')[0].textContent).toBe('Remove Background1 Pro use');
  });
});

describe('toolbar AI Generate', () => {
  it('opens with ↓, lists AI Image and Script to Video with prices, and asks for a prompt', async () => {
    const { h, user } = await setup(proAccount());
    const button = screen.getByRole('button', { name: /AI Generate/ });
    button.focus();
    await user.keyboard('{ArrowDown}');
    const menu = screen.getByRole('menu', { name: 'AI Generate' });
    expect(within(menu).getAllByRole('menuitem').map((i) => i.textContent)).toEqual([
      'AI Image20 credits',
      'Script to Video60 credits',
    ]);
    await user.keyboard('{Enter}');
    const dialog = screen.getByRole('dialog', { name: 'AI Image' });
    const field = within(dialog).getByLabelText('Describe the image');
    expect(document.activeElement).toBe(field);
    await user.type(field, 'A red kite');
    await user.click(within(dialog).getByRole('button', { name: 'Continue' }));
    await act(settle);
    expect(h.api.callsOf('quote')).toEqual([{ tool: 'ai-image', quantity: 1 }]);
    expect(screen.getByRole('alertdialog', { name: 'AI Image' }).textContent).toContain('This will use 20 credits. Continue?');
  });
});

describe('confirm dialog', () => {
  async function confirmFor(api: FakeCutline, tool: string): Promise<{ h: Harness; user: ReturnType<typeof userEvent.setup>; dialog: HTMLElement }> {
    const { h, user } = await setup(api);
    const clip = h.store.getState().projects[0].clips[0].id;
    clipOption(/Interview/).focus();
    await act(() => h.store.getState().startAction(tool, { clipId: clip }));
    const dialog = screen.getByRole('alertdialog');
    return { h, user, dialog };
  }

  it('shows the cost, the balance and the credit types the quote will use', async () => {
    // 10 subscription left, then activity: AI Portrait (15) uses 10 subscription + 5 activity.
    const api = new FakeCutline().withAccount(account(), [batch('subscription', 10, 20, 's'), batch('activity', 30, 3, 'a'), batch('purchased', 5, 700, 'p')]);
    const { dialog } = await confirmFor(api, 'ai-portrait');
    expect(dialog.textContent).toContain('This will use 15 credits. Continue?');
    expect(dialog.textContent).toContain('Using 10 subscription credits and 5 activity credits');
    expect(dialog.textContent).toContain('Your balance: 45 credits.');
  });

  it('for a Pro-uses account: "This will use 1 Pro use."', async () => {
    const api = proUsesAccount();
    api.prefs.exchangePromptDismissed = true;
    const { dialog } = await confirmFor(api, 'ai-portrait');
    expect(dialog.textContent).toContain('This will use 1 Pro use.');
    expect(dialog.textContent).toContain('You have 50 Pro uses left.');
    expect(dialog.textContent).not.toContain('credits. Continue?');
  });

  it('focus starts on Continue, Tab and Shift+Tab stay inside, Esc cancels and focus goes back', async () => {
    const { h, user, dialog } = await confirmFor(proAccount(), 'remove-background');
    const cont = within(dialog).getByRole('button', { name: 'Continue' });
    const cancel = within(dialog).getByRole('button', { name: 'Cancel' });
    expect(document.activeElement).toBe(cont);
    await user.tab();
    expect(document.activeElement).toBe(cancel);
    await user.tab();
    expect(document.activeElement).toBe(cont);
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(cancel);
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(cont);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(h.api.callsOf('hold')).toEqual([]);
    expect(document.activeElement).toBe(clipOption(/Interview/));
  });

  it('Continue holds, runs the job with a progress bar and Cancel, then shows the result on the clip', async () => {
    const { h, user, dialog } = await confirmFor(proAccount(), 'remove-background');
    await user.click(within(dialog).getByRole('button', { name: 'Continue' }));
    await act(settle);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    const job = screen.getByTestId('job');
    expect(job.getAttribute('data-status')).toBe('running');
    expect(within(job).getByRole('progressbar')).toBeTruthy();
    expect(within(job).getByRole('button', { name: 'Cancel' })).toBeTruthy();
    expect(screen.getByTestId('balance-chip-text').textContent).toBe('350 credits');
    await advance(h, 100 * 30);
    expect(screen.getByTestId('job').textContent).toContain('Remove Background applied. 5 credits used.');
    const clip = clipOption(/Interview/);
    expect(within(clip).getByText('Remove Background', { selector: '.badge' })).toBeTruthy();
    expect(clip.querySelector('.thumb')?.className).toContain('fx-remove-background');
  });

  it('Cancel on a running job returns the credits and says so', async () => {
    const { h, user, dialog } = await confirmFor(proAccount(), 'ai-portrait');
    await user.click(within(dialog).getByRole('button', { name: 'Continue' }));
    await advance(h, 200);
    await user.click(within(screen.getByTestId('job')).getByRole('button', { name: 'Cancel' }));
    await act(settle);
    expect(screen.getByTestId('job').textContent).toContain('Cancelled. 15 credits returned.');
    expect(screen.getByTestId('balance-chip-text').textContent).toBe('355 credits');
  });
});

describe('not enough credits dialog', () => {
  it('says so with the amounts, and its buttons open the store and the Pro checkout', async () => {
    const { h, user } = await setup(freeAccount());
    const clip = h.store.getState().projects[0].clips[0].id;
    await act(() => h.store.getState().startAction('ai-portrait', { clipId: clip }));
    const dialog = screen.getByRole('alertdialog', { name: 'Not enough credits' });
    expect(dialog.textContent).toContain('Buy credits or upgrade to Pro');
    expect(dialog.textContent).toContain('AI Portrait needs 15 credits. You have 0 credits.');
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Buy credits' }));
    await user.click(within(dialog).getByRole('button', { name: 'Buy credits' }));
    await act(settle);
    expect(h.api.callsOf('openWeb')).toEqual([{ path: '/store' }]);
    expect(screen.queryByRole('alertdialog')).toBeNull();

    await act(() => h.store.getState().startAction('ai-portrait', { clipId: clip }));
    await user.click(screen.getByRole('button', { name: 'Upgrade to Pro' }));
    await act(settle);
    expect(h.api.callsOf('openWeb')).toEqual([{ path: '/store' }, { path: '/upgrade' }]);
  });

  it('shows why when the browser could not be opened, and Esc closes it', async () => {
    const { h, user } = await setup(freeAccount());
    const clip = h.store.getState().projects[0].clips[0].id;
    await act(() => h.store.getState().startAction('ai-portrait', { clipId: clip }));
    h.api.fail('openWeb', { code: 'offline', message: 'Cutline cannot reach the credit service, so the store could not be opened.' });
    await user.click(screen.getByRole('button', { name: 'Buy credits' }));
    await act(settle);
    expect(screen.getByRole('alert').textContent).toBe('Cutline cannot reach the credit service, so the store could not be opened.');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });
});

describe('exchange prompt', () => {
  it('asks "Would you like to switch from Pro uses to flexible credits?"; Not now continues to the confirm dialog', async () => {
    const { h, user } = await setup(proUsesAccount());
    const clip = h.store.getState().projects[0].clips[0].id;
    await act(() => h.store.getState().startAction('remove-background', { clipId: clip }));
    const dialog = screen.getByRole('dialog', { name: 'Switch to flexible credits?' });
    expect(dialog.textContent).toContain('Would you like to switch from Pro uses to flexible credits?');
    expect(dialog.textContent).toContain('Your 50 Pro uses would become 40 credits');
    await user.click(within(dialog).getByRole('button', { name: 'Learn More' }));
    await act(settle);
    expect(h.api.callsOf('openWeb')).toEqual([{ path: '/exchange' }]);
    expect(dialog.textContent).toContain('The exchange page is open in your browser.');
    await user.click(within(dialog).getByRole('button', { name: 'Not now' }));
    await act(settle);
    expect(h.api.prefs.exchangePromptDismissed).toBe(true);
    expect(screen.getByRole('alertdialog').textContent).toContain('This will use 1 Pro use.');
  });

  it('Exchange Now opens the exchange page and closes the question', async () => {
    const { h, user } = await setup(proUsesAccount());
    const clip = h.store.getState().projects[0].clips[0].id;
    await act(() => h.store.getState().startAction('remove-background', { clipId: clip }));
    await user.click(screen.getByRole('button', { name: 'Exchange Now' }));
    await act(settle);
    expect(h.api.callsOf('openWeb')).toEqual([{ path: '/exchange' }]);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByTestId('notice').textContent).toContain('The exchange page is open in your browser.');
  });
});
