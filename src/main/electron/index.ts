/**
 * Electron main entry: app lifecycle, the single-instance lock, deep links, the window, IPC.
 * Everything with a rule in it lives in `../core` (no Electron there) or in the small adapters
 * next to this file; this file only wires them to Electron's objects.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, crashReporter, dialog, Menu, powerMonitor, protocol, session } from 'electron';
import electronUpdater from 'electron-updater';
import { CutlineCore } from '../core/app-core';
import { crashReportEndpoint, crashReportingEnabled } from '../core/crash-reports';
import { loadSettings, updateFeedFromEnv } from '../core/settings';
import { catchMainProcessErrors, startNativeCrashReporter, type NativeCrashReporting } from './crash-reporter';
import { createElectronUpdater } from './updater';
import { createOsNotifier } from './notifier';
import { forwardEvents } from '../core/bridge';
import { contentSecurityPolicy } from '../core/content-security-policy';
import { DeepLinkRouter } from '../core/deep-link-router';
import { consoleLogger } from '../core/logger';
import { installAppMenu } from './app-menu';
import { APP_ORIGIN, mediaUrl, registerAppScheme, serveAppScheme } from './app-scheme';
import { createFilePicker } from './media-dialog';
import { electronKeyValueStore } from './electron-store';
import { wireDeepLinkSources } from './deep-link-sources';
import { createExternalOpener } from './external';
import { isTrustedSender, originOf, registerIpcHandlers } from './ipc';
import { registerProtocolClient } from './protocol-client';
import { SafeStorageVault } from './vault';
import { bringToFront, createMainWindow, denyPermissions, hardenWebContents } from './window';

const here = dirname(fileURLToPath(import.meta.url));
const logger = consoleLogger('cutline');

// A separate profile (tests, side-by-side runs) must be chosen before anything reads userData.
if (process.env.CUTLINE_USER_DATA) app.setPath('userData', process.env.CUTLINE_USER_DATA);

let mainWindow: BrowserWindow | null = null;
const deepLinks = new DeepLinkRouter({ logger, onDelivered: () => bringToFront(mainWindow) });
const settingsStore = electronKeyValueStore('settings');

// Crash reports (opt-in): the main process's uncaught errors go to the core once it exists (it
// sends them only with consent); crashpad starts before `ready` with the user's stored choice.
let reportMainError: ((event: 'uncaughtException' | 'unhandledRejection', thrown: unknown) => Promise<unknown>) | null = null;
catchMainProcessErrors(process, (event, thrown) => reportMainError?.(event, thrown) ?? Promise.resolve(), logger);
let nativeCrashReports: NativeCrashReporting | null = null;

function startCrashReportsEarly(): NativeCrashReporting | null {
  try {
    const { serviceUrl } = loadSettings({ store: settingsStore, env: process.env });
    return startNativeCrashReporter(crashReporter, { submitURL: crashReportEndpoint(serviceUrl), enabled: crashReportingEnabled(settingsStore), version: app.getVersion() });
  } catch (error) {
    logger.error('crash reporter not started', { error: String(error) });
    return null;
  }
}

/** `CUTLINE_UPDATE_URL`, or null for the feed baked into the installed app; a bad one is logged and ignored. */
function updateFeedUrl(): string | null {
  try {
    return updateFeedFromEnv(process.env);
  } catch (error) {
    logger.error('update feed ignored', { error: String(error) });
    return null;
  }
}

if (!app.requestSingleInstanceLock()) {
  // Another Cutline is running: it receives our argv (and any deep link) via 'second-instance'.
  app.quit();
} else {
  nativeCrashReports = startCrashReportsEarly();
  registerAppScheme(protocol);
  registerProtocolClient(app, process);

  wireDeepLinkSources(app, process.argv, deepLinks, () => bringToFront(mainWindow));

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.whenReady().then(onReady, (error: unknown) => {
    logger.error('startup failed', { error: String(error) });
    app.exit(1);
  });
}

async function onReady(): Promise<void> {
  const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
  const appOrigin = devServerUrl ? originOf(devServerUrl)! : APP_ORIGIN;
  const csp = contentSecurityPolicy({ dev: Boolean(devServerUrl), connect: devServerUrl ? [`ws://${new URL(devServerUrl).host}`] : [], media: devServerUrl ? [APP_ORIGIN] : [] });

  denyPermissions(session.defaultSession);
  if (devServerUrl) {
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
    });
  }
  // the renderer in production, and imported media in both modes (app://cutline/media/<id>)
  serveAppScheme(protocol, join(here, '../renderer'), csp, (id) => core.media?.fileOf(id) ?? null);

  const vault = await SafeStorageVault.open(electronKeyValueStore('vault'), process.platform, logger);
  const openExternal = createExternalOpener(() => core.origins, logger);
  const core: CutlineCore = new CutlineCore({
    settingsStore,
    dataStore: electronKeyValueStore('data'),
    vault,
    openExternal,
    notifier: createOsNotifier(() => bringToFront(mainWindow)),
    logger,
    env: process.env,
    media: { dir: join(app.getPath('userData'), 'media'), urlFor: mediaUrl },
    pickFiles: createFilePicker(dialog, () => mainWindow),
    setWindowTitle: (title) => {
      if (mainWindow && !mainWindow.isDestroyed()) mainWindow.setTitle(title);
    },
    appInfo: { version: app.getVersion(), platform: process.platform, arch: process.arch, electron: process.versions.electron ?? null },
    updater: createElectronUpdater({ app, load: () => electronUpdater.autoUpdater, feedUrl: updateFeedUrl(), logger }),
    onCrashReportingChange: (enabled) => nativeCrashReports?.setUploads(enabled),
  });
  reportMainError = (event, thrown) => core.crashReports.reportMain(event, thrown);
  installAppMenu(Menu, (command) => core.sendMenuCommand(command), process.platform, () => void core.updates.check(true));

  registerIpcHandlers(core.cutline, (event) => isTrustedSender(event.senderFrame, mainWindow?.webContents.mainFrame, appOrigin), logger);
  forwardEvents(core.cutline, (channel, payload) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(channel, payload);
  });

  const openWindow = () => {
    mainWindow = createMainWindow({ preload: join(here, '../preload/index.cjs'), url: devServerUrl ?? `${APP_ORIGIN}/index.html` });
    mainWindow.on('closed', () => {
      mainWindow = null;
    });
    // Windows is ending the session: never start an installer now (electron-builder#7807)
    mainWindow.on('query-session-end', () => core.updates.sessionEnding());
    mainWindow.on('session-end', () => core.updates.sessionEnding());
    mainWindow.webContents.once('did-finish-load', () => {
      if (!deepLinks.ready) deepLinks.setReady(core.deepLinkHandlers);
    });
  };
  openWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  app.on('before-quit', (event) => {
    core.stop();
    // a token write still encrypting (a refresh just rotated them) reaches the disk before we go
    if (vault.pending) {
      event.preventDefault();
      void vault.flush().finally(() => app.quit());
    }
  });
  // after sleep the stream is likely dead: reconnect now instead of waiting out the backoff
  powerMonitor.on('resume', () => core.stream.reconnectNow());
  // macOS and Linux shutting down: the same
  powerMonitor.on('shutdown', () => core.updates.sessionEnding());
  await core.start();
}
