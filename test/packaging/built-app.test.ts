/**
 * What an installer would carry, built for real as far as this machine allows: `electron-vite
 * build` (when out/ is older than the sources), then electron-builder itself packs the Linux `dir`
 * target from electron-builder.yml — with a stand-in Electron binary, since no runtime can be
 * downloaded here, that holds the fuse wire stock Electron ships. Checked in what it produced:
 * app.asar (only the build and a package.json without dependencies), the fuses @electron/fuses
 * flipped in the binary, the update feed baked into resources/app-update.yml, the preload and
 * main bundles inside the archive; and, from the config, the macOS and Windows targets the
 * updater needs.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '@cutline/contract/ipc-channels';
import buildIfStale from '../e2e/fixtures/global-setup';

const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as { listPackage(path: string, options?: object): string[]; extractFile(path: string, file: string): Buffer };
const fuses = require('@electron/fuses') as {
  getCurrentFuseWire(path: string): Promise<Record<string, number | string>>;
  FuseV1Options: Record<string, number>;
};
/** A wire's states are the characters '0' and '1' (@electron/fuses' FuseState, not exported). */
const FUSE = { DISABLE: '0'.charCodeAt(0), ENABLE: '1'.charCodeAt(0) };
const builder = require('electron-builder') as {
  build(options: object): Promise<string[]>;
  Platform: { LINUX: { createTarget(target: string): unknown } };
};

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Stock Electron's fuse wire (v1, 8 fuses): RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on, asar integrity off, asar-only off, browser V8 snapshot off, file:// privileges on. */
const STOCK_WIRE = '10110001';

let work: string;
let resources: string;
let binary: string;
let archive: string;

/** A file where `npm run server` writes the service's bundle: it must never be packed. */
const SERVICE_BUNDLE_PROBE = join('out', 'node', 'packaging-probe.mjs');
let plantedProbe = false;

beforeAll(async () => {
  buildIfStale();
  mkdirSync(join('out', 'node'), { recursive: true });
  try {
    writeFileSync(SERVICE_BUNDLE_PROBE, '// the service bundle lives here\n', { flag: 'wx' });
    plantedProbe = true;
  } catch {
    // already there (another run's): it is still a file that must not be packed
  }
  work = mkdtempSync(join(tmpdir(), 'cutline-pack-'));
  const dist = join(work, 'electron-dist');
  mkdirSync(join(dist, 'resources'), { recursive: true });
  writeFileSync(
    join(dist, 'electron'),
    Buffer.concat([Buffer.from('#!/bin/sh\nexit 0\n'), Buffer.alloc(256), Buffer.from(SENTINEL), Buffer.from([1, STOCK_WIRE.length]), Buffer.from(STOCK_WIRE), Buffer.alloc(256)]),
    { mode: 0o755 },
  );
  await builder.build({
    targets: builder.Platform.LINUX.createTarget('dir'),
    config: { electronDist: dist, directories: { output: join(work, 'dist') } },
    publish: 'never',
  });
  resources = join(work, 'dist', 'linux-unpacked', 'resources');
  binary = join(work, 'dist', 'linux-unpacked', 'cutline');
  archive = join(resources, 'app.asar');
}, 300_000);

