/**
 * Where the OS hands `cutline://` links to the app, connected to the router:
 * - macOS: `open-url` (registered before `ready`: the link that launched the app comes early);
 * - Windows/Linux: the first launch's argv, and `second-instance` with the argv of the launch the
 *   single-instance lock turned away.
 * Every arrival also brings the window to the front.
 */
import type { App } from 'electron';
import { findDeepLinks } from '../core/deep-link';
import type { DeepLinkRouter } from '../core/deep-link-router';

type AppEvents = Pick<App, 'on'>;

export function wireDeepLinkSources(app: AppEvents, launchArgv: readonly string[], router: DeepLinkRouter, bringToFront: () => void): void {
  app.on('open-url', (event, url) => {
    event.preventDefault();
    router.receive(url, 'open-url');
    bringToFront();
  });
  app.on('second-instance', (_event, argv) => {
    for (const url of findDeepLinks(argv)) router.receive(url, 'second-instance');
    bringToFront();
  });
  for (const url of findDeepLinks(launchArgv)) router.receive(url, 'argv');
}
