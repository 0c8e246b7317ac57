/**
 * The core's `Notifier` port on Electron's `Notification`: one OS notification per credit alert.
 * Where the OS has no notification support it throws, and the core reports the alert as not
 * shown by the OS, so the window's in-app notice carries it alone.
 */
import { Notification } from 'electron';
import type { Notifier } from '../core/alerts';

export function createOsNotifier(onClick: () => void): Notifier {
  return {
    show({ title, body }) {
      if (!Notification.isSupported()) throw new Error('notifications are not supported here');
      const n = new Notification({ title, body, silent: false });
      n.on('click', onClick);
      n.show();
    },
  };
}
