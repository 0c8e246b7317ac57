/**
 * The update feed end to end, as far as this machine allows: `npm run release:feed` writes
 * latest.yml / latest-mac.yml beside fake installers; a feed server on 127.0.0.1 serves the
 * folder as an operator's static host would; and electron-updater's own code reads it — the real
 * NsisUpdater (check, staged rollout, download with its SHA-512 check), the generic provider and
 * builder-util-runtime's verified download for the macOS zip. The app-update.yml it reads is built
 * from electron-builder.yml's `publish` setting, as electron-builder writes it into the installer,
 * with the feed's URL replaced the way `CUTLINE_UPDATE_URL` replaces it.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type RequestOptions, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFeed, FeedError, type UpdateInfoYml } from '../../scripts/release-feed';

const require = createRequire(import.meta.url);
// electron-updater's classes load without Electron; only what talks to Electron is replaced below
const { NsisUpdater } = require('electron-updater') as typeof import('electron-updater');
const { GenericProvider } = require('electron-updater/out/providers/GenericProvider') as {
  GenericProvider: new (config: { provider: 'generic'; url: string }, updater: unknown, runtime: unknown) => {
    getLatestVersion(): Promise<UpdateInfoYml>;
    resolveFiles(info: UpdateInfoYml): Array<{ url: URL; info: { sha512: string; size: number } }>;
  };
};
const { findFile, parseUpdateInfo } = require('electron-updater/out/providers/Provider') as {
  findFile(files: unknown[], extension: string): { url: URL; info: { sha512: string } } | undefined;
  parseUpdateInfo(raw: string, channelFile: string, url: URL): UpdateInfoYml;
};
const { ElectronHttpExecutor } = require('electron-updater/out/electronHttpExecutor') as {
  ElectronHttpExecutor: new (login: null) => { download(url: URL, dest: string, options: object): Promise<string> };
};
const { CancellationToken } = require('builder-util-runtime') as { CancellationToken: new () => object };

/**
 * electron-updater's own HTTP executor (its downloads, redirects and SHA-512 checks) with the one
 * Electron call — `net.request` — replaced by Node's `http.request`, as builder-util's
 * NodeHttpExecutor does for electron-builder.
 */
class NodeNetExecutor extends ElectronHttpExecutor {
  constructor() {
    super(null);
  }
  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void) {
    return httpRequest(options, callback);
  }
  addRedirectHandlers() {
    // Node's responses carry redirects as status codes, which the base class follows
  }
}

const VERSION = '1.2.0';
const INSTALLERS = [
  `Cutline-Setup-${VERSION}-x64.exe`,
  `Cutline-Setup-${VERSION}-arm64.exe`,
  `Cutline-${VERSION}-x64.zip`,
  `Cutline-${VERSION}-arm64.zip`,
  `Cutline-${VERSION}-x64.dmg`,
  `Cutline-${VERSION}-arm64.dmg`,
];

let work: string;
let feedDir: string;
let server: Server;
let feedUrl: string;
const requests: string[] = [];

/** A staging id (what electron-updater keeps in userData/.updaterId) that falls at `share` of the rollout. */
function stagingIdAt(share: number): string {
  const tail = Math.floor(share * 0xffffffff).toString(16).padStart(8, '0');
  return `6ba7b810-9dad-41d1-80b4-0000${tail}`;
}

/** electron-builder.yml's publish setting as electron-builder bakes it into app-update.yml. */
function appUpdateYml(url: string): string {
  const config = load(readFileSync('electron-builder.yml', 'utf8')) as { publish: Array<Record<string, unknown>> };
  const [publish] = config.publish;
  return JSON.stringify({ ...publish, url, updaterCacheDirName: 'cutline-updater' });
}

