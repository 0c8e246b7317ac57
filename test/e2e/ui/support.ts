/**
 * Helpers for the renderer's end-to-end specs (on top of test/e2e/fixtures/cutline.ts): driving
 * the editor the way a user does, accounts made through the admin API, screenshots, and a TCP
 * proxy that can cut the app off from the credit service (offline).
 */
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Locator, Page, TestInfo } from '@playwright/test';
import { admin } from '@cutline/service/test/helpers/client';
import { expect } from '../fixtures/cutline';

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
export interface Cable {
  url: string;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function cable(targetUrl: string): Promise<Cable> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  let up = true;
  const server: Server = createServer((client) => {
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    cut() {
      up = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() {
      up = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
