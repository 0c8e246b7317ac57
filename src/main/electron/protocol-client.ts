/**
 * Making the OS hand `cutline://` links to this app. Installers register the scheme too
 * (electron-builder `protocols`); this runtime registration covers development and portable runs.
 * In development Electron runs as `electron <script>`, so the registration must name both the
 * executable and the script, or the OS would start a bare Electron.
 */
import { resolve } from 'node:path';
import type { App } from 'electron';

export const PROTOCOL = 'cutline';

export interface ProcessInfo {
  defaultApp?: boolean;
  execPath: string;
  argv: readonly string[];
}

export function registerProtocolClient(app: Pick<App, 'setAsDefaultProtocolClient'>, proc: ProcessInfo): boolean {
  if (proc.defaultApp) {
    const script = proc.argv[1];
    if (!script) return false;
    return app.setAsDefaultProtocolClient(PROTOCOL, proc.execPath, [resolve(script)]);
  }
  return app.setAsDefaultProtocolClient(PROTOCOL);
}
