/**
 * Whether an Electron binary can be launched here: the runtime lives in node_modules/electron/dist,
 * named by node_modules/electron/path.txt, and, on Linux, a display is needed to open a window on.
 * Used by `npm start` and the Electron end-to-end spec.
 *
 * Since Electron 45 the package has no postinstall: the runtime is downloaded by
 * `npx install-electron --no`, or lazily by the package's `index.js` the first time it is
 * required. This check reads the files instead of requiring the package, so asking "is there a
 * runtime?" never starts a 100 MB download (or, offline, a failing one).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ElectronRuntime = { ok: true; path: string } | { ok: false; reason: string };

export const INSTALL_RUNTIME_HINT = 'run "npx install-electron --no" to download it';

export function findElectronRuntime(): ElectronRuntime {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { ok: false, reason: 'the electron package is not installed' };
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return { ok: false, reason: `the Electron runtime was never downloaded (${INSTALL_RUNTIME_HINT})` };
  const path = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(path)) return { ok: false, reason: `${path} is missing (${INSTALL_RUNTIME_HINT})` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  }
  return { ok: true, path };
}
