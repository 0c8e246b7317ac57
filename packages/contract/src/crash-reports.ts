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
 * storing (the service also masks minidumps byte for byte with `sensitiveRanges`: crashpad
 * uploads them without passing through our code).
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
 * What a report must not carry is found as ranges of the text, by linear scans (a minidump is
 * several megabytes of arbitrary bytes: no pattern may backtrack over it). Character classes stop
 * at control characters — a text's line end, a binary's NUL — so the same finder serves text,
 * where each range is replaced by its label, and minidumps, masked byte for byte.
 *
 * Paths: a run of path characters from a slash (or a drive letter, `~`, `%USERPROFILE%`…) to a
 * quote, bracket, colon (a line number), `|`, `*` or `?` — spaces included: over-redacting a
 * message is better than keeping half a file name. Inside a run, everything up to the app's own
 * `app.asar` becomes `<app>` (the app's code stays readable wherever it is installed), and from a
 * home folder (Windows, macOS, Linux, `~`, macOS's per-user temp) to the end of the run
 * `<user path>`.
 */
/* eslint-disable no-control-regex -- the scans stop at control characters: a text's line end, a binary's NUL */
const PATH_RUN = /(?:[A-Za-z]:|%[A-Za-z]+%|~)?[\\/][^\x00-\x1f\x7f"'\x60()<>:|*?]*/g;
const APP_ARCHIVE = /app\.asar(?=[\\/])/;
const HOME = /(?:[A-Za-z]:)?[\\/]{1,2}(?:Users|Documents and Settings|home|root)(?:[\\/]|$)|\/(?:private\/)?var\/folders\/|^~[\\/]|%(?:USERPROFILE|HOMEPATH|APPDATA|LOCALAPPDATA)%/i;

/** Credentials found by their names (group 1, kept, is the name), opaque secrets, e-mail addresses. */
const NAMED: ReadonlyArray<{ label: string; pattern: RegExp }> = [
  { label: '[redacted]', pattern: /((?:proxy-)?authorization\s*[:=]\s*)[^\x00-\x1f\x7f,;]*/gi },
  { label: '[redacted]', pattern: /((?:set-)?cookie\s*[:=]\s*)[^\x00-\x1f\x7f]*/gi },
  { label: '[redacted]', pattern: /(bearer\s+)[A-Za-z0-9._~+/=-]+/gi },
  {
    label: '[redacted]',
    pattern: /((?:access_token|refresh_token|id_token|token|code|state|code_verifier|password|client_secret|session)=)[^&\s"'#()<>\x00-\x1f]+/gi,
  },
  {
    label: '"[redacted]"',
    pattern: /("(?:access_?token|refresh_?token|accessToken|refreshToken|token|password|cookie|authorization|secret|session)"\s*:\s*)"[^"\x00-\x1f]*"/gi,
  },
  // a long run of token characters with letters and digits (the service's tokens are 43
  // base64url characters); tried only where a run starts
  { label: '[redacted]', pattern: /(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_-])/g },
  { label: '<email>', pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g },
];
/* eslint-enable no-control-regex */

/** A part of a text that must not be kept, and what it is. */
export interface SensitiveRange {
  start: number;
  end: number;
  label: string;
}

/** Every range of `text` a stored report must not carry, sorted and without overlaps. */
export function sensitiveRanges(text: string): SensitiveRange[] {
  const found: SensitiveRange[] = [];
  for (const run of text.matchAll(PATH_RUN)) {
    let from = run.index;
    const archive = APP_ARCHIVE.exec(run[0]);
    if (archive) {
      found.push({ start: run.index, end: run.index + archive.index + 'app.asar'.length, label: '<app>' });
      from = run.index + archive.index + 'app.asar'.length;
    }
    const rest = run[0].slice(from - run.index);
    const home = HOME.exec(rest);
    if (home) found.push({ start: from + home.index, end: run.index + run[0].length, label: '<user path>' });
  }
  for (const { label, pattern } of NAMED) {
    for (const m of text.matchAll(pattern)) {
      const keep = typeof m[1] === 'string' ? m[1].length : 0;
      if (m[0].length > keep) found.push({ start: m.index + keep, end: m.index + m[0].length, label });
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: SensitiveRange[] = [];
  for (const range of found) {
    const last = merged.at(-1);
    if (last && range.start < last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

/** A text with every token, cookie, credential, user path and e-mail address replaced by a label. */
export function scrubText(input: string): string {
  let out = '';
  let at = 0;
  for (const range of sensitiveRanges(input)) {
    out += input.slice(at, range.start) + range.label;
    at = range.end;
  }
  return out + input.slice(at);
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

/**
 * A JSON report scrubbed: its error and app fields (what could carry something of the user's),
 * cut back to the schema's limits (a label can be longer than what it replaced); its own fields —
 * the random installation id, the kinds, the time — kept as they are.
 */
export function scrubReport(report: CrashReport): CrashReport {
  const error = scrubValue(report.error);
  return {
    ...report,
    error: { name: error.name.slice(0, 200), message: error.message.slice(0, 2000), stack: error.stack.map((line) => line.slice(0, 500)) },
    app: { ...scrubValue(report.app), platform: report.app.platform },
  };
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
