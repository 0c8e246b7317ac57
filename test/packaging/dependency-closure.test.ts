/**
 * What the installer would carry: electron-builder copies the desktop package's production
 * dependency closure into app.asar. No installer can be built here, so the closure is checked
 * where it is decided — the lockfile, and npm's own view of it — and must hold no part of the
 * credit service (its packages, its HTTP stack, its database drivers and native modules).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const SERVER_PACKAGES = ['@cutline/service', '@cutline/device-cli', 'fastify', '@fastify/cookie', '@fastify/formbody', 'pg', 'better-sqlite3', 'tsx', 'ws'];

interface LockEntry {
  name?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  link?: boolean;
  resolved?: string;
}
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, LockEntry> };

/** Where Node would find `name` required from the package installed at `from` (lockfile keys). */
function locate(name: string, from: string): string | null {
  for (let dir = from; ; dir = dir.includes('/node_modules/') ? dir.slice(0, dir.lastIndexOf('/node_modules/')) : '') {
    const key = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (lock.packages[key]) return key;
    if (!dir) return null;
  }
}

/** Every package the root's production dependencies pull in, by name. */
function productionClosure(): Set<string> {
  const names = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    let entry = lock.packages[key];
    if (entry.link && entry.resolved) entry = lock.packages[entry.resolved];
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      const at = locate(name, key);
      if (!at) continue; // an optional package for another platform
      names.add(name);
      visit(at);
    }
  };
  visit('');
  return names;
}

describe('the desktop app’s production dependencies', () => {
  it('hold no server package, per the lockfile', () => {
    const closure = productionClosure();
    process.stdout.write(`desktop production closure: ${closure.size} packages${closure.size ? `: ${[...closure].sort().join(', ')}` : ''}\n`);
    expect(SERVER_PACKAGES.filter((name) => closure.has(name))).toEqual([]);
  });

  it('hold no server package, per npm ls --omit=dev', () => {
    const out = execFileSync('npm', ['ls', '--omit=dev', '--workspaces=false', '--all', '--json'], { encoding: 'utf8' });
    const names = new Set<string>();
    const walk = (deps: Record<string, { dependencies?: object }> | undefined) => {
      for (const [name, dep] of Object.entries(deps ?? {})) {
        names.add(name);
        walk(dep.dependencies as never);
      }
    };
    walk((JSON.parse(out) as { dependencies?: Record<string, { dependencies?: object }> }).dependencies);
    expect(SERVER_PACKAGES.filter((name) => names.has(name))).toEqual([]);
  });

  it('the service and its drivers are still locked, as workspace packages of their own', () => {
    expect(lock.packages['packages/service']?.dependencies).toMatchObject({ fastify: expect.any(String), pg: expect.any(String), 'better-sqlite3': expect.any(String) });
    expect(lock.packages['node_modules/@cutline/service']).toMatchObject({ link: true, resolved: 'packages/service' });
  });
});
