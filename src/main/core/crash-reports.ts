/**
 * Crash reports, opt-in. The user's choice is kept per installation in the settings store (off
 * until they turn it on); the host's native crash reporter follows it (`onConsentChange`:
 * Electron's `crashReporter` uploads minidumps only while it is on). Uncaught JavaScript errors
 * of both processes reach `report`, which — only with consent — scrubs them (no token, cookie,
 * e-mail or path of the user's: `scrubText`), keeps to a small budget (the same error once per
 * window, at most `max` per window) and posts them to the service's `POST /v1/crash-reports`.
 *
 * Reports carry their own random installation id, made when the user first agrees: not the
 * device id charges carry, so a report cannot be tied to an account through it.
 */
import {
  CrashReportSchema,
  scrubReport,
  singleLine,
  stackFrames,
  type CrashReport,
  type CrashReporting,
  type RendererError,
} from '@cutline/contract/crash-reports';
import type { KeyValueStore } from './key-value-store';
import type { Logger } from './logger';

const STORE_KEY = 'crashReports';

/** Where both kinds of report go: the service's endpoint (the native reporter's `submitURL`). */
export function crashReportEndpoint(serviceUrl: string): string {
  return `${serviceUrl}/v1/crash-reports`;
}

/** The user's stored choice (read before the app is ready, to start the native reporter with it). */
export function crashReportingEnabled(store: KeyValueStore): boolean {
  return (store.get(STORE_KEY) as Partial<Stored> | undefined)?.enabled === true;
}

export interface CrashReportsDeps {
  store: KeyValueStore;
  serviceUrl: string;
  app: CrashReport['app'];
  fetch: typeof fetch;
  now: () => number;
  logger: Logger;
  newInstallationId?: () => string;
  /** Told when the user's choice changes (and once at start): the native reporter's upload switch. */
  onConsentChange?: (enabled: boolean) => void;
  /** At most `max` reports per `windowMs`, and the same error once per window. */
  budget?: { max: number; windowMs: number };
  timeoutMs?: number;
}

export type ReportOutcome = 'sent' | 'off' | 'repeated' | 'over-budget' | 'failed';

interface Stored {
  enabled: boolean;
  installation?: string;
}

export class CrashReports {
  private stored: Stored;
  private sentAt: number[] = [];
  private readonly seen = new Map<string, number>();

  constructor(private readonly deps: CrashReportsDeps) {
    const raw = deps.store.get(STORE_KEY) as Partial<Stored> | undefined;
    this.stored = {
      enabled: crashReportingEnabled(deps.store),
      installation: typeof raw?.installation === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(raw.installation) ? raw.installation : undefined,
    };
    deps.onConsentChange?.(this.stored.enabled);
  }

  get settings(): CrashReporting {
    return { enabled: this.stored.enabled };
  }

  get endpoint(): string {
    return crashReportEndpoint(this.deps.serviceUrl);
  }

  setEnabled(enabled: boolean): CrashReporting {
    const installation = this.stored.installation ?? (enabled ? (this.deps.newInstallationId ?? (() => globalThis.crypto.randomUUID()))() : undefined);
    this.stored = { enabled, installation };
    this.deps.store.set(STORE_KEY, this.stored);
    this.deps.logger.info(enabled ? 'crash reports turned on' : 'crash reports turned off');
    this.deps.onConsentChange?.(enabled);
    return this.settings;
  }

  /** An uncaught error of the main process (`process` events): anything may have been thrown. */
  reportMain(event: 'uncaughtException' | 'unhandledRejection', thrown: unknown): Promise<ReportOutcome> {
    const error = thrown instanceof Error ? thrown : null;
    return this.report('main', event, {
      name: error?.name ?? typeof thrown,
      message: error ? error.message : describe(thrown),
      stack: error?.stack ?? null,
    });
  }

  /** An uncaught error of the window, as the renderer handed it over. */
  reportRenderer(error: RendererError): Promise<ReportOutcome> {
    return this.report('renderer', error.event, error);
  }

  async report(process: CrashReport['process'], event: CrashReport['event'], error: { name: string; message: string; stack: string | null }): Promise<ReportOutcome> {
    if (!this.stored.enabled || !this.stored.installation) return 'off';
    const body = scrubReport({
      kind: 'js-error',
      process,
      event,
      error: {
        name: singleLine(error.name).slice(0, 200) || 'Error',
        message: singleLine(error.message).slice(0, 2000),
        stack: framesOnly(stackFrames(error.stack)),
      },
      app: this.deps.app,
      installation: this.stored.installation,
      occurredAt: new Date(this.deps.now()).toISOString(),
    });
    const outcome = this.spend(`${process}|${body.error.name}|${body.error.message}|${body.error.stack[0] ?? ''}`);
    if (outcome) return outcome;
    const parsed = CrashReportSchema.safeParse(body);
    if (!parsed.success) {
      this.deps.logger.warn('crash report not sent: it does not fit the schema', { issue: parsed.error.issues[0]?.path.join('.') });
      return 'failed';
    }
    try {
      const res = await this.deps.fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(parsed.data),
        signal: AbortSignal.timeout(this.deps.timeoutMs ?? 10_000),
      });
      await res.body?.cancel().catch(() => {});
      if (res.status === 201) return 'sent';
      this.deps.logger.warn('crash report refused', { status: res.status });
      return 'failed';
    } catch (e) {
      this.deps.logger.warn('crash report not sent', { error: (e as Error).name });
      return 'failed';
    }
  }

  /** null when the report may go; otherwise why not. */
  private spend(signature: string): ReportOutcome | null {
    const { max, windowMs } = this.deps.budget ?? { max: 10, windowMs: 60 * 60_000 };
    const now = this.deps.now();
    this.sentAt = this.sentAt.filter((t) => now - t < windowMs);
    for (const [key, t] of this.seen) if (now - t >= windowMs) this.seen.delete(key);
    if (this.seen.has(signature)) return 'repeated';
    if (this.sentAt.length >= max) return 'over-budget';
    this.seen.set(signature, now);
    this.sentAt.push(now);
    return null;
  }
}

/** A V8 stack starts with its error's name and message (over several lines if the message has them): keep the frames. */
function framesOnly(lines: string[]): string[] {
  const first = lines.findIndex((line) => line.startsWith('at '));
  return first > 0 ? lines.slice(first) : lines;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
