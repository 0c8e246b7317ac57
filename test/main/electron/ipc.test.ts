/** ipcMain handlers: one per channel, sender frame checked, arguments validated (electron mocked). */
import { beforeEach, describe, expect, it, vi } from 'vitest';

type Handler = (event: unknown, ...args: unknown[]) => Promise<unknown>;
const { handlers } = vi.hoisted(() => ({ handlers: new Map<string, Handler>() }));
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

import type { WebFrameMain } from 'electron';
import { INVOKE_CHANNELS } from '@cutline/contract/ipc';
import { InvalidInvocationError } from '../../../src/main/core/bridge';
import { memoryLogger } from '../../../src/main/core/logger';
import { isTrustedSender, originOf, registerIpcHandlers, UntrustedSenderError } from '../../../src/main/electron/ipc';
import { offlineCore } from '../helpers/offline-core';

const frame = (url: string, parent: unknown = null) => ({ url, parent }) as unknown as WebFrameMain;
const appFrame = frame('app://cutline/index.html');

function setup() {
  handlers.clear();
  const core = offlineCore();
  const logger = memoryLogger();
  const unregister = registerIpcHandlers(
    core.cutline,
    (event) => isTrustedSender((event as { senderFrame: WebFrameMain | null }).senderFrame, appFrame, 'app://cutline'),
    logger,
  );
  const invoke = (method: keyof typeof INVOKE_CHANNELS, senderFrame: WebFrameMain | null, ...args: unknown[]) =>
    handlers.get(INVOKE_CHANNELS[method].channel)!({ senderFrame }, ...args);
  return { core, logger, invoke, unregister };
}

describe('registerIpcHandlers', () => {
  beforeEach(() => handlers.clear());

  it('registers exactly the contract channels, and removes them again', () => {
    const { unregister } = setup();
    expect([...handlers.keys()].sort()).toEqual(Object.values(INVOKE_CHANNELS).map((c) => c.channel).sort());
    unregister();
    expect(handlers.size).toBe(0);
  });

  it('answers the app window', async () => {
    const { invoke } = setup();
    expect(await invoke('getPrefs', appFrame)).toEqual({ exchangePromptDismissed: false, askBeforePersonalCredits: true });
    expect(await invoke('setPrefs', appFrame, { exchangePromptDismissed: true })).toEqual({ exchangePromptDismissed: true, askBeforePersonalCredits: true });
    expect(await invoke('getState', appFrame)).toMatchObject({ account: null, serviceUrl: 'http://127.0.0.1:9' });
  });

  it.each([
    ['no frame', null],
    ['a subframe of the app', frame('app://cutline/index.html', appFrame)],
    ['another frame on the app origin', frame('app://cutline/index.html')],
    ['a page from another origin', frame('https://evil.test/')],
  ])('refuses %s and never reaches the core', async (_name, sender) => {
    const { invoke, core, logger } = setup();
    await expect(invoke('setPrefs', sender, { exchangePromptDismissed: true })).rejects.toBeInstanceOf(UntrustedSenderError);
    expect(core.data.getPrefs()).toEqual({ exchangePromptDismissed: false, askBeforePersonalCredits: true });
    expect(logger.records[0]).toMatchObject({ message: 'ipc call refused: untrusted sender' });
  });

  it.each([
    ['an unknown field', 'setPrefs', [{ exchangePromptDismissed: true, admin: true }]],
    ['a wrong type', 'setPrefs', [{ exchangePromptDismissed: 'yes' }]],
    ['a too-short action id', 'hold', [{ actionId: 'x', tool: 'ai-portrait' }]],
    ['an action id with spaces', 'hold', [{ actionId: 'an action id', tool: 'ai-portrait' }]],
    ['a quantity out of range', 'quote', [{ tool: 'ai-portrait', quantity: 1000 }]],
    ['a web path off the allowlist', 'openWeb', [{ path: '/admin' }]],
    ['a release reason not in the contract', 'release', [{ chargeId: 'c1', reason: 'because' }]],
    ['extra arguments', 'getState', [1]],
    ['missing arguments', 'capture', []],
  ] as const)('refuses %s', async (_name, method, args) => {
    const { invoke, logger } = setup();
    await expect(invoke(method, appFrame, ...args)).rejects.toBeInstanceOf(InvalidInvocationError);
    expect(logger.records[0]).toMatchObject({ message: 'ipc call refused: invalid arguments' });
  });
});

describe('isTrustedSender / originOf', () => {
  it('matches the dev server origin too', () => {
    const dev = frame('http://localhost:5173/');
    expect(isTrustedSender(dev, dev, 'http://localhost:5173')).toBe(true);
    expect(isTrustedSender(dev, dev, 'app://cutline')).toBe(false);
  });

  it('gives a usable origin for the app: scheme', () => {
    expect(originOf('app://cutline/index.html')).toBe('app://cutline');
    expect(originOf('file:///index.html')).toBeNull();
    expect(originOf('nonsense')).toBeNull();
  });
});
