/**
 * The only URLs the app hands to the system browser (DESIGN.md § Rules that keep it safe): the
 * service's sign-in page, and the web pages a handoff may lead to, on the configured origins.
 * Everything else — other schemes (javascript:, file:, cutline:), other origins, other paths,
 * URLs with credentials — is refused.
 */
export const WEB_PATHS = ['/store', '/pricing', '/exchange', '/credits', '/upgrade', '/handoff'] as const;
export const SIGN_IN_PATH = '/oauth/authorize';

export interface AllowedOrigins {
  /** Origin of the credit service (sign-in). */
  serviceOrigin: string;
  /** Origin of the web pages. */
  webOrigin: string;
}

export function isAllowedExternalUrl(raw: string, { serviceOrigin, webOrigin }: AllowedOrigins): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  if (url.username || url.password) return false;
  if (url.origin === webOrigin && (WEB_PATHS as readonly string[]).includes(url.pathname)) return true;
  return url.origin === serviceOrigin && url.pathname === SIGN_IN_PATH;
}
