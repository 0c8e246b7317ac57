/**
 * Crash reports from the real renderer in Chromium, through the browser host's core to the real
 * service: while the Settings checkbox is off (as it starts) the window's uncaught errors go
 * nowhere; once the user turns it on with the keyboard, they are stored by the service, scrubbed
 * of what the error carried of the user's.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '../fixtures/cutline';
import { openEditor, shot } from './support';

test('uncaught errors of the window reach the service only after the user agreed, scrubbed', async ({ app, browserHost, service }, info) => {
  const dir = service.server.crashReportsDir;
  const storedReports = () =>
    (existsSync(dir) ? readdirSync(dir) : []).filter((n) => n.endsWith('.json')).map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as { report: { process: string; event: string; error: { message: string } } });
  const before = storedReports().length;
  await openEditor(app, browserHost.url);

  // off: an error thrown in the page is not sent
  await app.evaluate(() => setTimeout(() => {
    throw new Error('first failure before consent');
  }));
  await app.getByRole('button', { name: 'Settings' }).click();
  const dialog = app.getByRole('dialog', { name: 'Settings' });
  const box = dialog.getByRole('checkbox', { name: 'Send crash reports to Cutline' });
  await expect(box).not.toBeChecked();
  await expect(box).toBeFocused();
  await shot(app, info, 'settings-off');
  await app.keyboard.press('Space');
  await expect(box).toBeChecked();
  await app.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  expect(await browserHost.host.core.cutline.getCrashReporting()).toEqual({ enabled: true });
  expect(storedReports()).toHaveLength(before);

  await app.evaluate(() => setTimeout(() => {
    throw new TypeError('cannot open /home/lena/Videos/rough cut.mp4 for lena.m@example.com');
  }));
  await app.evaluate(() => void Promise.reject(new Error('export failed for C:\\Users\\Lena M\\Desktop\\final.mov')));
  await expect.poll(() => storedReports().length).toBe(before + 2);
  const reports = storedReports().slice(before);
  const all = JSON.stringify(reports);
  for (const secret of ['lena', 'Lena M', 'rough cut', 'example.com', 'final.mov']) expect(all).not.toContain(secret);
  expect(reports.map((r) => `${r.report.process} ${r.report.event}`).sort()).toEqual(['renderer error', 'renderer unhandledrejection']);
  expect(reports.map((r) => r.report.error.message)).toContain('cannot open <user path>');
});
