/**
 * The Electron-facing halves of updates and crash reports, with `electron` and `electron-updater`
 * mocked: electron-updater configured so the controller decides (no automatic download, no
 * install on quit unless told, no web installer, the feed from CUTLINE_UPDATE_URL), its events
 * mapped onto the controller's port and driven through the real controller; crashpad started with
 * the service's endpoint and the user's choice; main's uncaught errors handed to the reporter.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../../../src/main/core/key-value-store';
import { memoryLogger } from '../../../src/main/core/logger';
import { FakeJobs } from '../helpers/fake-jobs';
import { UpdateController } from '../../../src/main/core/update-controller';
import { realTimers } from '../../../src/main/core/timers';

const fakes = vi.hoisted(() => ({ updater: null as unknown, started: [] as unknown[], uploads: [] as boolean[] }));

vi.mock('electron-updater', () => ({
  default: {
    get autoUpdater() {
      return fakes.updater;
    },
  },
}));
vi.mock('electron', () => ({
  crashReporter: {
    start: (options: unknown) => fakes.started.push(options),
    setUploadToServer: (enabled: boolean) => fakes.uploads.push(enabled),
  },
}));

const electronUpdater = (await import('electron-updater')).default;
const { createElectronUpdater, NOT_PACKAGED } = await import('../../../src/main/electron/updater');
const { crashReporter } = await import('electron');
const { catchMainProcessErrors, startNativeCrashReporter } = await import('../../../src/main/electron/crash-reporter');

/** electron-updater's AppUpdater as far as the adapter uses it: settings, calls, events. */
function fakeAppUpdater() {
  const calls: unknown[][] = [];
  const updater = Object.assign(new EventEmitter(), {
    autoDownload: true,
    autoInstallOnAppQuit: true,
    disableWebInstaller: false,
    logger: null as unknown,
    feed: null as unknown,
    setFeedURL(options: unknown) {
      this.feed = options;
    },
    async checkForUpdates() {
      calls.push(['checkForUpdates']);
      updater.emit('checking-for-update');
      updater.emit('update-available', { version: '2.0.0', files: [], path: '', sha512: '', releaseDate: '' });
      return { isUpdateAvailable: true };
    },
    async downloadUpdate() {
      calls.push(['downloadUpdate']);
      updater.emit('download-progress', { percent: 40.26, bytesPerSecond: 1, total: 100, transferred: 40, delta: 40 });
      updater.emit('update-downloaded', { version: '2.0.0', downloadedFile: '/tmp/x', files: [], path: '', sha512: '', releaseDate: '' });
      return ['/tmp/x'];
    },
    quitAndInstall(...args: unknown[]) {
      calls.push(['quitAndInstall', ...args]);
    },
  });
  return { updater, calls };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('electron-updater adapter', () => {
  it('a development run has no updater, and says so', () => {
    const load = vi.fn();
    expect(createElectronUpdater({ app: { isPackaged: false }, load, feedUrl: null, logger: memoryLogger() })).toEqual({ unavailable: NOT_PACKAGED });
    expect(load).not.toHaveBeenCalled();
  });

  it('configures electron-updater so the controller decides, on the feed CUTLINE_UPDATE_URL names', () => {
    const { updater } = fakeAppUpdater();
    fakes.updater = updater;
    const port = createElectronUpdater({ app: { isPackaged: true }, load: () => electronUpdater.autoUpdater, feedUrl: 'https://updates.example.test/cutline', logger: memoryLogger() });
    expect('unavailable' in port).toBe(false);
    expect(updater).toMatchObject({ autoDownload: false, autoInstallOnAppQuit: false, disableWebInstaller: true, feed: { provider: 'generic', url: 'https://updates.example.test/cutline' } });
    // without CUTLINE_UPDATE_URL the feed is app-update.yml's (electron-builder's publish setting)
    const other = fakeAppUpdater().updater;
    createElectronUpdater({ app: { isPackaged: true }, load: () => other as never, feedUrl: null, logger: memoryLogger() });
    expect(other.feed).toBeNull();
  });

  it('through the real controller: found, downloaded with progress, restart installs silently and relaunches', async () => {
    const { updater, calls } = fakeAppUpdater();
    const logger = memoryLogger();
    const port = createElectronUpdater({ app: { isPackaged: true }, load: () => updater as never, feedUrl: null, logger });
    if ('unavailable' in port) throw new Error('expected an updater');
    const controller = new UpdateController({ updater: port, currentVersion: '1.0.0', platform: 'win32', jobs: new FakeJobs(realTimers, Date.now), store: new MemoryStore(), timers: realTimers, logger });
    const percents: Array<number | null> = [];
    controller.onStatus((s) => percents.push(s.percent));
    controller.start();
    expect(updater.autoInstallOnAppQuit).toBe(false); // Windows: never on quit
    await settle();
    expect(controller.getStatus()).toMatchObject({ phase: 'ready', version: '2.0.0' });
    expect(percents).toContain(40.3);
    expect(controller.restart().ok).toBe(true);
    expect(calls).toEqual([['checkForUpdates'], ['downloadUpdate'], ['quitAndInstall', true, true]]);
    // electron-updater's own log lines reach ours, first line only
    (updater.logger as { info(m: string): void }).info('Checking for update\nwith a second line');
    expect(logger.records.at(-1)).toMatchObject({ message: 'updater', fields: { message: 'Checking for update' } });
    controller.stop();
  });

  it('an error event reaches the controller as what went wrong', async () => {
    const { updater } = fakeAppUpdater();
    updater.checkForUpdates = async () => {
      updater.emit('error', new Error('net::ERR_NAME_NOT_RESOLVED\n    at stack'));
      throw new Error('net::ERR_NAME_NOT_RESOLVED');
    };
    const port = createElectronUpdater({ app: { isPackaged: true }, load: () => updater as never, feedUrl: null, logger: memoryLogger() });
    if ('unavailable' in port) throw new Error('expected an updater');
    const logger = memoryLogger();
    const controller = new UpdateController({ updater: port, currentVersion: '1.0.0', platform: 'darwin', jobs: new FakeJobs(realTimers, Date.now), store: new MemoryStore(), timers: realTimers, logger });
    controller.start();
    await controller.check(true);
    await settle();
    expect(controller.getStatus()).toMatchObject({ phase: 'error', message: 'Cutline could not check for updates. It will try again later.' });
    expect(logger.records.find((r) => r.message === 'update failed')?.fields.error).toBe('net::ERR_NAME_NOT_RESOLVED');
    controller.stop();
  });
});

describe('crash reports in Electron', () => {
  it('crashpad starts with the service’s endpoint and uploads only with consent', () => {
    fakes.started.length = 0;
    fakes.uploads.length = 0;
    const native = startNativeCrashReporter(crashReporter, { submitURL: 'https://credits.example.test/v1/crash-reports', enabled: false, version: '1.4.2' });
    expect(fakes.started).toEqual([
      {
        submitURL: 'https://credits.example.test/v1/crash-reports',
        uploadToServer: false,
        productName: 'Cutline',
        ignoreSystemCrashHandler: true,
        rateLimit: true,
        compress: true,
        globalExtra: { _companyName: 'Cutline', cutline_version: '1.4.2' },
      },
    ]);
    native.setUploads(true);
    native.setUploads(false);
    expect(fakes.uploads).toEqual([true, false]);
  });

  it('main’s uncaught exceptions and unhandled rejections go to the reporter, and only their names to the log', async () => {
    const proc = new EventEmitter();
    const reported: Array<[string, unknown]> = [];
    const logger = memoryLogger();
    catchMainProcessErrors(proc as unknown as NodeJS.Process, async (event, thrown) => reported.push([event, thrown]), logger);
    const boom = new TypeError('token abc is not valid');
    proc.emit('uncaughtException', boom);
    proc.emit('unhandledRejection', 'plain string');
    expect(reported).toEqual([
      ['uncaughtException', boom],
      ['unhandledRejection', 'plain string'],
    ]);
    expect(JSON.stringify(logger.records)).not.toContain('abc');
    expect(logger.records.map((r) => r.fields.name)).toEqual(['TypeError', 'string']);
  });
});
