/**
 * The update controller's rules with a fake updater and a virtual clock: when it checks, what it
 * offers, that a restart waits for running AI jobs, that *Later* installs at the next launch, and
 * that nothing installs on a Windows session end.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UpdateStatus } from '@cutline/contract/app-updates';
import { MemoryStore } from '../../../src/main/core/key-value-store';
import { memoryLogger } from '../../../src/main/core/logger';
import { FakeJobs } from '../helpers/fake-jobs';
import { CHECK_EVERY_MS, compareVersions, DEFERRED_KEY, installsOnQuit, UpdateController } from '../../../src/main/core/update-controller';
import { FakeUpdater } from '../helpers/fake-updater';
import { realTimers } from '../../../src/main/core/timers';

const HOUR = 3_600_000;
const now = () => Date.now();

// Virtual time (vitest's fake timers): the core's real Timers port and Date.now follow it; the
// fake updater's microtasks and `settle`'s setImmediate stay real.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.parse('2026-12-01T09:00:00.000Z') });
});
afterEach(() => {
  vi.useRealTimers();
});
/** Moves virtual time forward, running every timer that comes due. */
const advance = (ms: number) => vi.advanceTimersByTime(ms);
/** Lets the fake updater's asynchronous events arrive. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function setup(options: { platform?: string; version?: string; store?: MemoryStore; updater?: FakeUpdater } = {}) {
  const updater = options.updater ?? new FakeUpdater();
  const store = options.store ?? new MemoryStore();
  const jobs = new FakeJobs(realTimers, now);
  const logger = memoryLogger();
  const controller = new UpdateController({
    updater,
    currentVersion: options.version ?? '1.0.0',
    platform: options.platform ?? 'darwin',
    jobs,
    store,
    timers: realTimers,
    logger,
  });
  const statuses: UpdateStatus[] = [];
  controller.onStatus((s) => statuses.push(s));
  let charges = 0;
  /** An AI job starts: a held charge that expires in 15 minutes. */
  const startJob = () => {
    const id = `ch_${++charges}`;
    jobs.held({ id, status: 'held', holdExpiresAt: new Date(now() + 15 * 60_000).toISOString() });
    return id;
  };
  return { updater, store, jobs, controller, statuses, logger, startJob, phase: () => controller.getStatus().phase };
}

/** Started, and its first check found `version`: downloading, step by step as the test emits it. */
async function downloading(version: string, options: Parameters<typeof setup>[0] = {}) {
  const h = setup(options);
  h.updater.offer(version);
  h.updater.autoDownload = false;
  h.controller.start();
  await settle();
  return h;
}

async function readyWith(version: string, options: Parameters<typeof setup>[0] = {}) {
  const h = setup(options);
  h.updater.offer(version);
  h.controller.start();
  await settle();
  expect(h.controller.getStatus()).toMatchObject({ phase: 'ready', version, percent: 100 });
  return h;
}

describe('UpdateController: when it checks', () => {
  it('checks at start and every six hours, in the background', async () => {
    const h = setup();
    h.controller.start();
    await settle();
    expect(h.updater.count('check')).toBe(1);
    expect(h.phase()).toBe('idle'); // nothing newer, and nobody asked: nothing to say
    advance(6 * HOUR - 1);
    await settle();
    expect(h.updater.count('check')).toBe(1);
    advance(1);
    await settle();
    expect(h.updater.count('check')).toBe(2);
    advance(12 * HOUR);
    await settle();
    expect(h.updater.count('check')).toBe(4);
    expect(CHECK_EVERY_MS).toBe(6 * HOUR);
    h.controller.stop();
    advance(24 * HOUR);
    expect(h.updater.count('check')).toBe(4);
  });

  it('a check the user asked for says so when there is nothing newer, or what went wrong', async () => {
    const h = setup();
    h.controller.start();
    await settle();
    const asked = await h.controller.check(true);
    expect(asked.ok && asked.value.phase).toBe('checking');
    await settle();
    expect(h.controller.getStatus()).toMatchObject({ phase: 'up-to-date', version: null, message: null });

    h.updater.failChecks = 'net::ERR_CONNECTION_REFUSED';
    await h.controller.check(true);
    await settle();
    expect(h.controller.getStatus()).toMatchObject({ phase: 'error', message: 'Cutline could not check for updates. It will try again later.' });
    // the same failure in a background check is only logged
    advance(6 * HOUR);
    await settle();
    expect(h.controller.getStatus()).toMatchObject({ phase: 'idle', message: null });
    expect(h.logger.records.filter((r) => r.message === 'update failed')).toHaveLength(2);
  });

  it('does not check again while downloading or once an update is ready', async () => {
    const h = await downloading('1.1.0');
    expect(h.phase()).toBe('downloading');
    await h.controller.check(true);
    advance(6 * HOUR);
    await settle();
    expect(h.updater.count('check')).toBe(1);
    expect(h.updater.count('download')).toBe(1);
  });

  it('without an updater (development, the browser host) it says why and does nothing', async () => {
    const controller = new UpdateController({
      updater: { unavailable: 'Updates are installed by the packaged app.' },
      currentVersion: '1.0.0',
      platform: 'win32',
      jobs: new FakeJobs(realTimers, now),
      store: new MemoryStore(),
      timers: realTimers,
      logger: memoryLogger(),
    });
    controller.start();
    expect(controller.getStatus()).toMatchObject({ phase: 'unavailable', message: 'Updates are installed by the packaged app.' });
    expect(await controller.check(true)).toMatchObject({ ok: true, value: { phase: 'unavailable' } });
    expect(controller.restart()).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });
});

