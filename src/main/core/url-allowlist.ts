/**
 * The only URLs the app hands to the system browser (docs/architecture.md § `src/main/electron`): the
 * service's sign-in page, and the web pages a handoff may lead to, on the configured origins.
 * Everything else — other schemes (javascript:, file:, cutline:), other origins, other paths,
 * URLs with credentials, plain http: to anything but this computer — is refused.
 */
import { transportProblem } from './transport';

export const WEB_PATHS = ['/store', '/pricing', '/exchange', '/credits', '/upgrade', '/team', '/handoff'] as const;
export const SIGN_IN_PATH = '/oauth/authorize';

export interface AllowedOrigins {
  /** Origin of the credit service (sign-in). */
  serviceOrigin: string;
  /** Origin of the web pages. */
  webOrigin: string;
}

/** Why the app will not open this URL in the system browser, or null when it may. */
export function externalUrlProblem(raw: string, { serviceOrigin, webOrigin }: AllowedOrigins): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'not a web link';
  const transport = transportProblem(url);
  if (transport) return `the link ${transport}`;
  if (url.username || url.password) return 'the link carries credentials';
  if (url.origin === webOrigin && (WEB_PATHS as readonly string[]).includes(url.pathname)) return null;
  if (url.origin === serviceOrigin && url.pathname === SIGN_IN_PATH) return null;
  return 'not a Cutline page';
}

export function isAllowedExternalUrl(raw: string, origins: AllowedOrigins): boolean {
  return externalUrlProblem(raw, origins) === null;
}
