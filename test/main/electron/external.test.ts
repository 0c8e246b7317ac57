/** shell.openExternal only for allowlisted URLs (electron mocked). */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const { openExternal } = vi.hoisted(() => ({ openExternal: vi.fn(async (_url: string, _options?: unknown) => {}) }));
vi.mock('electron', () => ({ shell: { openExternal } }));

import { createExternalOpener, ExternalUrlRefusedError } from '../../../src/main/electron/external';
import { memoryLogger } from '../../../src/main/core/logger';
import { CLIENT_ID, REDIRECT_URI } from '@cutline/contract/oauth-client';

const origins = { serviceOrigin: 'https://api.cutline.test', webOrigin: 'https://cutline.test' };

describe('createExternalOpener', () => {
  beforeEach(() => openExternal.mockClear());

  it.each([
    ['javascript:', 'javascript:alert(document.cookie)'],
    ['file:', 'file:///C:/Windows/System32/calc.exe'],
    ['another origin', 'https://evil.test/store'],
    ['the service origin on a web path', 'https://api.cutline.test/store'],
    ['the allowed origin with another path', 'https://cutline.test/admin'],
    ['the allowed origin over http', 'http://cutline.test/store'],
    ['a cutline: link', `${REDIRECT_URI}?code=a&state=b`],
    ['smb:', 'smb://share/payload'],
  ])('refuses %s and never calls shell.openExternal', async (_name, url) => {
    const logger = memoryLogger();
    const open = createExternalOpener(() => origins, logger);
    await expect(open(url)).rejects.toBeInstanceOf(ExternalUrlRefusedError);
    expect(openExternal).not.toHaveBeenCalled();
    expect(logger.records[0]).toMatchObject({ level: 'warn', message: 'openExternal refused' });
  });

  it('refuses plain http to a host that is not this computer, saying why, even if configured', async () => {
    const logger = memoryLogger();
    const plain = { serviceOrigin: 'http://api.cutline.test', webOrigin: 'http://cutline.test' };
    const open = createExternalOpener(() => plain, logger);
    await expect(open('http://cutline.test/store')).rejects.toThrow(/must use https/);
    expect(openExternal).not.toHaveBeenCalled();
    expect(logger.records[0]?.fields).toMatchObject({ reason: expect.stringContaining('must use https') });
    const local = createExternalOpener(() => ({ serviceOrigin: 'http://localhost:4780', webOrigin: 'http://localhost:4780' }), logger);
    await local('http://localhost:4780/store');
    expect(openExternal).toHaveBeenCalledWith('http://localhost:4780/store', { activate: true });
  });

  it('opens URLs the core builds: the sign-in page and handoff links', async () => {
    const open = createExternalOpener(() => origins, memoryLogger());
    await open(`https://api.cutline.test/oauth/authorize?client_id=${CLIENT_ID}&state=s`);
    await open('https://cutline.test/handoff?code=abc&next=/store');
    expect(openExternal.mock.calls.map((c) => c[0])).toEqual([
      `https://api.cutline.test/oauth/authorize?client_id=${CLIENT_ID}&state=s`,
      'https://cutline.test/handoff?code=abc&next=/store',
    ]);
  });

  it('reads the origins at call time (settings may change)', async () => {
    let current = origins;
    const open = createExternalOpener(() => current, memoryLogger());
    current = { serviceOrigin: 'http://127.0.0.1:4780', webOrigin: 'http://127.0.0.1:4780' };
    await expect(open('https://cutline.test/store')).rejects.toBeInstanceOf(ExternalUrlRefusedError);
    await open('http://127.0.0.1:4780/store');
    expect(openExternal).toHaveBeenCalledTimes(1);
  });
});
