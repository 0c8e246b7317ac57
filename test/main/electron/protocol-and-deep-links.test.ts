/** Registering the cutline: scheme, and links arriving from the OS (argv, second-instance, open-url). */
import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { App } from 'electron';
import { DeepLinkRouter, type DeepLinkHandlers } from '../../../src/main/core/deep-link-router';
import { memoryLogger } from '../../../src/main/core/logger';
import { wireDeepLinkSources } from '../../../src/main/electron/deep-link-sources';
import { registerProtocolClient } from '../../../src/main/electron/protocol-client';
import { REDIRECT_URI } from '@cutline/contract/oauth-client';

function fakeApp() {
  const calls: unknown[][] = [];
  return { calls, setAsDefaultProtocolClient: (...args: unknown[]) => (calls.push(args), true) } as unknown as Pick<App, 'setAsDefaultProtocolClient'> & {
    calls: unknown[][];
  };
}

describe('registerProtocolClient', () => {
  it('registers the bare executable when packaged', () => {
    const app = fakeApp();
    registerProtocolClient(app, { execPath: 'C:\\Program Files\\Cutline\\Cutline.exe', argv: ['C:\\Program Files\\Cutline\\Cutline.exe'] });
    expect(app.calls).toEqual([['cutline']]);
  });

  it('registers the Electron binary plus the app script in development', () => {
    const app = fakeApp();
    registerProtocolClient(app, { defaultApp: true, execPath: '/opt/electron/electron', argv: ['/opt/electron/electron', 'out/main/index.js'] });
    expect(app.calls).toEqual([['cutline', '/opt/electron/electron', [resolve('out/main/index.js')]]]);
  });
});

describe('wireDeepLinkSources', () => {
  function setup(launchArgv: string[]) {
    const app = new EventEmitter();
    const delivered: string[] = [];
    const handlers: DeepLinkHandlers = {
      isIssuedState: (s) => s === 'issued-state',
      authCallback: (code) => delivered.push(`auth:${code}`),
      storeComplete: (order) => delivered.push(`store:${order}`),
      exchangeComplete: () => delivered.push('exchange'),
      upgradeComplete: () => delivered.push('upgrade'),
    };
    const logger = memoryLogger();
    const router = new DeepLinkRouter({ logger });
    let fronted = 0;
    wireDeepLinkSources(app as unknown as Pick<App, 'on'>, launchArgv, router, () => fronted++);
    return { app, router, handlers, delivered, logger, fronted: () => fronted };
  }

  it('queues the link a Windows launch carried until the window is ready', () => {
    const t = setup([
      'C:\\Program Files\\Cutline\\Cutline.exe',
      '--allow-file-access-from-files',
      '--original-process-start-time=13372189934256671',
      'cutline://store/complete?order=ord_9',
    ]);
    expect(t.delivered).toEqual([]);
    t.router.setReady(t.handlers);
    expect(t.delivered).toEqual(['store:ord_9']);
  });

  it('takes links from second-instance argv, Windows-style, and brings the window forward', () => {
    const t = setup(['Cutline.exe']);
    t.router.setReady(t.handlers);
    t.app.emit('second-instance', {}, ['C:\\Program Files\\Cutline\\Cutline.exe', '--secondary', `"${REDIRECT_URI}?code=c1&state=issued-state"`], 'C:\\');
    t.app.emit('second-instance', {}, ['"C:\\Program Files\\Cutline\\Cutline.exe" --flag "cutline://exchange/complete/"'], 'C:\\');
    expect(t.delivered).toEqual(['auth:c1', 'exchange']);
    expect(t.fronted()).toBe(2);
  });

  it('takes open-url links and stops the default handling', () => {
    const t = setup([]);
    t.router.setReady(t.handlers);
    let prevented = false;
    t.app.emit('open-url', { preventDefault: () => (prevented = true) }, `${REDIRECT_URI}?code=c2&state=forged`);
    expect(prevented).toBe(true);
    expect(t.delivered).toEqual([]);
    expect(t.logger.records.map((r) => r.fields.reason)).toEqual(['state not issued by this app']);
  });
});
