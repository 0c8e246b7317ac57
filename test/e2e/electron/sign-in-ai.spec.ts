/**
 * The real Electron app (out/main, out/preload, out/renderer) through Playwright's `_electron`:
 * sign in (system browser played over HTTP, callback delivered the way macOS does, with
 * `open-url`), then one AI action charged against the live balance. Needs an Electron runtime
 * (node_modules/electron/dist); where there is none, it is skipped and says why.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { findElectronRuntime } from '../../../src/devhost/electron-runtime';
import type { CutlineApi } from '@cutline/contract/ipc';
import { DEMO_PASSWORD } from '@cutline/service/test/helpers/client';
import { startTestServer } from '@cutline/service/test/helpers/server';
import { callbackFor } from '@cutline/service/test/helpers/browser-sign-in';

const found = findElectronRuntime();
const runtime = found.ok ? { path: found.path } : { reason: `no Electron runtime here (${found.reason})` };
if ('reason' in runtime && process.env.TEST_WORKER_INDEX !== undefined) process.stdout.write(`[electron e2e] skipped: ${runtime.reason}; the browser-host project covers the same flows in Chromium.\n`);

type PageGlobals = { cutline: CutlineApi } & Record<string, unknown>;
type MainGlobals = { __cutlineOpened?: string[] };

test('sign-in through the browser and the deep link, then an AI action charges the balance', async () => {
  test.skip('reason' in runtime, 'reason' in runtime ? runtime.reason : '');
  const executablePath = (runtime as { path: string }).path;
  const server = await startTestServer();
  const userData = mkdtempSync(join(tmpdir(), 'cutline-electron-'));
  const app = await electron.launch({
    executablePath,
    args: [resolve('out/main/index.js')],
    env: { ...process.env, CUTLINE_SERVICE_URL: server.url, CUTLINE_USER_DATA: userData },
  });
  try {
    // the system browser, as far as this test is concerned: record what the app opens
    await app.evaluate(({ shell }) => {
      const opened: string[] = [];
      (globalThis as MainGlobals).__cutlineOpened = opened;
      shell.openExternal = async (url: string) => {
        opened.push(url);
      };
    });
    const window = await app.firstWindow();
    const isolated = await window.evaluate(() => {
      const page = globalThis as unknown as PageGlobals;
      return { require: typeof page.require, process: typeof page.process, ipc: 'ipcRenderer' in page, api: typeof page.cutline };
    });
    expect(isolated).toEqual({ require: 'undefined', process: 'undefined', ipc: false, api: 'object' });

    await window.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => app.evaluate(() => (globalThis as MainGlobals).__cutlineOpened?.length ?? 0)).toBeGreaterThan(0);
    const [authorizeUrl] = await app.evaluate(() => (globalThis as MainGlobals).__cutlineOpened ?? []);
    expect(new URL(authorizeUrl).pathname).toBe('/oauth/authorize');

    const callback = await callbackFor(authorizeUrl, 'pro@cutline.test', DEMO_PASSWORD);
    await app.evaluate(({ app: electronApp }, url) => {
      electronApp.emit('open-url', { preventDefault() {} }, url);
    }, callback);
    await expect(window.getByTestId('account-email')).toHaveText('pro@cutline.test');
    await expect(window.getByTestId('balance-chip')).toContainText('355');

    const result = await window.evaluate(async () => {
      const api = (globalThis as unknown as PageGlobals).cutline;
      const quote = await api.quote({ tool: 'remove-background' });
      if (!quote.ok) return quote;
      const held = await api.hold({ actionId: 'electron-e2e-action-1', tool: 'remove-background' });
      if (!held.ok) return held;
      return api.capture({ chargeId: held.value.id });
    });
    expect(result).toMatchObject({ ok: true, value: { status: 'captured', cost: 5 } });
    await expect(window.getByTestId('balance-chip')).toContainText('350');
  } finally {
    await app.close();
    await server.close();
    rmSync(userData, { recursive: true, force: true });
  }
});
