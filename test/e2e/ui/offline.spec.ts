/** Offline: AI tools off with the reason, editing still works; back online, the balance resyncs by itself. */
import { expect, test } from '../fixtures/cutline';
import { addClip, chip, hostBehindCable, openEditor, shot, timelineClip } from './support';

test('offline and back: AI entries disabled with the reason, editing works, the balance catches up', async ({ page, service }, info) => {
  // A host of our own, behind the cable, with quick reconnects.
  const behind = await hostBehindCable(service, 'offline', { backoff: { baseMs: 100, maxMs: 400 } });
  const { net, host } = behind;
  try {
    const account = await service.createAccount(100);
    await openEditor(page, host.url);
    // Sign in as the fixtures do: the app's signIn, the form over HTTP, the callback delivered.
    expect((await behind.signIn(account)).status).toBe(200); // the tab follows the loopback redirect
    await expect(chip(page)).toHaveText('100 credits');
    await expect(page.getByTestId('connection')).toHaveText('Online');
    const first = await addClip(page, 'Sunrise over the bay');

    net.cut();
    await expect(page.getByTestId('connection')).toHaveText('Offline');
    const reason = 'Cannot reach the Cutline service. AI tools are off until the connection returns.';
    await expect(page.getByTestId('offline-banner')).toContainText(reason);
    await expect(page.getByTestId('ai-reason')).toHaveText(reason);

    // Editing keeps working.
    const second = await addClip(page, 'City at night');
    await second.focus();
    await page.keyboard.press('Alt+ArrowLeft');
    await expect(page.getByRole('listbox', { name: 'Timeline clips' }).getByRole('option').first()).toHaveAccessibleName(/City at night/);

    // AI entries are disabled and say why.
    await first.click({ button: 'right' });
    const ai = page.getByRole('menuitem', { name: /^AI Tools/ });
    await expect(ai).toHaveAttribute('aria-disabled', 'true');
    await expect(ai).toContainText(reason);
    await shot(page, info, 'offline');
    await page.keyboard.press('Escape');

    // Meanwhile a phone spends 20 credits; the app can't hear about it yet.
    const phone = await service.secondDevice(account);
    await phone.charge('ai-image');

    net.restore();
    await expect(page.getByTestId('connection')).toHaveText('Online');
    await expect(chip(page)).toHaveText('80 credits');
    await expect(page.getByTestId('offline-banner')).toHaveCount(0);
    await expect(timelineClip(page, /Sunrise/)).toBeVisible();
    await first.click({ button: 'right' });
    await expect(page.getByRole('menuitem', { name: /^AI Tools/ })).not.toHaveAttribute('aria-disabled', 'true');
    await shot(page, info, 'back-online');
  } finally {
    await behind.close();
  }
});