describe('UpdateController: download and restart', () => {
  it('downloads in the background with progress, then offers the restart; restarting installs', async () => {
    const h = await downloading('1.2.0');
    expect(h.controller.getStatus()).toMatchObject({ phase: 'downloading', version: '1.2.0', percent: 0 });
    h.updater.emit({ type: 'progress', percent: 12.345 });
    expect(h.controller.getStatus().percent).toBe(12.3);
    h.updater.emit({ type: 'progress', percent: 99.97 });
    h.updater.emit({ type: 'downloaded', version: '1.2.0' });
    expect(h.controller.getStatus()).toMatchObject({ phase: 'ready', version: '1.2.0', deferred: false });
    expect(h.statuses.map((s) => s.phase)).toEqual(['checking', 'downloading', 'downloading', 'downloading', 'ready']);
    expect(h.updater.calls).not.toContain('quitAndInstall');

    expect(h.controller.restart()).toMatchObject({ ok: true, value: { phase: 'installing' } });
    expect(h.updater.count('quitAndInstall')).toBe(1);
  });

  it('a failed download is reported only when the user asked, and tried again at the next check', async () => {
    const h = await downloading('1.2.0');
    h.updater.emit({ type: 'error', message: 'sha512 checksum mismatch' });
    expect(h.controller.getStatus()).toMatchObject({ phase: 'idle', message: null, version: null });
    advance(6 * HOUR);
    await settle();
    expect(h.updater.count('download')).toBe(2);
  });

  it('never restarts while an AI job runs: the restart waits for the job to settle', async () => {
    const h = await readyWith('1.2.0');
    const job = h.startJob();
    expect(h.controller.getStatus().runningJobs).toBe(1);
    expect(h.controller.restart()).toMatchObject({ ok: true, value: { phase: 'waiting-for-jobs', runningJobs: 1 } });
    const second = h.startJob();
    expect(h.statuses.at(-1)).toMatchObject({ phase: 'waiting-for-jobs', runningJobs: 2 });
    h.jobs.settled(job);
    expect(h.updater.calls).not.toContain('quitAndInstall');
    expect(h.statuses.at(-1)).toMatchObject({ phase: 'waiting-for-jobs', runningJobs: 1 });
    h.jobs.settled(second);
    expect(h.updater.count('quitAndInstall')).toBe(1);
    expect(h.phase()).toBe('installing');
  });

  it('a job whose hold expires (the service released it) no longer holds the restart back', async () => {
    const h = await readyWith('1.2.0');
    h.startJob();
    h.controller.restart();
    advance(15 * 60_000 - 1);
    expect(h.updater.calls).not.toContain('quitAndInstall');
    advance(1);
    expect(h.updater.count('quitAndInstall')).toBe(1);
  });

  it('Later while waiting for a job: no restart when the job settles', async () => {
    const h = await readyWith('1.2.0');
    const job = h.startJob();
    h.controller.restart();
    expect(h.controller.defer()).toMatchObject({ ok: true, value: { phase: 'ready', deferred: true } });
    h.jobs.settled(job);
    expect(h.updater.calls).not.toContain('quitAndInstall');
  });
});

