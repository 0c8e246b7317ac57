/**
 * Crash reports, opt-in: what the desktop app sends the service (`POST /v1/crash-reports`, an
 * extension of the API) and the one scrubbing rule both sides apply.
 *
 * Two kinds arrive at the same endpoint: Electron's `crashReporter` posts native minidumps as
 * `multipart/form-data` (crashpad's own fields plus the file `upload_file_minidump`), and the
 * desktop core posts uncaught JavaScript errors of the main and renderer processes as JSON
 * (`CrashReportSchema`). Neither is sent unless the user agreed in the app's settings.
 *
 * Scrubbing: nothing a stored report holds may carry a token, a cookie or a file path of the
 * user's. `scrubText` is applied by the desktop before sending and by the service again before
 * storing (the service also masks minidumps byte for byte with `SCRUB_RULES`, which crashpad
 * uploads without passing through our code).
 */
import { z } from 'zod';
import { text } from './text';

/** The JSON report's body limit (the service refuses more with 413). */
export const CRASH_REPORT_JSON_LIMIT = 64 * 1024;
/** A minidump upload's limit, compressed and uncompressed alike. */
export const MINIDUMP_LIMIT = 8 * 1024 * 1024;
/** The multipart field crashpad puts the minidump in. */
export const MINIDUMP_FIELD = 'upload_file_minidump';

export const CrashProcessSchema = z.enum(['main', 'renderer']);
export type CrashProcess = z.infer<typeof CrashProcessSchema>;

/** Which hook caught it: main's `process` events, the renderer's `window` events. */
export const CrashEventSchema = z.enum(['uncaughtException', 'unhandledRejection', 'error', 'unhandledrejection']);

export const MAX_STACK_FRAMES = 100;

/**
 * The JSON report of an uncaught JavaScript error. Strings are single lines (the service refuses
 * control characters everywhere), so a stack travels as its lines.
 */
export const CrashReportSchema = z.strictObject({
  kind: z.literal('js-error'),
  process: CrashProcessSchema,
  event: CrashEventSchema,
  error: z.strictObject({
    name: text().max(200),
    message: text().max(2000),
    stack: z.array(text().max(500)).max(MAX_STACK_FRAMES),
  }),
  app: z.strictObject({
    version: text().min(1).max(40),
    platform: z.enum(['darwin', 'win32', 'linux']),
    arch: text().max(20),
    /** Electron's version; null in the browser host. */
    electron: text().max(40).nullable(),
  }),
  /** The installation's random id (per-client rate limit, grouping). */
  installation: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  occurredAt: z.string().datetime({ offset: true }),
});
export type CrashReport = z.infer<typeof CrashReportSchema>;

export const CrashReportReceiptSchema = z.object({ id: z.string(), kind: z.enum(['js-error', 'minidump']) });
export type CrashReportReceipt = z.infer<typeof CrashReportReceiptSchema>;

/** The user's choice, kept per installation; off until they turn it on. */
export const CrashReportingSchema = z.object({ enabled: z.boolean() });
export type CrashReporting = z.infer<typeof CrashReportingSchema>;

/** An uncaught error of the renderer, as the window hands it to main over IPC. */
export const RendererErrorSchema = z.strictObject({
  event: z.enum(['error', 'unhandledrejection']),
  name: z.string().max(200),
  message: z.string().max(4000),
  stack: z.string().max(32_000).nullable(),
});
export type RendererError = z.infer<typeof RendererErrorSchema>;

// ---- scrubbing ---------------------------------------------------------------------------------

/*
 * Each rule finds something a report must not carry. The character classes stop at control
 * characters (a text's line end, a binary's NUL), so the same rules run over text and, masked byte
 * for byte, over minidumps. A path runs until a quote, bracket, colon (a line number), `|`, `*`
 * or `?` — spaces included: over-redacting a message is better than keeping half a file name.
 */
const PATH_CHAR = String.raw`[^\x00-\x1f\x7f"'\x60()<>:|*?]`;
const WIN_SEP = String.raw`[\\/]{1,2}`;

