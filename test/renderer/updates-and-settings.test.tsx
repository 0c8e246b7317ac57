// @vitest-environment happy-dom
/**
 * The update banner and the settings dialog on the real store with a fake bridge: what each
 * update status shows, that the buttons reach main and the keyboard reaches them, that the
 * crash-report choice starts off and is saved, and that the window's uncaught errors go to main.
 */
import { act, cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { describeUncaught, forwardUncaughtErrors } from '../../src/renderer/src/error-reporting';
import { CRASH_REPORTS_EXPLAINED } from '../../src/renderer/src/components/SettingsDialog';
import { proAccount } from './fake-cutline';
import { makeStore, renderWith, settle } from './harness';

afterEach(cleanup);

async function setup() {
  const h = await makeStore(proAccount());
  await renderWith(h);
  return { h, user: userEvent.setup() };
}

const push = async (h: Awaited<ReturnType<typeof setup>>['h'], patch: Parameters<typeof h.api.pushUpdateStatus>[0]) =>
  act(async () => {
    h.api.pushUpdateStatus(patch);
    await settle();
  });

describe('update banner', () => {
  it('shows nothing while idle, the download’s progress, then Restart to update and Later', async () => {
    const { h, user } = await setup();
    expect(screen.queryByTestId('update-banner')).toBeNull();
    await push(h, { phase: 'downloading', version: '1.2.0', percent: 42.4 });
    const banner = screen.getByRole('region', { name: 'Cutline update' });
    expect(within(banner).getByRole('status').textContent).toContain('Downloading Cutline 1.2.0…');
    const bar = within(banner).getByRole('progressbar', { name: 'Downloading Cutline 1.2.0' });
    expect(bar.getAttribute('value')).toBe('42.4');

    await push(h, { phase: 'ready', percent: 100 });
    expect(within(banner).getByRole('status').textContent).toContain('Cutline 1.2.0 is ready to install.');
    // keyboard: Tab reaches Restart to update
    within(banner).getByRole('button', { name: 'Restart to update' }).focus();
    await user.keyboard('{Enter}');
    await act(settle);
    expect(h.api.callsOf('restartToUpdate')).toHaveLength(1);
    expect(screen.getByTestId('update-banner').getAttribute('data-phase')).toBe('installing');
    expect(screen.getByTestId('update-banner').textContent).toContain('Restarting to install Cutline 1.2.0…');
  });

  it('while AI jobs run the restart waits, says so, and Not now puts it off to the next start', async () => {
    const { h, user } = await setup();
    await push(h, { phase: 'ready', version: '1.2.0', runningJobs: 2 });
    await user.click(screen.getByRole('button', { name: 'Restart to update' }));
    await act(settle);
    const banner = screen.getByTestId('update-banner');
    expect(banner.textContent).toContain('Cutline will restart to install 1.2.0 when your 2 AI jobs finish.');
    await push(h, { runningJobs: 1 });
    expect(banner.textContent).toContain('when your AI job finishes.');
    await user.click(screen.getByRole('button', { name: 'Not now: install the update the next time Cutline starts' }));
    await act(settle);
    expect(h.api.callsOf('deferUpdate')).toHaveLength(1);
    expect(screen.queryByTestId('update-banner')).toBeNull();
  });

  it('a failed check the user asked for says why and can be dismissed', async () => {
    const { h, user } = await setup();
    await push(h, { phase: 'error', message: 'Cutline could not check for updates. It will try again later.' });
    expect(screen.getByTestId('update-banner').textContent).toContain('Cutline could not check for updates.');
    await user.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('update-banner')).toBeNull();
    await push(h, { phase: 'downloading', version: '1.3.0', percent: 1, message: null });
    expect(screen.getByTestId('update-banner').textContent).toContain('Downloading Cutline 1.3.0…');
  });
});

describe('settings dialog', () => {
  it('crash reports start off; turning them on is saved through main; focus returns to the button', async () => {
    const { h, user } = await setup();
    const opener = screen.getByRole('button', { name: 'Settings' });
    await user.click(opener);
    const dialog = screen.getByRole('dialog', { name: 'Settings' });
    const box = within(dialog).getByRole('checkbox', { name: 'Send crash reports to Cutline' });
    expect((box as HTMLInputElement).checked).toBe(false);
    expect(document.getElementById(box.getAttribute('aria-describedby')!)?.textContent).toBe(CRASH_REPORTS_EXPLAINED);
    expect(document.activeElement).toBe(box);
    await user.keyboard(' ');
    await act(settle);
    expect(h.api.callsOf('setCrashReporting')).toEqual([{ enabled: true }]);
    expect((box as HTMLInputElement).checked).toBe(true);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
    // opened again: the saved choice
    await user.click(opener);
    expect((within(screen.getByRole('dialog', { name: 'Settings' })).getByRole('checkbox') as HTMLInputElement).checked).toBe(true);
  });

  it('shows the version, checks for updates when asked and says what it found', async () => {
    const { h, user } = await setup();
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    const dialog = screen.getByRole('dialog', { name: 'Settings' });
    expect(dialog.textContent).toContain('You have Cutline 1.0.0.');
    await user.click(within(dialog).getByRole('button', { name: 'Check for updates' }));
    expect(h.api.callsOf('checkForUpdates')).toHaveLength(1);
    await push(h, { phase: 'up-to-date' });
    expect(within(dialog).getByRole('status').textContent).toContain('Cutline 1.0.0 is up to date.');
  });

  it('where the app does not update itself (the browser host), it says so and offers no check', async () => {
    const { h, user } = await setup();
    await push(h, { phase: 'unavailable', message: 'Updates are installed by the packaged app; this copy of Cutline does not update itself.' });
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    const dialog = screen.getByRole('dialog', { name: 'Settings' });
    expect((within(dialog).getByRole('button', { name: 'Check for updates' }) as HTMLButtonElement).disabled).toBe(true);
    expect(within(dialog).getByRole('status').textContent).toContain('this copy of Cutline does not update itself');
  });
});

describe('uncaught errors of the window', () => {
  it('errors and unhandled rejections go to main with name, message and stack', async () => {
    const sent: unknown[] = [];
    const target = new EventTarget();
    const off = forwardUncaughtErrors({ reportRendererError: async (e) => void sent.push(e) }, target as unknown as Window);
    const boom = new RangeError('clip index out of range');
    target.dispatchEvent(Object.assign(new Event('error'), { error: boom, message: boom.message }));
    target.dispatchEvent(Object.assign(new Event('unhandledrejection'), { reason: 'export failed' }));
    off();
    target.dispatchEvent(Object.assign(new Event('error'), { error: boom, message: boom.message }));
    expect(sent).toEqual([
      { event: 'error', name: 'RangeError', message: 'clip index out of range', stack: boom.stack },
      { event: 'unhandledrejection', name: 'Error', message: 'export failed', stack: null },
    ]);
  });

  it('fits what it sends into main’s limits', () => {
    const long = new Error('x'.repeat(5000));
    const report = describeUncaught('error', long);
    expect(report.message).toHaveLength(4000);
    expect(describeUncaught('unhandledrejection', { code: 7 }).name).toBe('object');
  });
});
