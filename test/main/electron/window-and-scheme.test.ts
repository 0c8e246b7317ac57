/** Window hardening and the app:// scheme (electron mocked). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const { windows } = vi.hoisted(() => ({ windows: [] as { options: Record<string, unknown>; loaded: string[] }[] }));
vi.mock('electron', () => {
  class BrowserWindow {
    readonly webContents = { setWindowOpenHandler: () => {}, on: () => {} };
    private readonly record: { options: Record<string, unknown>; loaded: string[] };
    constructor(options: Record<string, unknown>) {
      this.record = { options, loaded: [] };
      windows.push(this.record);
    }
    once() {}
    loadURL(url: string) {
      this.record.loaded.push(url);
      return Promise.resolve();
    }
  }
  return { BrowserWindow };
});

import type { WebContents } from 'electron';
import { contentSecurityPolicy } from '../../../src/main/core/content-security-policy';
import { resolveAppFile, serveAppScheme } from '../../../src/main/electron/app-scheme';
import { createMainWindow, denyPermissions, hardenWebContents } from '../../../src/main/electron/window';

describe('createMainWindow', () => {
  it('isolates and sandboxes the renderer, with no Node in it', () => {
    createMainWindow({ preload: '/app/out/preload/index.cjs', url: 'app://cutline/index.html' });
    const { options, loaded } = windows[0];
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(loaded).toEqual(['app://cutline/index.html']);
  });
});

describe('hardenWebContents / denyPermissions', () => {
  it('denies new windows, navigation, redirects and webviews', () => {
    let openHandler: ((details: { url: string }) => { action: string }) | null = null;
    const listeners = new Map<string, (event: { preventDefault(): void }) => void>();
    hardenWebContents({
      setWindowOpenHandler: (h: (details: { url: string }) => { action: string }) => (openHandler = h),
      on: (name: string, l: (event: { preventDefault(): void }) => void) => listeners.set(name, l),
    } as unknown as WebContents);
    expect(openHandler!({ url: 'https://evil.test' })).toEqual({ action: 'deny' });
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      let prevented = false;
      listeners.get(name)!({ preventDefault: () => (prevented = true) });
      expect(prevented, name).toBe(true);
    }
  });

  it('grants no permission', () => {
    const answers: boolean[] = [];
    let check: (() => boolean) | null = null;
    denyPermissions({
      setPermissionRequestHandler: (h: (wc: unknown, p: string, cb: (ok: boolean) => void) => void) => h(null, 'media', (ok) => answers.push(ok)),
      setPermissionCheckHandler: (h: () => boolean) => (check = h),
    } as never);
    expect(answers).toEqual([false]);
    expect(check!()).toBe(false);
  });
});

describe('app:// scheme', () => {
  const root = mkdtempSync(join(tmpdir(), 'cutline-renderer-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Cutline</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('maps app://cutline/ paths into the renderer folder only', () => {
    expect(resolveAppFile('app://cutline/', root)).toBe(join(root, 'index.html'));
    expect(resolveAppFile('app://cutline/assets/app.js', root)).toBe(join(root, 'assets', 'app.js'));
    // dot segments are resolved by the URL parser first: they cannot climb out of the folder
    expect(resolveAppFile('app://cutline/%2e%2e/cutline-secret.txt', root)).toBe(join(root, 'cutline-secret.txt'));
    // an encoded slash survives parsing and is caught here

    expect(resolveAppFile('app://cutline/..%2fcutline-secret.txt', root)).toBeNull();
    expect(resolveAppFile('app://other/index.html', root)).toBeNull();
    expect(resolveAppFile('file:///etc/passwd', root)).toBeNull();
  });

  it('serves the page with the CSP and nothing outside the folder', async () => {
    let handler: ((request: Request) => Promise<Response>) | null = null;
    const csp = contentSecurityPolicy();
    serveAppScheme({ handle: (_scheme: string, h: (request: Request) => Promise<Response>) => (handler = h) } as never, root, csp);
    const page = await handler!(new Request('app://cutline/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(csp);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    const script = await handler!(new Request('app://cutline/assets/app.js'));
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await handler!(new Request('app://cutline/..%2fcutline-secret.txt'))).status).toBe(404);
    expect((await handler!(new Request('app://cutline/missing.js'))).status).toBe(404);
  });
});