export interface ScrubRule {
  /** What it removes, in the replacement. */
  readonly label: string;
  readonly pattern: RegExp;
  /** Group 1, when present, is kept (the name of a header or parameter). */
  readonly keepsPrefix?: boolean;
}

/* eslint-disable no-control-regex -- the rules stop at control characters: a text's line end, a binary's NUL */
export const SCRUB_RULES: readonly ScrubRule[] = [
  // the app's own code inside app.asar, wherever it is installed: keep what follows the archive
  { label: '<app>', pattern: new RegExp(String.raw`(?:[A-Za-z]:${WIN_SEP}|/|\\\\)${PATH_CHAR}*?app\.asar(?=[\\/])`, 'g') },
  // a home folder and everything below it: Windows, macOS, Linux, ~/…, macOS's per-user temp
  { label: '<user path>', pattern: new RegExp(String.raw`[A-Za-z]:${WIN_SEP}(?:Users|Documents and Settings)${WIN_SEP}${PATH_CHAR}*`, 'gi') },
  { label: '<user path>', pattern: new RegExp(String.raw`/(?:home|Users|root)/${PATH_CHAR}*`, 'g') },
  { label: '<user path>', pattern: new RegExp(String.raw`/(?:private/)?var/folders/${PATH_CHAR}*`, 'g') },
  { label: '<user path>', pattern: new RegExp(String.raw`(?<![\w.])~[\\/]${PATH_CHAR}*`, 'g') },
  { label: '<user path>', pattern: new RegExp(String.raw`%(?:USERPROFILE|HOMEPATH|APPDATA|LOCALAPPDATA)%${PATH_CHAR}*`, 'gi') },
  // credentials by their names: headers, query and form parameters, JSON fields
  { label: '[redacted]', keepsPrefix: true, pattern: /((?:proxy-)?authorization\s*[:=]\s*)[^\x00-\x1f\x7f,;]*/gi },
  { label: '[redacted]', keepsPrefix: true, pattern: /((?:set-)?cookie\s*[:=]\s*)[^\x00-\x1f\x7f]*/gi },
  { label: '[redacted]', keepsPrefix: true, pattern: /(bearer\s+)[A-Za-z0-9._~+/=-]+/gi },
  {
    label: '[redacted]',
    keepsPrefix: true,
    pattern: /((?:access_token|refresh_token|id_token|token|code|state|code_verifier|password|client_secret|session)=)[^&\s"'#\x00-\x1f]+/gi,
  },
  {
    label: '"[redacted]"',
    keepsPrefix: true,
    pattern: /("(?:access_?token|refresh_?token|accessToken|refreshToken|token|password|cookie|authorization|secret|session)"\s*:\s*)"[^"\x00-\x1f]*"/gi,
  },
  // opaque secrets seen bare: a long run of token characters with letters and digits (the
  // service's tokens are 43 base64url characters)
  { label: '[redacted]', pattern: /(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_-])/g },
  // e-mail addresses
  { label: '<email>', pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g },
];
/* eslint-enable no-control-regex */

/** A text with every token, cookie, credential, user path and e-mail address replaced by a label. */
export function scrubText(input: string): string {
  let out = input;
  for (const rule of SCRUB_RULES) {
    out = out.replace(rule.pattern, (match: string, prefix: unknown) =>
      rule.keepsPrefix && typeof prefix === 'string' ? `${prefix}${rule.label}` : rule.label,
    );
  }
  return out;
}

/** Every string of a JSON value scrubbed (keys too), the shape kept. */
export function scrubValue<T>(value: T): T {
  if (typeof value === 'string') return scrubText(value) as T;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [scrubText(k), scrubValue(v)])) as T;
  }
  return value;
}

/** A multi-line stack as the report's frames: one line each, control characters gone, at most `MAX_STACK_FRAMES`. */
export function stackFrames(stack: string | null | undefined): string[] {
  return (stack ?? '')
    .split(/\r?\n/)
    .map((line) => singleLine(line).trim().slice(0, 500))
    .filter((line) => line.length > 0)
    .slice(0, MAX_STACK_FRAMES);
}

/** Control characters (line ends included) become spaces. */
export function singleLine(s: string): string {
  // eslint-disable-next-line no-control-regex -- replacing control characters is the point
  return s.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}
