/**
 * The app window and the rules every web contents obeys (docs/architecture.md § `src/main/electron`):
 * context isolation, sandbox, no Node in the page, no navigation away, no new windows, no
 * webviews, no permission prompts.
 */
import { BrowserWindow, type Session, type WebContents, type WebPreferences } from 'electron';

export const WEB_PREFERENCES = (preload: string): WebPreferences => ({
  preload,
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
});

/** Denies new windows, navigation and webviews for one web contents. */
export function hardenWebContents(contents: Pick<WebContents, 'setWindowOpenHandler' | 'on'>): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** No camera, microphone, notifications, geolocation… the editor needs none. */
export function denyPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

export function createMainWindow(options: { preload: string; url: string }): BrowserWindow {
  const window = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Cutline',
    backgroundColor: '#16171b',
    webPreferences: WEB_PREFERENCES(options.preload),
  });
  // hardenWebContents runs for this window's contents via app 'web-contents-created'
  window.once('ready-to-show', () => window.show());
  void window.loadURL(options.url);
  return window;
}

/** Brings the window forward (after a deep link or a second launch). */
export function bringToFront(window: BrowserWindow | null): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
