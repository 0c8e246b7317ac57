/**
 * Serves the built renderer from `app://cutline/…` instead of `file://`, so the page has a real
 * origin (checked by the IPC sender test), a CSP header, and no access to the rest of the disk.
 * `registerAppScheme` must run before `ready`; `serveAppScheme` after.
 */
import { readFile } from 'node:fs/promises';
import type { Protocol } from 'electron';
import { contentTypeOf, fileUnder } from '../core/static-files';

export const APP_SCHEME = 'app';
export const APP_HOST = 'cutline';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;


export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

/**
 * The file under `root` a request URL names, or null when it is not ours or escapes `root`.
 * `/` is the renderer's index.html.
 */
export function resolveAppFile(rawUrl: string, root: string): string | null {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  return fileUnder(root, url.pathname);
}

export function serveAppScheme(protocol: Pick<Protocol, 'handle'>, root: string, csp: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppFile(request.url, root);
    if (!file) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      const type = contentTypeOf(file);
      const headers: Record<string, string> = { 'content-type': type, 'x-content-type-options': 'nosniff' };
      if (type.startsWith('text/html')) headers['content-security-policy'] = csp;
      return new Response(body, { status: 200, headers });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
