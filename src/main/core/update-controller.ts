/**
 * The app's own updates, as rules without Electron (the adapter is `src/main/electron/updater.ts`,
 * on electron-updater; the browser host's tests drive a fake):
 *
 * - check at start and every 6 hours (and when the user asks); download in the background with
 *   progress; then offer *Restart to update*;
 * - never restart while an AI job runs: *Restart to update* during a job waits for it to settle;
 * - *Later* keeps the download and installs it the next time Cutline starts (remembered across
 *   runs) — before the user's first AI job if it can;
 * - never on a Windows session end (electron-builder#7807: a shutdown that interrupts the installer
 *   leaves a broken app): on Windows a downloaded update is never installed on quit, only by an
 *   explicit restart or at the next launch; on every platform a session end cancels a pending
 *   restart and turns install-on-quit off.
 */
import type { UpdateStatus } from '@cutline/contract/app-updates';
import { err, ok, type Result } from '@cutline/contract/result';
import { Emitter } from './emitter';
import type { KeyValueStore } from './key-value-store';
import type { Logger } from './logger';
import type { JobActivity } from './open-charges';
import type { Timers } from './timers';

export const CHECK_EVERY_MS = 6 * 60 * 60 * 1000;
/** The version the user put off: installed at the next launch. */
export const DEFERRED_KEY = 'updates.deferred';

export type UpdaterEvent =
  | { type: 'checking' }
  | { type: 'available'; version: string }
  | { type: 'not-available' }
  | { type: 'progress'; percent: number }
  | { type: 'downloaded'; version: string }
  | { type: 'error'; message: string };

/** What an update mechanism does for the controller (electron-updater in the app, a fake in tests). */
export interface UpdaterPort {
  /** Asks the feed; what it finds arrives as events. */
  check(): Promise<void>;
  /** Downloads the update the last check found; progress and completion arrive as events. */
  download(): Promise<void>;
  /** Quits and installs the downloaded update, then starts the new version. */
  quitAndInstall(): void;
  /** Whether a downloaded update installs when the app quits normally. */
  setInstallOnQuit(enabled: boolean): void;
  onEvent(listener: (event: UpdaterEvent) => void): () => void;
}

/** Installing when the app quits is safe where a session end cannot interrupt the installer. */
export function installsOnQuit(platform: string): boolean {
  return platform !== 'win32';
}

/** -1, 0 or 1 as `a` is older than, the same as or newer than `b` (x.y.z, a pre-release before its release). */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core, pre = ''] = v.replace(/^v/, '').split(/-(.*)/s);
    return { parts: core.split('.').map((n) => Number.parseInt(n, 10) || 0), pre };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (x.pre === y.pre) return 0;
  if (!x.pre) return 1;
  if (!y.pre) return -1;
  return x.pre < y.pre ? -1 : 1;
}

export interface UpdateControllerDeps {
  /** The updater, or why there is none here (a development run, the browser host). */
  updater: UpdaterPort | { unavailable: string };
  currentVersion: string;
  platform: string;
  jobs: JobActivity;
  /** Where the put-off version is remembered (the settings store). */
  store: KeyValueStore;
  timers: Timers;
  logger: Logger;
  checkEveryMs?: number;
}

const CHECK_FAILED = 'Cutline could not check for updates. It will try again later.';
const DOWNLOAD_FAILED = 'The update could not be downloaded. Cutline will try again later.';
const INSTALL_FAILED = 'The update could not be installed. Cutline will try again the next time it starts.';

export class UpdateController {
  private readonly events = new Emitter<{ status: UpdateStatus }>();
  private status: UpdateStatus;
  private readonly port: UpdaterPort | null;
  /** The last check was the user's: its outcome is shown (up to date, or what failed). */
  private userAsked = false;
  /** A version put off in an earlier run: it installs as soon as it is downloaded again. */
  private installOnLaunch = false;
  private timer: unknown = null;
  private offEvents: (() => void) | null = null;
  private offJobs: (() => void) | null = null;
  private started = false;

  constructor(private readonly deps: UpdateControllerDeps) {
    this.port = 'unavailable' in deps.updater ? null : deps.updater;
    this.status = {
      phase: this.port ? 'idle' : 'unavailable',
      currentVersion: deps.currentVersion,
      version: null,
      percent: null,
      deferred: false,
      runningJobs: 0,
      message: 'unavailable' in deps.updater ? deps.updater.unavailable : null,
    };
  }

  getStatus(): UpdateStatus {
    return { ...this.status, runningJobs: this.deps.jobs.running() };
  }

  onStatus(listener: (status: UpdateStatus) => void): () => void {
    return this.events.on('status', listener);
  }

  /** Checks now and every `checkEveryMs` after. */
  start(): void {
    if (!this.port || this.started) return;
    this.started = true;
    const deferred = this.deps.store.get(DEFERRED_KEY);
    if (typeof deferred === 'string' && compareVersions(deferred, this.deps.currentVersion) > 0) {
      this.installOnLaunch = true;
      this.deps.logger.info('an update put off last time installs once it is downloaded again', { version: deferred });
    } else if (deferred !== undefined) {
      this.deps.store.delete(DEFERRED_KEY); // installed (or not a version at all)
    }
    this.port.setInstallOnQuit(installsOnQuit(this.deps.platform));
    this.offEvents = this.port.onEvent((event) => this.onEvent(event));
    this.offJobs = this.deps.jobs.onChange(() => this.onJobsChanged());
    void this.check(false);
    this.schedule();
  }

  stop(): void {
    if (this.timer !== null) this.deps.timers.clearTimeout(this.timer);
    this.timer = null;
    this.offEvents?.();
    this.offEvents = null;
    this.offJobs?.();
    this.offJobs = null;
  }

