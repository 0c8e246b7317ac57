/**
 * `cutline://` deep links (docs/api.md § Deep links): parsing, and finding them on a command line.
 *
 * Exactly four shapes are accepted, with exactly their parameters and nothing else:
 *   cutline://auth/callback?code=…&state=…   cutline://store/complete?order=…
 *   cutline://exchange/complete              cutline://upgrade/complete
 * Anything else is refused with a reason (the router logs it).
 */
export type DeepLink =
  | { kind: 'auth-callback'; code: string; state: string }
  | { kind: 'store-complete'; order: string }
  | { kind: 'exchange-complete' }
  | { kind: 'upgrade-complete' };

export type ParsedDeepLink = { ok: true; link: DeepLink } | { ok: false; reason: string };

export const DEEP_LINK_SCHEME = 'cutline';
const MAX_LENGTH = 2048;
const VALUE = /^[\x21-\x7e]{1,512}$/;

const ROUTES: Record<string, { kind: DeepLink['kind']; params: readonly string[] }> = {
  'auth/callback': { kind: 'auth-callback', params: ['code', 'state'] },
  'store/complete': { kind: 'store-complete', params: ['order'] },
  'exchange/complete': { kind: 'exchange-complete', params: [] },
  'upgrade/complete': { kind: 'upgrade-complete', params: [] },
};

export function parseDeepLink(raw: string): ParsedDeepLink {
  if (raw.length > MAX_LENGTH) return { ok: false, reason: 'too long' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (url.protocol !== `${DEEP_LINK_SCHEME}:`) return { ok: false, reason: 'not a cutline: link' };
  if (url.username || url.password || url.port || url.hash) return { ok: false, reason: 'unexpected URL parts' };
  // Windows may append a slash to a protocol URL; accept exactly one.
  const route = `${url.hostname}${url.pathname.replace(/\/$/, '')}`.toLowerCase();
  const spec = ROUTES[route];
  if (!spec) return { ok: false, reason: 'unknown link' };

  const keys = [...url.searchParams.keys()];
  const expected = [...spec.params].sort();
  if (keys.length !== expected.length || [...keys].sort().join('&') !== expected.join('&')) {
    return { ok: false, reason: 'unexpected parameters' };
  }
  const values: Record<string, string> = {};
  for (const name of spec.params) {
    const value = url.searchParams.get(name) ?? '';
    if (!VALUE.test(value)) return { ok: false, reason: `bad ${name}` };
    values[name] = value;
  }
  switch (spec.kind) {
    case 'auth-callback':
      return { ok: true, link: { kind: 'auth-callback', code: values.code, state: values.state } };
    case 'store-complete':
      return { ok: true, link: { kind: 'store-complete', order: values.order } };
    case 'exchange-complete':
      return { ok: true, link: { kind: 'exchange-complete' } };
    case 'upgrade-complete':
      return { ok: true, link: { kind: 'upgrade-complete' } };
  }
}

/**
 * Splits a Windows command line into arguments (the CommandLineToArgvW rules: quotes group,
 * `\"` is a literal quote, backslashes are literal otherwise).
 */
export function splitWindowsCommandLine(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let inQuotes = false;
  let hasArg = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '\\') {
      let slashes = 0;
      while (line[i] === '\\') {
        slashes++;
        i++;
      }
      if (line[i] === '"') {
        current += '\\'.repeat(Math.floor(slashes / 2));
        if (slashes % 2 === 1) current += '"';
        else inQuotes = !inQuotes;
      } else {
        current += '\\'.repeat(slashes);
        i--;
      }
      hasArg = true;
    } else if (ch === '"') {
      inQuotes = !inQuotes;
      hasArg = true;
    } else if ((ch === ' ' || ch === '\t') && !inQuotes) {
      if (hasArg) args.push(current);
      current = '';
      hasArg = false;
    } else {
      current += ch;
      hasArg = true;
    }
  }
  if (hasArg) args.push(current);
  return args;
}

const LINK_PREFIX = /^["']?cutline:\/\//i;

/**
 * The `cutline://` URLs on a command line: `process.argv` at launch, or the argv a second
 * instance forwards (`second-instance`). Handles Windows shapes: Chromium switches mixed in
 * (`--allow-file-access-from-files`, `--original-process-start-time=…`), quoted URLs, and a whole
 * command line passed as one string.
 */
export function findDeepLinks(argv: readonly string[]): string[] {
  const found: string[] = [];
  for (const arg of argv) {
    const parts = LINK_PREFIX.test(arg.trim()) ? [arg.trim()] : arg.includes(' ') || arg.includes('"') ? splitWindowsCommandLine(arg) : [arg];
    for (const part of parts) {
      const trimmed = part.trim().replace(/^["']|["']$/g, '');
      if (/^cutline:\/\//i.test(trimmed)) found.push(trimmed);
    }
  }
  return found;
}