describe('UpdateController: Later means the next launch', () => {
  it('a put-off update installs at the next launch, once downloaded again, without asking', async () => {
    const h = await readyWith('1.2.0');
    expect(h.controller.defer()).toMatchObject({ ok: true, value: { phase: 'ready', deferred: true } });
    expect(h.store.get(DEFERRED_KEY)).toBe('1.2.0');
    advance(24 * HOUR);
    await settle();
    expect(h.updater.calls).not.toContain('quitAndInstall');
    h.controller.stop();

    // the next launch, still on 1.0.0: electron-updater finds its cached download again
    const next = setup({ store: h.store });
    next.updater.offer('1.2.0');
    next.controller.start();
    await settle();
    expect(next.updater.count('quitAndInstall')).toBe(1);
    expect(next.store.get(DEFERRED_KEY)).toBeUndefined();
  });

  it('at that next launch it still waits for an AI job the user started first', async () => {
    const store = new MemoryStore();
    store.set(DEFERRED_KEY, '1.2.0');
    const h = await downloading('1.2.0', { store });
    const job = h.startJob();
    h.updater.emit({ type: 'downloaded', version: '1.2.0' });
    expect(h.phase()).toBe('waiting-for-jobs');
    h.jobs.settled(job);
    expect(h.updater.count('quitAndInstall')).toBe(1);
  });

  it('once the app runs the put-off version (or newer), the reminder is dropped', async () => {
    const store = new MemoryStore();
    store.set(DEFERRED_KEY, '1.2.0');
    const h = setup({ store, version: '1.2.0' });
    h.updater.offer('1.3.0');
    h.controller.start();
    await settle();
    expect(store.get(DEFERRED_KEY)).toBeUndefined();
    expect(h.controller.getStatus()).toMatchObject({ phase: 'ready', version: '1.3.0' });
    expect(h.updater.calls).not.toContain('quitAndInstall'); // offered, not forced
  });

  it('asking again brings a put-off offer back', async () => {
    const h = await readyWith('1.2.0');
    h.controller.defer();
    expect(await h.controller.check(true)).toMatchObject({ ok: true, value: { phase: 'ready', deferred: false } });
    expect(h.store.get(DEFERRED_KEY)).toBeUndefined();
  });
});

describe('UpdateController: never on a Windows session end (electron-builder#7807)', () => {
  it.each([
    ['win32', false],
    ['darwin', true],
    ['linux', true],
  ])('on %s install-on-quit is %s', async (platform, expected) => {
    const h = setup({ platform });
    h.controller.start();
    expect(h.updater.installOnQuit).toBe(expected);
    expect(installsOnQuit(platform)).toBe(expected);
  });

  it('a session end turns install-on-quit off, cancels a restart waiting for jobs, and leaves it for the next launch', async () => {
    const h = await readyWith('1.2.0', { platform: 'darwin' });
    const job = h.startJob();
    h.controller.restart();
    h.controller.sessionEnding();
    expect(h.updater.installOnQuit).toBe(false);
    expect(h.controller.getStatus()).toMatchObject({ phase: 'ready', deferred: true });
    h.jobs.settled(job);
    expect(h.updater.calls).not.toContain('quitAndInstall');
    expect(h.store.get(DEFERRED_KEY)).toBe('1.2.0');
  });

  it('a session end with an update ready remembers it for the next launch', async () => {
    const h = await readyWith('1.2.0', { platform: 'win32' });
    h.controller.sessionEnding();
    expect(h.updater.calls.filter((c) => c.startsWith('installOnQuit'))).toEqual(['installOnQuit=false', 'installOnQuit=false']);
    expect(h.store.get(DEFERRED_KEY)).toBe('1.2.0');
    expect(h.updater.calls).not.toContain('quitAndInstall');
  });
});

describe('compareVersions', () => {
  it.each([
    ['1.2.0', '1.10.0', -1],
    ['2.0.0', '1.99.99', 1],
    ['1.2.3', 'v1.2.3', 0],
    ['1.2.3-beta.1', '1.2.3', -1],
    ['1.2.3-beta.2', '1.2.3-beta.1', 1],
  ])('%s vs %s → %i', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
  });
});
