/**
 * Helpers for the renderer's end-to-end specs (on top of test/e2e/fixtures/cutline.ts): driving
 * the editor the way a user does, accounts made through the admin API, screenshots, a TCP
 * proxy that can cut the app off from the credit service (offline), and a browser host of a
 * test's own behind such a proxy.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator, Page, TestInfo } from '@playwright/test';
import { startDevhost, type DevhostOptions, type RunningDevhost } from '../../../src/devhost/host';
import { memoryLogger, type LogRecord } from '../../../src/main/core/logger';
import { admin } from '@cutline/service/test/helpers/client';
import { callbackFor } from '@cutline/service/test/helpers/browser-sign-in';
import { startTcpProxy, type TcpProxy } from '../../main/helpers/tcp-proxy';
import { expect, type Service } from '../fixtures/cutline';

/**
 * The simulated AI jobs' randomness, pinned through the page URL (src/renderer/src/main.tsx):
 * no random failures, and a step time that leaves room to press Cancel when asked.
 */
export async function openEditor(page: Page, hostUrl: string, opts: { stepMs?: number; failRate?: number } = {}): Promise<void> {
  const q = new URLSearchParams({ jobFailRate: String(opts.failRate ?? 0), jobStepMs: String(opts.stepMs ?? 40) });
  await page.goto(`${hostUrl}/?${q}`);
  await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
}

export async function shot(page: Page, info: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: info.outputPath(`${name}.png`) });
}

export function chip(page: Page): Locator {
  return page.getByTestId('balance-chip-text');
}

export function timelineClip(page: Page, name: string | RegExp): Locator {
  return page.getByRole('listbox', { name: 'Timeline clips' }).getByRole('option', { name });
}

/** Adds a sample clip to the timeline with its + button. */
export async function addClip(page: Page, mediaName: string): Promise<Locator> {
  const before = await page.getByRole('listbox', { name: 'Timeline clips' }).getByRole('option').count().catch(() => 0);
  await page.getByRole('button', { name: `Add ${mediaName} to the timeline` }).click();
  await expect(page.getByRole('listbox', { name: 'Timeline clips' }).getByRole('option')).toHaveCount(before + 1);
  return timelineClip(page, new RegExp(escape(mediaName)));
}

/** Right-click the clip → AI Tools → the tool (with the mouse, as a user would). */
export async function chooseTool(page: Page, clip: Locator, toolName: string): Promise<void> {
  await clip.click({ button: 'right' });
  await page.getByRole('menuitem', { name: /^AI Tools/ }).hover();
  await page.getByRole('menu', { name: 'AI Tools' }).getByRole('menuitem', { name: new RegExp(`^${escape(toolName)}`) }).click();
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A legacy Pro account with Pro uses and no credits. */
export async function createProUsesAccount(base: string, proUses = 50): Promise<{ id: string; email: string; password: string }> {
  const email = `ui-prouses-${randomBytes(5).toString('hex')}@cutline.test`;
  const password = 'password-123';
  const r = await admin(base, 'POST', '/admin/v1/users', { email, password, plan: 'pro', billing: 'monthly', proUses, teamId: null });
  if (r.status !== 201) throw new Error(`create Pro-uses user: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.id, email, password };
}

/** The first URL the app asked the system browser to open (after `after` earlier ones) that matches. */
export async function waitForOpened(opened: () => string[], pred: (u: URL) => boolean, after = 0): Promise<URL> {
  for (let i = 0; i < 500; i++) {
    const hit = opened()
      .slice(after)
      .map((u) => new URL(u))
      .find(pred);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no matching URL was opened; opened: ${opened().join(', ')}`);
}

/**
 * A TCP proxy in front of the credit service. `cut()` drops every connection and refuses new
 * ones — the network is gone; `restore()` lets connections through again.
 */
export type Cable = TcpProxy;

export function cable(targetUrl: string): Promise<Cable> {
  const target = new URL(targetUrl);
  return startTcpProxy(Number(target.port), target.hostname);
}

/** A browser host of a test's own whose core reaches the service only through `net`. */
export interface HostBehindCable {
  net: Cable;
  host: RunningDevhost;
  /** What the host's core logged (the stream client logs each failed try and the wait it chose). */
  logs: LogRecord[];
  /**
   * Signs the app in without the UI: the app's own signIn (which must start), the sign-in form
   * over HTTP, and the tab's visit to the host's callback page — returned as it answered.
   */
  signIn(account: { email: string; password: string }): Promise<Response>;
  /** Quits the app and starts it again on the same data folder, port and cable: `host` is the new one. */
  reopen(): Promise<RunningDevhost>;
  /** Quits the app (the host stops; its page stays open). */
  stopHost(): Promise<void>;
  /** Starts it again on the same data folder, port and cable. */
  startHost(): Promise<RunningDevhost>;
  /** Closes the host and the cable and removes the host's data folder. */
  close(): Promise<void>;
}

/**
 * Starts a browser host (the built renderer, a temp data folder) behind a fresh cable to the
 * worker's service; web pages stay on the service's own origin. `core` as for `startDevhost`
 * (none: the app's real backoff).
 */
export async function hostBehindCable(service: Service, name: string, core?: DevhostOptions['core']): Promise<HostBehindCable> {
  const net = await cable(service.url);
  const dataDir = mkdtempSync(join(tmpdir(), `cutline-e2e-${name}-`));
  const logger = memoryLogger();
  const start = (port?: number) =>
    startDevhost({
      port,
      serviceUrl: net.url,
      webUrl: service.server.publicUrl,
      dataDir,
      renderer: { mode: 'built', dir: resolve('out/renderer') },
      logger,
      core,
    });
  const host = await start().catch(async (e: unknown) => {
    await net.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  });
  let stopped = false;
  const behind: HostBehindCable = {
    net,
    host,
    logs: logger.records,
    async signIn(account) {
      expect((await behind.host.core.cutline.signIn()).ok).toBe(true);
      const authorize = behind.host.openedUrls().findLast((u) => u.includes('/oauth/authorize'))!;
      return fetch(await callbackFor(authorize, account.email, account.password));
    },
    async stopHost() {
      if (stopped) return;
      stopped = true;
      await behind.host.close();
    },
    async startHost() {
      behind.host = await start(behind.host.port);
      stopped = false;
      return behind.host;
    },
    async reopen() {
      await behind.stopHost();
      return behind.startHost();
    },
    async close() {
      if (!stopped) await behind.host.close();
      await net.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return behind;
}

/**
 * Presses Tab (Shift+Tab with `back`) until `target` has the focus, as a keyboard user moves
 * through the window; fails when it is not reached within `max` presses.
 */
export async function tabTo(page: Page, target: Locator, opts: { back?: boolean; max?: number } = {}): Promise<number> {
  const max = opts.max ?? 80;
  for (let presses = 0; presses <= max; presses++) {
    if (await target.evaluate((el) => el === el.ownerDocument.activeElement).catch(() => false)) return presses;
    await page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab did not reach ${target} in ${max} presses`);
}

/** Tab and Shift+Tab `presses` times each: the focus never leaves `container` (a modal's trap). */
export async function expectFocusTrapped(page: Page, container: Locator, presses = 8): Promise<void> {
  const inside = () => container.evaluate((el) => el.contains(el.ownerDocument.activeElement));
  for (const key of ['Tab', 'Shift+Tab']) {
    for (let i = 0; i < presses; i++) {
      await page.keyboard.press(key);
      expect(await inside(), `${key} × ${i + 1} left the ${container}`).toBe(true);
    }
  }
}
