/**
 * Serves the built renderer from `app://cutline/…` instead of `file://`, so the page has a real
 * origin (checked by the IPC sender test), a CSP header, and no access to the rest of the disk.
 * `registerAppScheme` must run before `ready`; `serveAppScheme` after.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Protocol } from 'electron';
import { parseRange, rangeHeaders } from '../core/byte-range';
import { contentTypeOf, fileUnder } from '../core/static-files';

export const APP_SCHEME = 'app';
export const APP_HOST = 'cutline';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** Imported media is served from `app://cutline/media/<id>` (same origin: the CSP's 'self'). */
export const MEDIA_PATH = '/media/';
export const mediaUrl = (id: string): string => `${APP_ORIGIN}${MEDIA_PATH}${id}`;

/** The stored file of a media id (the core's MediaLibrary.fileOf). */
export type MediaFileLookup = (id: string) => { path: string; mime: string } | null;

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

/** A media file with byte ranges (the video element seeks with them). */
export async function serveMedia(url: URL, rangeHeader: string | null, lookup: MediaFileLookup): Promise<Response> {
  const file = lookup(url.pathname.slice(MEDIA_PATH.length));
  const size = file ? await stat(file.path).then((s) => s.size, () => -1) : -1;
  if (!file || size < 0) return new Response('Not found', { status: 404 });
  const range = parseRange(rangeHeader, size);
  const { status, headers } = rangeHeaders(range, size, file.mime);
  if (range.kind === 'unsatisfiable') return new Response(null, { status, headers });
  const stream = createReadStream(file.path, range.kind === 'partial' ? { start: range.start, end: range.end } : {});
  return new Response(Readable.toWeb(stream) as ReadableStream, { status, headers });
}

export function serveAppScheme(protocol: Pick<Protocol, 'handle'>, root: string, csp: string, media?: MediaFileLookup): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (media && url.host === APP_HOST && url.pathname.startsWith(MEDIA_PATH)) return serveMedia(url, request.headers.get('range'), media);
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
