/**
 * Crash reports the service received, kept on disk in the service's data folder (one JSON file
 * per report, the scrubbed minidump beside it): a JavaScript error as the desktop core sent it,
 * or a native crash as crashpad uploaded it. Everything is scrubbed again before it is written
 * (`scrubValue` for text, `maskMinidump` for the dump), so a stored report holds no token,
 * cookie, e-mail address or path of the user's whatever the sender did. Clients are limited per
 * installation and per address — counters in the database (`countHits`), so the allowance is the
 * same whichever instance a report reaches; the folder keeps the newest `maxStored` reports.
 *
 * Report ids start with the time they arrived (base 36, fixed width), so the file names sort by
 * age and a page of the listing reads only its own files.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CrashReportSchema, scrubReport, scrubValue, type CrashReport } from '@cutline/contract/crash-reports';
import type { Clock } from '../../clock';
import type { Hit } from '../auth/rate-counters';
import { ServiceError } from '../kernel/errors';
import { isMinidump, maskMinidump } from './minidump';

export interface CrashReportLimits {
  /** Reports per installation (the JSON's `installation`, crashpad's `guid`) per hour. */
  perInstallation: number;
  /** Reports per client address per hour. */
  perAddress: number;
  /** Reports kept; the oldest go first. */
  maxStored: number;
}

export const DEFAULT_CRASH_REPORT_LIMITS: CrashReportLimits = { perInstallation: 10, perAddress: 30, maxStored: 2000 };

/** A stored report as the admin API shows it. */
export interface StoredCrashReport {
  id: string;
  kind: 'js-error' | 'minidump';
  receivedAt: string;
  /** The JSON report (kind js-error). */
  report?: CrashReport;
  /** crashpad's form fields (kind minidump): product, version, platform, process type… */
  fields?: Record<string, string>;
  /** The minidump kept beside it (kind minidump). */
  minidump?: { bytes: number; masked: number };
}

export type CrashUpload =
  | { kind: 'js-error'; report: CrashReport }
  | { kind: 'minidump'; fields: Record<string, string>; minidump: Buffer };

const ID = /^cr_[0-9a-z]{9}[A-Za-z0-9_-]{8}$/;
const HOUR = 3_600_000;
/** crashpad's own field for its client id. */
const GUID_FIELD = 'guid';

/** Counts one hit on each key in a window and returns the counts (`countHits` over the service's database). */
export type HitCounter = (keys: readonly string[], windowMs: number) => Promise<Hit[]>;

export class CrashReportInbox {
  private readonly limits: CrashReportLimits;
  private ready: Promise<void> | null = null;

  constructor(
    readonly dir: string,
    private readonly clock: Clock,
    private readonly countHits: HitCounter,
    limits: Partial<CrashReportLimits> = {},
  ) {
    this.limits = { ...DEFAULT_CRASH_REPORT_LIMITS, ...limits };
  }

  /** Counts the report against its address and installation; false when either is over its allowance. */
  private async allowed(address: string, installation: string): Promise<boolean> {
    const addressKey = `crash:addr:${address}`;
    const keys = installation === '' ? [addressKey] : [addressKey, `crash:inst:${installation}`];
    const hits = await this.countHits(keys, HOUR);
    return hits.every((h) => h.hits <= (h.key === addressKey ? this.limits.perAddress : this.limits.perInstallation));
  }

  /** Checks the client's allowance, scrubs and stores; throws 400 for what is not a report, 429 over the limit. */
  async accept(upload: CrashUpload, client: { address: string }): Promise<{ id: string; kind: StoredCrashReport['kind'] }> {
    const installation = upload.kind === 'js-error' ? upload.report.installation : (upload.fields[GUID_FIELD] ?? '');
    if (upload.kind === 'minidump' && !isMinidump(upload.minidump)) {
      throw new ServiceError('invalid_request', `${'upload_file_minidump'} is not a minidump`);
    }
    // counted before anything is written: a flood costs the service one statement per report
    if (!(await this.allowed(client.address, installation))) {
      throw new ServiceError('rate_limited', 'Too many crash reports from this client; try again later.', { retryAfterSeconds: 3600 });
    }
    const now = this.clock.now();
    const id = `cr_${now.toString(36).padStart(9, '0')}${randomBytes(6).toString('base64url')}`;
    const stored: StoredCrashReport = { id, kind: upload.kind, receivedAt: new Date(now).toISOString() };
    await this.prepare();
    if (upload.kind === 'js-error') {
      stored.report = CrashReportSchema.parse(scrubReport(upload.report));
    } else {
      const bytes = Buffer.from(upload.minidump);
      const masked = maskMinidump(bytes);
      stored.fields = scrubValue(upload.fields);
      stored.minidump = { bytes: bytes.length, masked };
      await writeAtomically(join(this.dir, `${id}.dmp`), bytes);
    }
    await writeAtomically(join(this.dir, `${id}.json`), Buffer.from(JSON.stringify(stored)));
    await this.prune();
    return { id, kind: upload.kind };
  }

  /** Newest first; `before` is the last id of the previous page. */
  async list(query: { limit: number; before?: string }): Promise<{ reports: StoredCrashReport[]; next: string | null }> {
    await this.prepare();
    const ids = (await this.ids()).reverse().filter((id) => query.before === undefined || id < query.before);
    const page = ids.slice(0, query.limit);
    const reports = (await Promise.all(page.map((id) => this.read(id)))).filter((r): r is StoredCrashReport => r !== null);
    return { reports, next: ids.length > query.limit ? page[page.length - 1] : null };
  }

  async get(id: string): Promise<StoredCrashReport> {
    const report = ID.test(id) ? await this.read(id) : null;
    if (!report) throw new ServiceError('not_found', 'crash report not found');
    return report;
  }

  async minidump(id: string): Promise<Buffer> {
    const report = await this.get(id);
    if (report.kind !== 'minidump') throw new ServiceError('not_found', 'this crash report has no minidump');
    return readFile(join(this.dir, `${id}.dmp`));
  }

  private prepare(): Promise<void> {
    this.ready ??= mkdir(this.dir, { recursive: true }).then(() => undefined);
    return this.ready;
  }

  /** Stored ids, oldest first. */
  private async ids(): Promise<string[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return names
      .filter((n) => n.endsWith('.json'))
      .map((n) => n.slice(0, -5))
      .filter((id) => ID.test(id))
      .sort();
  }

  private async read(id: string): Promise<StoredCrashReport | null> {
    try {
      return JSON.parse(await readFile(join(this.dir, `${id}.json`), 'utf8')) as StoredCrashReport;
    } catch {
      return null;
    }
  }

  private async prune(): Promise<void> {
    const ids = await this.ids();
    for (const id of ids.slice(0, Math.max(0, ids.length - this.limits.maxStored))) {
      await rm(join(this.dir, `${id}.json`), { force: true });
      await rm(join(this.dir, `${id}.dmp`), { force: true });
    }
  }
}

async function writeAtomically(path: string, data: Buffer): Promise<void> {
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, data);
  await rename(temp, path);
}