afterAll(() => {
  if (plantedProbe) rmSync(SERVICE_BUNDLE_PROBE, { force: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed app (electron-builder, from electron-builder.yml and out/)', () => {
  it('app.asar holds the build and a package.json, nothing else: no node_modules, no source maps, no service bundle (out/node)', () => {
    const files = asar.listPackage(archive, { isPack: false });
    expect(files.filter((f) => !f.startsWith('/out/renderer/assets/'))).toEqual([
      '/out',
      '/out/main',
      '/out/main/index.js',
      '/out/preload',
      '/out/preload/index.cjs',
      '/out/renderer',
      '/out/renderer/assets',
      '/out/renderer/index.html',
      '/package.json',
    ]);
    expect(files.some((f) => f.includes('node_modules') || f.endsWith('.map'))).toBe(false);
  });

  it('the package.json in app.asar declares no dependency, so nothing of the service can be installed with it', () => {
    const manifest = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as Record<string, unknown>;
    for (const field of ['dependencies', 'optionalDependencies', 'devDependencies', 'peerDependencies', 'bundledDependencies']) {
      expect(manifest[field], field).toBeUndefined();
    }
    expect(manifest.main).toBe('./out/main/index.js');
    expect(JSON.stringify(manifest)).not.toMatch(/fastify|better-sqlite3|"pg"|@cutline\/service/);
  });

  it('flips every security fuse in the binary it ships', async () => {
    const wire = await fuses.getCurrentFuseWire(binary);
    const { FuseV1Options: o } = fuses;
    const s = FUSE;
    expect(wire.version).toBe('1');
    expect({
      runAsNode: wire[o.RunAsNode!],
      cookieEncryption: wire[o.EnableCookieEncryption!],
      nodeOptions: wire[o.EnableNodeOptionsEnvironmentVariable!],
      inspectArguments: wire[o.EnableNodeCliInspectArguments!],
      asarIntegrity: wire[o.EnableEmbeddedAsarIntegrityValidation!],
      onlyFromAsar: wire[o.OnlyLoadAppFromAsar!],
      fileProtocolPrivileges: wire[o.GrantFileProtocolExtraPrivileges!],
    }).toEqual({
      runAsNode: s.DISABLE,
      cookieEncryption: s.ENABLE,
      nodeOptions: s.DISABLE,
      inspectArguments: s.DISABLE,
      asarIntegrity: s.ENABLE,
      onlyFromAsar: s.ENABLE,
      fileProtocolPrivileges: s.DISABLE,
    });
  });

  it('bakes the update feed into resources/app-update.yml: the generic provider over https', () => {
    const feed = load(readFileSync(join(resources, 'app-update.yml'), 'utf8')) as Record<string, string>;
    expect(feed).toEqual({ provider: 'generic', url: expect.stringMatching(/^https:\/\//), channel: 'latest', updaterCacheDirName: 'cutline-updater' });
  });

  it('the preload in app.asar is the sandbox-ready CommonJS bundle over every channel of the map, without zod', () => {
    const preload = asar.extractFile(archive, 'out/preload/index.cjs').toString('utf8');
    expect(preload).toBe(readFileSync('out/preload/index.cjs', 'utf8'));
    expect(statSync('out/preload/index.cjs').size).toBeLessThanOrEqual(10 * 1024);
    expect(preload).toMatch(/require\("electron"\)/);
    expect(preload).not.toMatch(/^import /m);
    expect(preload).not.toMatch(/zod|ZodError|safeParse/);
    expect(preload).toContain('exposeInMainWorld');
    for (const { channel } of Object.values(CHANNELS)) expect(preload, channel).toContain(channel);
  });

  it('main in app.asar needs nothing outside the archive but Electron and Node, and carries the updater and crash reporting', () => {
    const main = asar.extractFile(archive, 'out/main/index.js').toString('utf8');
    const imported = [...main.matchAll(/^import\s+(?:[^'"]*?\s+from\s+)?["']([^"']+)["'];?$/gm)].map((m) => m[1]);
    expect(imported.length).toBeGreaterThan(0);
    // Node's built-ins, with or without node: (electron-updater's CommonJS requires keep the bare names)
    expect(imported.filter((m) => m !== 'electron' && !m.startsWith('node:') && !builtinModules.includes(m))).toEqual([]);
    // electron-updater is bundled (it reads app-update.yml and the channel files itself)
    expect(main).toContain('app-update.yml');
    expect(main).toContain('ERR_UPDATER_INVALID_UPDATE_INFO');
    // crashpad's endpoint is the service's
    expect(main).toContain('/v1/crash-reports');
  });
});

describe('electron-builder.yml: what the updater needs on the other platforms', () => {
  const config = load(readFileSync('electron-builder.yml', 'utf8')) as {
    publish: Array<{ provider: string; url: string }>;
    mac: { target: Array<{ target: string; arch: string[] }>; artifactName: string };
    win: { target: Array<{ target: string; arch: string[] }> };
    nsis: { artifactName: string };
  };

  it('macOS ships a zip beside the dmg (the updater installs the zip), for both architectures', () => {
    expect(config.mac.target).toEqual([
      { target: 'dmg', arch: ['x64', 'arm64'] },
      { target: 'zip', arch: ['x64', 'arm64'] },
    ]);
  });

  it('installers carry the version in their names (release:feed refuses stale ones by it)', () => {
    expect(config.nsis.artifactName).toContain('${version}');
    expect(config.mac.artifactName).toContain('${version}');
  });

  it('one feed, generic, over https', () => {
    expect(config.publish).toHaveLength(1);
    expect(config.publish[0].provider).toBe('generic');
    expect(new URL(config.publish[0].url).protocol).toBe('https:');
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis']);
  });
});
