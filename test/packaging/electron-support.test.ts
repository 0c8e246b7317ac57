/**
 * The Electron the app ships is one Electron still supports: the version locked in
 * package-lock.json is inside the window written beside this test (electron-support.json, the
 * latest three majors on the day it was checked), and — as time passes and new majors ship every
 * eight weeks — it is not older than the oldest major the schedule says is still supported today.
 * When this fails: move to a current Electron, then update electron-support.json.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface SupportWindow {
  checked: string;
  supportedMajors: number[];
  newestMajor: { major: number; released: string };
  cadenceWeeks: number;
}

const DAY_MS = 86_400_000;
const supportWindow = JSON.parse(readFileSync(new URL('./electron-support.json', import.meta.url), 'utf8')) as SupportWindow;
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version?: string; devDependencies?: Record<string, string> }> };
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { devDependencies: Record<string, string> };

const lockedVersion = lock.packages['node_modules/electron']?.version ?? '';
const lockedMajor = Number(lockedVersion.split('.')[0]);

/** The oldest major still supported on `day`, projected from the newest major of the supportWindow and the release cadence. */
function oldestSupportedMajor(w: SupportWindow, day: number): number {
  const released = Date.parse(w.newestMajor.released);
  const majorsSince = Math.max(0, Math.floor((day - released) / (w.cadenceWeeks * 7 * DAY_MS)));
  return w.newestMajor.major + majorsSince - (w.supportedMajors.length - 1);
}

describe('the shipped Electron is a supported one', () => {
  it('the supportWindow file is consistent: three consecutive majors ending with the newest, checked after its release', () => {
    const { supportedMajors, newestMajor } = supportWindow;
    expect(supportedMajors).toHaveLength(3);
    expect(supportedMajors).toEqual([newestMajor.major - 2, newestMajor.major - 1, newestMajor.major]);
    expect(Date.parse(supportWindow.checked)).toBeGreaterThanOrEqual(Date.parse(newestMajor.released));
  });

  it('the lockfile’s electron is inside the window', () => {
    process.stdout.write(`electron locked at ${lockedVersion}; supported on ${supportWindow.checked}: ${supportWindow.supportedMajors.join(', ')}\n`);
    expect(lockedVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(supportWindow.supportedMajors).toContain(lockedMajor);
  });

  it('package.json allows no other major than the locked one', () => {
    expect(manifest.devDependencies.electron).toMatch(new RegExp(`^[~^]${lockedMajor}\\.\\d+\\.\\d+$`));
  });

  it('today, by the release schedule, the locked major is still supported', () => {
    const oldest = oldestSupportedMajor(supportWindow, Date.now());
    expect(lockedMajor, `Electron ${lockedMajor} is out of support by now (the oldest supported major is about ${oldest}); update electron and electron-support.json`).toBeGreaterThanOrEqual(oldest);
  });

  it('the projection drops a major every eight weeks (so the check above can fail)', () => {
    const released = Date.parse(supportWindow.newestMajor.released);
    expect(oldestSupportedMajor(supportWindow, released)).toBe(supportWindow.newestMajor.major - 2);
    expect(oldestSupportedMajor(supportWindow, released + 55 * DAY_MS)).toBe(supportWindow.newestMajor.major - 2);
    expect(oldestSupportedMajor(supportWindow, released + 57 * DAY_MS)).toBe(supportWindow.newestMajor.major - 1);
    // three more majors after the newest: the newest itself is out
    expect(oldestSupportedMajor(supportWindow, released + 3 * 57 * DAY_MS)).toBe(supportWindow.newestMajor.major + 1);
  });
});