/** The real NsisUpdater, on a stand-in for Electron's app object and Node's HTTP under its own executor. */
function windowsUpdater(name: string, stagingShare: number) {
  const dir = join(work, name);
  mkdirSync(join(dir, 'userData'), { recursive: true });
  writeFileSync(join(dir, 'userData', '.updaterId'), stagingIdAt(stagingShare));
  writeFileSync(join(dir, 'app-update.yml'), appUpdateYml(feedUrl));
  const app = {
    version: '1.0.0',
    name: 'Cutline',
    isPackaged: true,
    appUpdateConfigPath: join(dir, 'app-update.yml'),
    userDataPath: join(dir, 'userData'),
    baseCachePath: join(dir, 'cache'),
    whenReady: () => Promise.resolve(),
    relaunch: () => {},
    quit: () => {},
    onQuit: () => {},
  };
  const updater = new NsisUpdater(null, app);
  const internals = updater as unknown as { httpExecutor: unknown; _testOnlyOptions: unknown };
  internals.httpExecutor = new NodeNetExecutor();
  // electron-updater's own test switch: read the Windows channel here on Linux, full downloads only
  internals._testOnlyOptions = { platform: 'win32', isUseDifferentialDownload: false };
  updater.logger = null;
  updater.autoDownload = false;
  updater.disableWebInstaller = true;
  updater.setFeedURL({ provider: 'generic', url: feedUrl });
  return { updater, dir };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cutline-feed-'));
  feedDir = join(work, 'dist');
  mkdirSync(feedDir);
  for (const name of INSTALLERS) writeFileSync(join(feedDir, name), randomBytes(200_000 + INSTALLERS.indexOf(name)));
  writeFileSync(join(feedDir, `Cutline-Setup-${VERSION}-x64.exe.blockmap`), randomBytes(100));

  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://feed').pathname).replace(/^\/+/, '');
    requests.push(path);
    const file = join(feedDir, path);
    if (!path || path.includes('..') || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  // the command an operator runs
  execFileSync('npm', ['run', '--silent', 'release:feed', '--', feedDir, '--version', VERSION, '--staging', '40', '--release-date', '2026-12-07T10:00:00.000Z'], {
    encoding: 'utf8',
  });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(work, { recursive: true, force: true });
});