  /** Asks the feed now; `userAsked` shows the outcome even when nothing is found. */
  async check(userAsked: boolean): Promise<Result<UpdateStatus>> {
    if (!this.port) return ok(this.getStatus());
    const { phase } = this.status;
    if (phase === 'downloading' || phase === 'waiting-for-jobs' || phase === 'installing') return ok(this.getStatus());
    if (phase === 'ready') {
      // already downloaded: asking again brings back a put-off offer
      if (userAsked && this.status.deferred) {
        this.deps.store.delete(DEFERRED_KEY);
        this.set({ deferred: false });
      }
      return ok(this.getStatus());
    }
    this.userAsked = userAsked;
    this.set({ phase: 'checking', message: null, version: null, percent: null });
    const status = this.getStatus();
    this.port.check().catch((error: unknown) => this.onEvent({ type: 'error', message: String(error) }));
    return ok(status);
  }

  /** *Restart to update*: now, or once the running AI jobs have settled. */
  restart(): Result<UpdateStatus> {
    if (this.status.phase === 'waiting-for-jobs') return ok(this.getStatus());
    if (this.status.phase !== 'ready') return err('conflict', 'No update is ready to install yet.');
    this.deps.store.delete(DEFERRED_KEY);
    this.set({ deferred: false });
    this.installWhenIdle();
    return ok(this.getStatus());
  }

  /** *Later*: keep the download, install at the next launch (and stop waiting for jobs). */
  defer(): Result<UpdateStatus> {
    if (this.status.phase !== 'ready' && this.status.phase !== 'waiting-for-jobs') return err('conflict', 'No update is ready to install yet.');
    this.deps.store.set(DEFERRED_KEY, this.status.version);
    this.set({ phase: 'ready', deferred: true });
    return ok(this.getStatus());
  }

  /** The OS is ending the session (shutdown, restart, log-off): install nothing now; next launch will. */
  sessionEnding(): void {
    this.port?.setInstallOnQuit(false);
    if (this.status.phase === 'waiting-for-jobs') {
      this.deps.store.set(DEFERRED_KEY, this.status.version);
      this.set({ phase: 'ready', deferred: true });
    } else if (this.status.phase === 'ready' && this.status.version) {
      this.deps.store.set(DEFERRED_KEY, this.status.version);
    }
    this.deps.logger.info('session ending: no update is installed now');
  }

  private schedule(): void {
    const every = this.deps.checkEveryMs ?? CHECK_EVERY_MS;
    this.timer = this.deps.timers.setTimeout(() => {
      this.timer = null;
      void this.check(false);
      this.schedule();
    }, every);
  }

  private onEvent(event: UpdaterEvent): void {
    const { phase } = this.status;
    switch (event.type) {
      case 'checking':
        if (phase === 'idle' || phase === 'up-to-date' || phase === 'error') this.set({ phase: 'checking', message: null });
        return;
      case 'available':
        if (phase !== 'checking' && phase !== 'idle' && phase !== 'up-to-date' && phase !== 'error') return;
        this.deps.logger.info('update available: downloading', { version: event.version });
        this.set({ phase: 'downloading', version: event.version, percent: 0, message: null });
        this.port!.download().catch((error: unknown) => this.onEvent({ type: 'error', message: String(error) }));
        return;
      case 'not-available':
        if (phase !== 'checking') return;
        this.set({ phase: this.userAsked ? 'up-to-date' : 'idle', version: null, percent: null });
        return;
      case 'progress':
        if (phase === 'downloading') this.set({ percent: Math.max(0, Math.min(100, Math.round(event.percent * 10) / 10)) });
        return;
      case 'downloaded':
        if (phase === 'ready' || phase === 'waiting-for-jobs' || phase === 'installing') return;
        this.deps.logger.info('update downloaded', { version: event.version });
        this.set({ phase: 'ready', version: event.version, percent: 100, message: null, deferred: false });
        if (this.installOnLaunch) {
          this.installOnLaunch = false;
          this.installWhenIdle();
        }
        return;
      case 'error': {
        this.deps.logger.warn('update failed', { phase, error: event.message.slice(0, 300) });
        if (phase === 'installing') {
          // the installer did not start: the download is still here, offered again
          this.set({ phase: 'error', message: INSTALL_FAILED });
          return;
        }
        if (phase === 'ready' || phase === 'waiting-for-jobs') return;
        const message = phase === 'downloading' ? DOWNLOAD_FAILED : CHECK_FAILED;
        this.set({ phase: this.userAsked ? 'error' : 'idle', message: this.userAsked ? message : null, version: null, percent: null });
        return;
      }
    }
  }

  private installWhenIdle(): void {
    if (this.deps.jobs.running() === 0) this.install();
    else this.set({ phase: 'waiting-for-jobs' });
  }

  private onJobsChanged(): void {
    const { phase } = this.status;
    if (phase === 'waiting-for-jobs' && this.deps.jobs.running() === 0) this.install();
    else if (phase === 'ready' || phase === 'waiting-for-jobs') this.emit();
  }

  private install(): void {
    this.deps.store.delete(DEFERRED_KEY);
    this.set({ phase: 'installing', deferred: false });
    this.deps.logger.info('restarting to install the update', { version: this.status.version });
    try {
      this.port!.quitAndInstall();
    } catch (error) {
      this.onEvent({ type: 'error', message: String(error) });
    }
  }

  private set(patch: Partial<UpdateStatus>): void {
    this.status = { ...this.status, ...patch };
    this.emit();
  }

  private emit(): void {
    this.events.emit('status', this.getStatus());
  }
}
