/**
 * Logging for the core. Callers pass only safe fields: never a token, a code or a PKCE verifier.
 * `describeUrlSafely` is how a URL that may carry secrets (a deep link's code) is written down.
 */
export type LogLevel = 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export interface LogRecord {
  level: LogLevel;
  message: string;
  fields: LogFields;
}

/** Writes one line per record to stderr, prefixed with the component name. */
export function consoleLogger(prefix = 'cutline'): Logger {
  const write = (level: LogLevel, message: string, fields: LogFields = {}) => {
    const extra = Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(' ');
    process.stderr.write(`[${prefix}] ${level} ${message}${extra ? ` ${extra}` : ''}\n`);
  };
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

/** Keeps records in memory (the devhost shows them; tests read them). */
export function memoryLogger(): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const push = (level: LogLevel) => (message: string, fields: LogFields = {}) => {
    records.push({ level, message, fields });
  };
  return { records, info: push('info'), warn: push('warn'), error: push('error') };
}

/**
 * A URL as it may be logged: scheme, host and path, and the *names* of its query parameters,
 * never their values (a deep link's `code` is a credential while it is fresh).
 */
export function describeUrlSafely(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `<unparseable, ${raw.length} chars>`;
  }
  const names = [...new Set(url.searchParams.keys())].map((n) => n.slice(0, 32));
  const base = `${url.protocol}//${url.host}${url.pathname}`.slice(0, 200);
  return names.length ? `${base}?[${names.join(',')}]` : base;
}