describe('npm run release:feed', () => {
  it('writes latest.yml and latest-mac.yml that electron-updater’s parser reads, with every installer’s size and SHA-512', () => {
    const sha512 = (name: string) => require('node:crypto').createHash('sha512').update(readFileSync(join(feedDir, name))).digest('base64') as string;
    const windows = parseUpdateInfo(readFileSync(join(feedDir, 'latest.yml'), 'utf8'), 'latest.yml', new URL('latest.yml', feedUrl));
    expect(windows).toEqual({
      version: VERSION,
      files: [`Cutline-Setup-${VERSION}-arm64.exe`, `Cutline-Setup-${VERSION}-x64.exe`].map((url) => ({ url, sha512: sha512(url), size: readFileSync(join(feedDir, url)).length })),
      path: `Cutline-Setup-${VERSION}-arm64.exe`,
      sha512: sha512(`Cutline-Setup-${VERSION}-arm64.exe`),
      releaseDate: '2026-12-07T10:00:00.000Z',
      stagingPercentage: 40,
    });
    const mac = parseUpdateInfo(readFileSync(join(feedDir, 'latest-mac.yml'), 'utf8'), 'latest-mac.yml', new URL('latest-mac.yml', feedUrl));
    // the zips first (what the macOS updater installs), then the dmgs; path names a zip
    expect(mac.files.map((f) => f.url)).toEqual([`Cutline-${VERSION}-arm64.zip`, `Cutline-${VERSION}-x64.zip`, `Cutline-${VERSION}-arm64.dmg`, `Cutline-${VERSION}-x64.dmg`]);
    expect(mac.path).toBe(`Cutline-${VERSION}-arm64.zip`);
    expect(mac.stagingPercentage).toBe(40);
    expect(existsSync(join(feedDir, 'latest-linux.yml'))).toBe(false);
  });

  it('refuses a stale installer, a bad percentage or a folder without installers, saying why', async () => {
    const dir = mkdtempSync(join(work, 'bad-'));
    await expect(writeFeed(dir, { version: VERSION })).rejects.toThrow(/no installers/);
    writeFileSync(join(dir, 'Cutline-Setup-1.1.0-x64.exe'), 'old');
    await expect(writeFeed(dir, { version: VERSION })).rejects.toThrow(new FeedError(`not version ${VERSION}: Cutline-Setup-1.1.0-x64.exe — remove them or pass the right --version`));
    await expect(writeFeed(dir, { version: '1.1.0', stagingPercentage: 140 })).rejects.toThrow(/--staging must be a whole percentage/);
    let status = 0;
    try {
      execFileSync('npm', ['run', '--silent', 'release:feed', '--', dir, '--version', VERSION], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      status = (error as { status: number }).status;
      expect((error as { stderr: string }).stderr).toContain('release:feed: not version 1.2.0: Cutline-Setup-1.1.0-x64.exe');
    }
    expect(status).not.toBe(0);
  });
});

describe('electron-updater against the feed on 127.0.0.1', () => {
  it('an installation inside the 40 % rollout finds 1.2.0 and downloads its installer, checksum verified', async () => {
    const { updater } = windowsUpdater('inside', 0.1);
    const events: string[] = [];
    updater.on('update-available', (info) => events.push(`available ${info.version}`));
    updater.on('update-downloaded', (info) => events.push(`downloaded ${info.version}`));
    const result = await updater.checkForUpdates();
    expect(result?.isUpdateAvailable).toBe(true);
    expect(result?.updateInfo.version).toBe(VERSION);
    const [file] = await updater.downloadUpdate();
    // the installer for this machine's architecture, byte for byte
    expect(file.endsWith('.exe')).toBe(true);
    expect(readFileSync(file).equals(readFileSync(join(feedDir, `Cutline-Setup-${VERSION}-${process.arch === 'arm64' ? 'arm64' : 'x64'}.exe`)))).toBe(true);
    expect(events).toEqual([`available ${VERSION}`, `downloaded ${VERSION}`]);
    expect(requests).toContain('latest.yml');
  });

  it('an installation outside the rollout is told there is nothing newer', async () => {
    const { updater } = windowsUpdater('outside', 0.9);
    const seen: string[] = [];
    updater.on('update-not-available', () => seen.push('not-available'));
    const result = await updater.checkForUpdates();
    expect(result?.isUpdateAvailable).toBe(false);
    expect(seen).toEqual(['not-available']);
  });

  it('a tampered installer fails the SHA-512 check and is not offered for install', async () => {
    const name = `Cutline-Setup-${VERSION}-${process.arch === 'arm64' ? 'arm64' : 'x64'}.exe`;
    const original = readFileSync(join(feedDir, name));
    const tampered = Buffer.from(original);
    tampered[1000] ^= 0xff;
    writeFileSync(join(feedDir, name), tampered);
    try {
      const { updater } = windowsUpdater('tampered', 0.1);
      let downloaded = false;
      updater.on('update-downloaded', () => (downloaded = true));
      await updater.checkForUpdates();
      await expect(updater.downloadUpdate()).rejects.toThrow(/sha512 checksum mismatch/);
      expect(downloaded).toBe(false);
    } finally {
      writeFileSync(join(feedDir, name), original);
    }
  });

  it('macOS: the generic provider reads latest-mac.yml and the zip downloads with its checksum verified', async () => {
    const executor = new NodeNetExecutor();
    const provider = new GenericProvider({ provider: 'generic', url: feedUrl }, { channel: null, isAddNoCacheQuery: false }, { platform: 'darwin', executor, isUseMultipleRangeRequest: true });
    const info = await provider.getLatestVersion();
    expect(info.version).toBe(VERSION);
    const zip = findFile(provider.resolveFiles(info), 'zip');
    expect(zip?.url.pathname).toMatch(/Cutline-1\.2\.0-(x64|arm64)\.zip$/);
    const dest = join(work, 'mac.zip');
    await executor.download(zip!.url, dest, { sha512: zip!.info.sha512, cancellationToken: new CancellationToken() });
    expect(readFileSync(dest).equals(readFileSync(join(feedDir, zip!.url.pathname.slice(1))))).toBe(true);
  });
});
