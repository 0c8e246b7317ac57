/**
 * Whether an Electron binary can be launched here: the `electron` package resolves to its
 * executable's path, which exists only when the package's postinstall downloaded the runtime
 * (node_modules/electron/dist), and, on Linux, a display to open a window on. Used by `npm start`
 * and the Electron end-to-end spec.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export type ElectronRuntime = { ok: true; path: string } | { ok: false; reason: string };

export function findElectronRuntime(): ElectronRuntime {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    if (typeof path !== 'string') return { ok: false, reason: 'the electron package did not name an executable' };
    if (!existsSync(path)) return { ok: false, reason: `${path} is missing` };
    if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
      return { ok: false, reason: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
    }
    return { ok: true, path };
  } catch {
    return { ok: false, reason: 'node_modules/electron/dist is missing' };
  }
}
