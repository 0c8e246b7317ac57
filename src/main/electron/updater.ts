/**
 * The update controller's port on electron-updater (generic provider: static `latest.yml` /
 * `latest-mac.yml` and the installers, hosted anywhere). The feed is electron-builder's `publish`
 * setting, which the installer bakes into `app-update.yml`, unless `CUTLINE_UPDATE_URL` names
 * another (a staging feed). The controller decides everything: no automatic download, no install
 * on quit unless it says so (never on Windows), `quitAndInstall` silent and relaunching.
 */
import type { AppUpdater, ProgressInfo, UpdateDownloadedEvent, UpdateInfo } from 'electron-updater';
import type { Logger } from '../core/logger';
import type { UpdaterEvent, UpdaterPort } from '../core/update-controller';

export const NOT_PACKAGED = 'Updates are installed by the packaged app; this development run does not update itself.';

export interface ElectronUpdaterDeps {
  app: { readonly isPackaged: boolean };
  /** electron-updater's `autoUpdater`, made only when it is used (it picks the platform's updater). */
  load: () => AppUpdater;
  /** `CUTLINE_UPDATE_URL`, checked; null: the feed in app-update.yml. */
  feedUrl: string | null;
  logger: Logger;
}

/** electron-updater's log lines are long (URLs, stacks): the first line, cut short. */
const brief = (message: unknown) => String(message).split('\n')[0].slice(0, 300);

export function createElectronUpdater(deps: ElectronUpdaterDeps): UpdaterPort | { unavailable: string } {
  if (!deps.app.isPackaged) return { unavailable: NOT_PACKAGED };
  const updater = deps.load();
  updater.autoDownload = false;
  updater.autoInstallOnAppQuit = false;
  // a web installer downloads its payload unverified: never
  updater.disableWebInstaller = true;
  updater.logger = {
    info: (m?: unknown) => deps.logger.info('updater', { message: brief(m) }),
    warn: (m?: unknown) => deps.logger.warn('updater', { message: brief(m) }),
    error: (m?: unknown) => deps.logger.error('updater', { message: brief(m) }),
  };
  if (deps.feedUrl) updater.setFeedURL({ provider: 'generic', url: deps.feedUrl });

  return {
    async check() {
      const result = await updater.checkForUpdates();
      // null: electron-updater decided it is inactive here (it then emits nothing)
      if (result === null) throw new Error('the updater is not active in this copy of the app');
    },
    async download() {
      await updater.downloadUpdate();
    },
    quitAndInstall() {
      // silent, and start the new version afterwards
      updater.quitAndInstall(true, true);
    },
    setInstallOnQuit(enabled) {
      updater.autoInstallOnAppQuit = enabled;
    },
    onEvent(listener: (event: UpdaterEvent) => void) {
      const handlers = {
        'checking-for-update': () => listener({ type: 'checking' }),
        'update-available': (info: UpdateInfo) => listener({ type: 'available', version: info.version }),
        'update-not-available': () => listener({ type: 'not-available' }),
        'download-progress': (progress: ProgressInfo) => listener({ type: 'progress', percent: progress.percent }),
        'update-downloaded': (event: UpdateDownloadedEvent) => listener({ type: 'downloaded', version: event.version }),
        error: (error: Error) => listener({ type: 'error', message: brief(error?.message ?? error) }),
      };
      for (const [name, handler] of Object.entries(handlers)) updater.on(name as 'error', handler as never);
      return () => {
        for (const [name, handler] of Object.entries(handlers)) updater.off(name as 'error', handler as never);
      };
    },
  };
}
