/** The service's environment (docs/operations.md § Configuration), validated. */
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/** Every default of the service's settings, in one place (the environment and `startServer` use them). */
export const DEFAULTS = {
  port: 4780,
  holdTtlMs: 900_000,
  accessTokenTtlS: 3600,
  refreshTokenTtlS: 30 * 86_400,
  pingMs: 15_000,
  sweepMs: 1000,
  mailRetryMs: 5000,
  webhookRetryMs: 5000,
  webhookTimeoutMs: 10_000,
} as const;

/** pino's levels; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULTS.port),
  CUTLINE_DB: z.string().min(1).optional(),
  CUTLINE_ADMIN_TOKEN: z.string().min(16, 'CUTLINE_ADMIN_TOKEN must be at least 16 characters').optional(),
  CUTLINE_SEED: z.enum(['demo']).optional(),
  CUTLINE_HOLD_TTL_MS: z.coerce.number().int().min(1000).max(7 * 86_400_000).default(DEFAULTS.holdTtlMs),
  CUTLINE_PUBLIC_URL: z.string().url().optional(),
  // Extensions (docs/api.md § Extensions at a glance): token lifetime, ping and sweep periods.
  CUTLINE_ACCESS_TTL_S: z.coerce.number().int().min(5).max(86_400).default(DEFAULTS.accessTokenTtlS),
  CUTLINE_PING_MS: z.coerce.number().int().min(100).max(60_000).default(DEFAULTS.pingMs),
  CUTLINE_SWEEP_MS: z.coerce.number().int().min(50).max(600_000).default(DEFAULTS.sweepMs),
  // Mail (docs/operations.md § Mail): an SMTP server, or the printed line when unset.
  CUTLINE_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s/]+(\/\S*)?$/, 'must be smtp://[user:password@]host:port or smtps://…')
    .refine((u) => URL.canParse(u) && new URL(u).hostname !== '', 'must name a host')
    .optional(),
  // Extensions: the From of every mail, and the outbox's first retry delay.
  CUTLINE_MAIL_FROM: z
    .string()
    .min(3)
    .max(320)
    .regex(/^[^\p{Cc}]+$/u, 'must be one line without control characters')
    .regex(/@/, 'must hold an address, e.g. "Cutline <no-reply@example.com>"')
    .optional(),
  // Extension: reverse proxies whose X-Forwarded-For names the client (the sign-in limits count by it).
  CUTLINE_TRUST_PROXY: z
    .string()
    .transform((v) => v.split(',').map((a) => a.trim()).filter(Boolean))
    .refine((list) => list.every((a) => isIP(a.split('/')[0]) !== 0 && /^[^/]+(\/\d{1,3})?$/.test(a)), 'must be addresses or CIDR ranges, comma-separated, e.g. 127.0.0.1,10.0.0.0/8')
    .optional(),
  CUTLINE_MAIL_RETRY_MS: z.coerce.number().int().min(10).max(3_600_000).default(DEFAULTS.mailRetryMs),
  // Webhooks for team admins (docs/api.md § Webhooks for team admins): private addresses (and http:
  // to loopback) allowed, the first retry delay; extension: an attempt's time limit.
  CUTLINE_WEBHOOK_ALLOW_PRIVATE: z.enum(['0', '1'], { message: 'must be 1 (allow) or 0' }).default('0'),
  CUTLINE_WEBHOOK_RETRY_MS: z.coerce.number().int().min(10).max(3_600_000).default(DEFAULTS.webhookRetryMs),
  CUTLINE_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(DEFAULTS.webhookTimeoutMs).default(DEFAULTS.webhookTimeoutMs),
  // Operations (docs/operations.md § Logs, § Metrics).
  CUTLINE_LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  CUTLINE_METRICS_TOKEN: z.string().min(16, 'CUTLINE_METRICS_TOKEN must be at least 16 characters').optional(),
  // Extension: where crash reports are kept (docs/api.md § Crash reports)
  CUTLINE_CRASH_REPORTS_DIR: z.string().min(1).optional(),
});

/** The per-user data folder, as Electron's `app.getPath('userData')` would place it. */
export function userDataDir(): string {
  const home = homedir();
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Cutline');
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'Cutline');
  return join(process.env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'cutline');
}

/**
 * Where crash reports are kept unless CUTLINE_CRASH_REPORTS_DIR says: beside a SQLite database
 * file, else in the user-data folder. Several instances on PostgreSQL should share one folder.
 */
export function defaultCrashReportsDir(db: string): string {
  const sqliteFile = !/^postgres(ql)?:\/\//.test(db) && db !== ':memory:';
  return join(sqliteFile ? dirname(db) : userDataDir(), 'crash-reports');
}

export function readEnv(env: NodeJS.ProcessEnv) {
  const r = Env.safeParse(env);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`invalid environment: ${i.path.join('.')}: ${i.message}`);
  }
  const e = r.data;
  return {
    port: e.PORT,
    db: e.CUTLINE_DB ?? join(userDataDir(), 'cutline-credits.db'),
    adminToken: e.CUTLINE_ADMIN_TOKEN ?? null,
    seed: e.CUTLINE_SEED ?? null,
    holdTtlMs: e.CUTLINE_HOLD_TTL_MS,
    publicUrl: e.CUTLINE_PUBLIC_URL,
    accessTokenTtlS: e.CUTLINE_ACCESS_TTL_S,
    pingMs: e.CUTLINE_PING_MS,
    sweepMs: e.CUTLINE_SWEEP_MS,
    smtpUrl: e.CUTLINE_SMTP_URL ?? null,
    mailFrom: e.CUTLINE_MAIL_FROM,
    mailRetryMs: e.CUTLINE_MAIL_RETRY_MS,
    trustProxy: e.CUTLINE_TRUST_PROXY,
    logLevel: e.CUTLINE_LOG_LEVEL,
    metricsToken: e.CUTLINE_METRICS_TOKEN ?? null,
    crashReportsDir: e.CUTLINE_CRASH_REPORTS_DIR,
    webhookAllowPrivate: e.CUTLINE_WEBHOOK_ALLOW_PRIVATE === '1',
    webhookRetryMs: e.CUTLINE_WEBHOOK_RETRY_MS,
    webhookTimeoutMs: e.CUTLINE_WEBHOOK_TIMEOUT_MS,
  };
}
