/**
 * `npm run release:feed -- <dir> [--version 1.2.0] [--staging 25] [--release-date <ISO>]`
 *
 * Writes the update feed's metadata next to the built installers in <dir>, in the format
 * electron-updater's generic provider reads: `latest.yml` (Windows: the NSIS `.exe`s),
 * `latest-mac.yml` (macOS: the `.zip`s the updater installs — listed first, as electron-builder
 * does — and the `.dmg`s), `latest-linux.yml` (`.AppImage`s). Each file is listed with its
 * SHA-512 (base64) and size; `stagingPercentage` rolls the release out to that share of
 * installations (electron-updater compares it with each installation's random id). The operator
 * uploads the folder as it is to the feed URL (electron-builder.yml `publish`, or the app's
 * `CUTLINE_UPDATE_URL`); raising the percentage later is rerunning with a new `--staging`.
 *
 * Every installer must carry the version in its name (electron-builder's artifact names do): a
 * stale installer left in the folder is refused rather than published. Blockmaps stay beside
 * their installers (electron-updater fetches them for differential downloads).
 */
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { dump } from 'js-yaml';

export interface FeedFile {
  url: string;
  sha512: string;
  size: number;
}

export interface UpdateInfoYml {
  version: string;
  files: FeedFile[];
  path: string;
  sha512: string;
  releaseDate: string;
  stagingPercentage?: number;
}

export interface FeedOptions {
  version: string;
  /** 0–100: the share of installations offered this release; absent: everyone. */
  stagingPercentage?: number;
  releaseDate?: string;
}

/** The channel files and which installers each lists, in listing order. */
const CHANNELS = [
  { file: 'latest.yml', matches: [/\.exe$/i] },
  { file: 'latest-mac.yml', matches: [/\.zip$/i, /\.dmg$/i] },
  { file: 'latest-linux.yml', matches: [/\.AppImage$/i] },
] as const;

export class FeedError extends Error {}

async function sha512Of(path: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

/** Writes the channel files for the installers in `dir`; returns what it wrote. */
export async function writeFeed(dir: string, options: FeedOptions): Promise<Record<string, UpdateInfoYml>> {
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(options.version)) throw new FeedError(`--version ${JSON.stringify(options.version)} is not a version like 1.2.0`);
  const staging = options.stagingPercentage;
  if (staging !== undefined && !(Number.isInteger(staging) && staging >= 0 && staging <= 100)) throw new FeedError('--staging must be a whole percentage from 0 to 100');
  const releaseDate = options.releaseDate ?? new Date().toISOString();
  if (Number.isNaN(Date.parse(releaseDate))) throw new FeedError('--release-date must be an ISO date');

  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => statSync(join(dir, name)).isFile());
  } catch {
    throw new FeedError(`${dir} is not a folder that can be read`);
  }
  const installers = names.filter((name) => CHANNELS.some((c) => c.matches.some((re) => re.test(name))));
  const stale = installers.filter((name) => !name.includes(options.version));
  if (stale.length) throw new FeedError(`not version ${options.version}: ${stale.join(', ')} — remove them or pass the right --version`);
  if (installers.length === 0) throw new FeedError(`no installers (.exe, .zip, .dmg, .AppImage) in ${dir}`);

  const written: Record<string, UpdateInfoYml> = {};
  for (const channel of CHANNELS) {
    const listed = channel.matches.flatMap((re) => installers.filter((name) => re.test(name)).sort());
    if (listed.length === 0) continue;
    const files: FeedFile[] = [];
    for (const name of listed) files.push({ url: name, sha512: await sha512Of(join(dir, name)), size: statSync(join(dir, name)).size });
    const info: UpdateInfoYml = {
      version: options.version,
      files,
      // what electron-updater before 2.15 read; the first file (the zip on macOS)
      path: files[0].url,
      sha512: files[0].sha512,
      releaseDate,
      ...(staging !== undefined ? { stagingPercentage: staging } : {}),
    };
    writeFileSync(join(dir, channel.file), dump(info, { lineWidth: 8000 }));
    written[channel.file] = info;
  }
  return written;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { version: { type: 'string' }, staging: { type: 'string' }, 'release-date': { type: 'string' } },
    });
  } catch (error) {
    process.stderr.write(`release:feed: ${(error as Error).message}\n`);
    return 2;
  }
  const [dir, ...extra] = parsed.positionals;
  if (!dir || extra.length) {
    process.stderr.write('usage: npm run release:feed -- <dir> [--version 1.2.0] [--staging 0-100] [--release-date ISO]\n');
    return 2;
  }
  const version = parsed.values.version ?? (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
  const staging = parsed.values.staging;
  try {
    // npm runs scripts from the project's root; a relative folder is where the command was typed
    const written = await writeFeed(resolve(process.env.INIT_CWD ?? '.', dir), {
      version,
      stagingPercentage: staging === undefined ? undefined : Number(staging),
      releaseDate: parsed.values['release-date'],
    });
    for (const [file, info] of Object.entries(written)) {
      process.stdout.write(`${join(dir, file)}: ${info.version}, ${info.files.map((f) => f.url).join(', ')}${info.stagingPercentage !== undefined ? `, staged to ${info.stagingPercentage}%` : ''}\n`);
    }
    return 0;
  } catch (error) {
    if (!(error instanceof FeedError)) throw error;
    process.stderr.write(`release:feed: ${error.message}\n`);
    return 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
