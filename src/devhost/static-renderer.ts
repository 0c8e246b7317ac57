/**
 * Serving the built renderer (`out/renderer`, from `electron-vite build`) to a browser, with the
 * bridge client script injected into index.html ahead of the renderer bundle.
 */
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { contentTypeOf, fileUnder } from '../main/core/static-files';
import { BRIDGE_SCRIPT_PATH } from './bridge-protocol';


export const BRIDGE_TAG = `<script src="${BRIDGE_SCRIPT_PATH}"></script>`;

/** index.html with the bridge script as the first script of the page. */
export function injectBridge(html: string): string {
  const head = /<head[^>]*>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + BRIDGE_TAG + html.slice(head.index + head[0].length);
  return BRIDGE_TAG + html;
}

export function createStaticRenderer(root: string, csp: () => string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const urlPath = new URL(req.url ?? '/', 'http://host').pathname;
    let file = fileUnder(root, urlPath);
    if (!file) {
      res.writeHead(404).end('Not found');
      return;
    }
    // a path with no extension is a route of the single-page app: serve index.html
    if (!extname(file)) file = join(root, 'index.html');
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
    } catch {
      res.writeHead(404).end('Not found');
      return;
    }
    const type = contentTypeOf(file);
    const headers: Record<string, string> = { 'content-type': type, 'x-content-type-options': 'nosniff' };
    let body: Buffer | string = await readFile(file);
    if (file === join(root, 'index.html')) {
      body = injectBridge(body.toString('utf8'));
      headers['content-security-policy'] = csp();
      headers['cache-control'] = 'no-store';
    }
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
