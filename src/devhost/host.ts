/**
 * The browser host: the same core as the Electron app, running in Node, serving the renderer to
 * a browser with `window.cutline` carried over a WebSocket (docs/architecture.md § `src/devhost`). It is how a
 * machine without an Electron runtime runs Cutline, how renderer work gets hot reload, and what
 * the end-to-end tests drive in Chromium.
 *
 * Differences from Electron, each deliberate:
 * - `openExternal` records the URL and asks connected pages to open it in a new tab — the
 *   browser is the "system browser"; GET /__cutline/opened lists those URLs with their one-time
 *   secrets (`code`, `state`) redacted: the live link reaches only the host's own pages (over the
 *   bridge) and in-process callers (`openedUrls()`);
 * - every request must name the host itself in `Host`, and a WebSocket or a POST from a page must
 *   come from the host's own origin (`request-guard.ts`: DNS rebinding, cross-site posts);
 * - deep links arrive by POST /__cutline/deep-link {url} — the stand-in for the OS — and go
 *   through the same router as Electron's argv / second-instance / open-url;
 * - sign-in comes back to the host's own loopback page `/callback` (RFC 8252 §7.3), which hands
 *   the callback to that router as the `cutline://auth/callback` deep link and shows who signed
 *   in; the web pages' *Return to Cutline* links come back to `/return?to=cutline://…` the same way;
 * - tokens stay in memory (no OS keychain here): a restart of the host means signing in again;
 * - settings, projects and prefs are JSON files in the data directory.
 *
 * The renderer comes either from the build (`out/renderer`, mode `built`: production CSP, what the
 * tests use) or from Vite's dev middleware on `src/renderer` (mode `vite`: hot reload, with the
 * CSP relaxed for Vite's inline preamble).
 */
import { createReadStream, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ViteDevServer } from 'vite';
import { MAX_MEDIA_BYTES } from '@cutline/contract/media-rules';
import { CutlineCore, type CoreDeps } from '../main/core/app-core';
import { invokeValidated } from '../main/core/bridge';
import { parseRange, rangeHeaders } from '../main/core/byte-range';
import { contentSecurityPolicy } from '../main/core/content-security-policy';
import { DeepLinkRouter } from '../main/core/deep-link-router';
import { JsonFileStore } from '../main/core/key-value-store';
import { consoleLogger, type Logger } from '../main/core/logger';
import { MemoryVault } from '../main/core/vault';
import { BRIDGE_SCRIPT_PATH } from './bridge-protocol';
import { createBridgeServer } from './bridge-server';
import { hostProblem, originProblem, ownOrigins, redactOpenedUrl } from './request-guard';
import { BRIDGE_TAG, createStaticRenderer } from './static-renderer';
import { callbackPage, returnPage, waitForSignIn } from './loopback-pages';

export type RendererSource = { mode: 'built'; dir: string } | { mode: 'vite'; configFile?: string };

export interface DevhostOptions {
  /** The credit service the core talks to. */
  serviceUrl: string;
  /** Origin of the web pages, when not the service's. */
  webUrl?: string;
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Where settings.json (service URL, device id) and data.json (projects, prefs) live. */
  dataDir: string;
  renderer: RendererSource;
  logger?: Logger;
  /** Told every URL the app opens "in the system browser" (npm start prints the sign-in page's). */
  onOpened?: (url: string) => void;
  /** Extra core options (tests shorten backoff and idle limits). */
  core?: Partial<Pick<CoreDeps, 'fetch' | 'backoff' | 'streamIdleTimeoutMs' | 'requestTimeoutMs' | 'retryBaseMs' | 'random'>>;
  /**
   * An update mechanism for the core's update controller: the end-to-end tests pass a fake they
   * drive. Without one the host says updates come with the packaged app (as a development run of
   * Electron does).
   */
  updater?: CoreDeps['updater'];
}

export interface RunningDevhost {
  url: string;
  port: number;
  core: CutlineCore;
  router: DeepLinkRouter;
  /** Every URL the app asked the "system browser" to open, oldest first, live (in-process only). */
  openedUrls(): string[];
  close(): Promise<void>;
}

const MAX_BODY = 16 * 1024;

/** The loopback pages: no scripts, nothing cached, not framed, no referrer (the code is in the URL). */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

function readJsonBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolveBody, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolveBody(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new Error('bad JSON'));
      }
    });
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

const MEDIA_PREFIX = '/__cutline/media';

/** Reads an upload of at most `limit` bytes. */
function readBinaryBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** An upload from the bridge client: [4-byte JSON length][JSON {name,type,meta}][the file's bytes]. */
export function parseMediaUpload(body: Buffer): { name: unknown; type: unknown; meta: unknown; bytes: Uint8Array } | null {
  if (body.length < 4) return null;
  const headLength = body.readUInt32BE(0);
  if (headLength > 300_000 || 4 + headLength > body.length) return null;
  try {
    const head = JSON.parse(body.subarray(4, 4 + headLength).toString('utf8')) as Record<string, unknown>;
    return { name: head.name, type: head.type, meta: head.meta, bytes: new Uint8Array(body.subarray(4 + headLength)) };
  } catch {
    return null;
  }
}

/** The app's version: the desktop package's, as the packaged app's `app.getVersion()` reads it. */
function appVersion(): string {
  const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version: string };
  return manifest.version;
}

async function bridgeScript(): Promise<string> {
  // bundled (with the zod-free channel map it imports) into one classic script for the page
  const { build } = await import('esbuild');
  const path = fileURLToPath(new URL('./client/bridge-client.ts', import.meta.url));
  const result = await build({ entryPoints: [path], bundle: true, format: 'iife', target: 'es2020', write: false, logLevel: 'silent' });
  return result.outputFiles[0].text;
}

export async function startDevhost(options: DevhostOptions): Promise<RunningDevhost> {
  const logger = options.logger ?? consoleLogger('cutline-devhost');
  const opened: string[] = [];
  let port = 0;
  const origins = () => ownOrigins(port);

  // Listen first: the core's loopback redirect names the port. A request that comes while the
  // rest is being set up (the bridge script is built, Vite starts) waits for it to be ready.
  let markReady!: () => void;
  let failReady!: (error: unknown) => void;
  const ready = new Promise<void>((resolveReady, rejectReady) => {
    markReady = resolveReady;
    failReady = rejectReady;
  });
  ready.catch(() => {}); // a failed start is reported by startDevhost itself
  const server: Server = createServer((req, res) => {
    ready.then(
      () => handle(req, res),
      () => {
        if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('The Cutline browser host did not start.');
      },
    );
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  const core = new CutlineCore({
    settingsStore: new JsonFileStore(join(options.dataDir, 'settings.json')),
    dataStore: new JsonFileStore(join(options.dataDir, 'data.json')),
    vault: new MemoryVault(null),
    openExternal: async (url) => {
      opened.push(url);
      options.onOpened?.(url);
      const tabs = bridge.openInPages(url);
      logger.info('opened in the browser', { tabs });
    },
    logger,
    env: { CUTLINE_SERVICE_URL: options.serviceUrl, CUTLINE_WEB_URL: options.webUrl },
    media: { dir: join(options.dataDir, 'media'), urlFor: (id) => `${MEDIA_PREFIX}/${id}` },
    loopback: { redirectUri: `${url}/callback`, returnUrl: `${url}/return` },
    appInfo: { version: appVersion(), platform: process.platform, arch: process.arch, electron: null },
    updater: options.updater,
    ...options.core,
  });
  const router = new DeepLinkRouter({ logger });
  const bridge = createBridgeServer({
    api: core.cutline,
    allowedOrigins: origins,
    logger,
    // the first page to connect is "the window is ready"
    onFirstClient: () => {
      if (!router.ready) router.setReady(core.deepLinkHandlers);
    },
  });

  /** Setting up failed after the port was taken: requests that waited get a 503, the port is freed. */
  const abort = async (error: unknown): Promise<never> => {
    failReady(error);
    core.stop();
    await bridge.close();
    server.closeAllConnections();
    await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    throw error;
  };
  const script = await bridgeScript().catch(abort);
  const csp = (dev: boolean) => contentSecurityPolicy({ dev, connect: origins().map((o) => o.replace(/^http/, 'ws')) });
  let vite: ViteDevServer | null = null;
  const serveBuilt = options.renderer.mode === 'built' ? createStaticRenderer(resolve(options.renderer.dir), () => csp(false)) : null;

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const requestUrl = new URL(req.url ?? '/', 'http://host');
    const path = requestUrl.pathname;
    const wrongHost = hostProblem(req.headers.host, port);
    if (wrongHost) {
      logger.warn('request refused: foreign Host', { host: req.headers.host ?? null, path });
      json(res, 421, { error: wrongHost });
      return;
    }
    const foreign = req.method === 'GET' || req.method === 'HEAD' ? null : originProblem(req.headers.origin, port, false);
    if (foreign) {
      logger.warn('request refused: foreign origin', { origin: req.headers.origin ?? null, path });
      json(res, 403, { error: foreign });
      return;
    }
    void (async () => {
      if (path === '/callback' && req.method === 'GET') {
        // The service's redirect after sign-in: the OS's part, then the page the tab lands on.
        const q = requestUrl.searchParams;
        const deepLink = `cutline://auth/callback?${new URLSearchParams({ code: q.get('code') ?? '', state: q.get('state') ?? '' })}`;
        const done = waitForSignIn(core.cutline, 15_000);
        const outcome = router.receive(deepLink, 'devhost');
        const result = outcome === 'delivered' ? await done : (done.cancel(), { ok: false as const, message: outcome === 'queued' ? 'queued' : 'dropped' });
        const page = callbackPage(outcome, result);
        res.writeHead(page.status, PAGE_HEADERS).end(page.html);
      } else if (path === '/return' && req.method === 'GET') {
        const to = requestUrl.searchParams.get('to') ?? '';
        const outcome = to.startsWith('cutline://') ? router.receive(to, 'devhost') : 'dropped';
        const page = returnPage(outcome);
        res.writeHead(page.status, PAGE_HEADERS).end(page.html);
      } else if (path === BRIDGE_SCRIPT_PATH && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' }).end(script);
      } else if (path === '/__cutline/opened' && req.method === 'GET') {
        json(res, 200, { urls: opened.map(redactOpenedUrl) });
      } else if (path === '/__cutline/health' && req.method === 'GET') {
        json(res, 200, { ok: true, serviceUrl: core.settings.serviceUrl, pages: bridge.clientCount });
      } else if (path === '/__cutline/deep-link') {
        // JSON only: a cross-site form cannot send it without a CORS preflight, which we never answer
        if (req.method !== 'POST' || !String(req.headers['content-type']).startsWith('application/json')) {
          json(res, 415, { error: 'POST application/json {"url": "cutline://…"}' });
          return;
        }
        const body = (await readJsonBody(req).catch(() => null)) as { url?: unknown } | null;
        if (!body || typeof body.url !== 'string') {
          json(res, 400, { error: 'body must be {"url": "cutline://…"}' });
          return;
        }
        json(res, 200, { outcome: router.receive(body.url, 'devhost') });
      } else if (path === MEDIA_PREFIX) {
        // the page's own uploads only: same origin, binary body (a cross-site form cannot send one)
        if (req.method !== 'POST' || !origins().includes(String(req.headers.origin)) || req.headers['content-type'] !== 'application/octet-stream') {
          json(res, 403, { ok: false, error: { code: 'not_allowed', message: 'Uploads come from the Cutline page only.' } });
          return;
        }
        const body = await readBinaryBody(req, MAX_MEDIA_BYTES + 400_000).catch(() => null);
        const upload = body && parseMediaUpload(body);
        if (!upload) {
          json(res, 400, { ok: false, error: { code: 'invalid_request', message: 'The file could not be received. Try importing it again.' } });
          return;
        }
        const result = await invokeValidated(core.cutline, 'importMedia', [upload]).catch(() => null);
        if (!result) json(res, 400, { ok: false, error: { code: 'invalid_request', message: 'That file’s details could not be read, so it was not imported.' } });
        else json(res, 200, result);
      } else if (path.startsWith(`${MEDIA_PREFIX}/`) && req.method === 'GET') {
        const file = core.media?.fileOf(path.slice(MEDIA_PREFIX.length + 1));
        const size = file ? await stat(file.path).then((s) => s.size, () => -1) : -1;
        if (!file || size < 0) {
          json(res, 404, { error: 'not found' });
          return;
        }
        const range = parseRange(req.headers.range, size);
        const answer = rangeHeaders(range, size, file.mime);
        res.writeHead(answer.status, answer.headers);
        if (range.kind === 'unsatisfiable') res.end();
        else createReadStream(file.path, range.kind === 'partial' ? { start: range.start, end: range.end } : {}).pipe(res);
      } else if (path.startsWith('/__cutline/')) {
        json(res, 404, { error: 'not found' });
      } else if (serveBuilt) {
        await serveBuilt(req, res);
      } else if (vite) {
        res.setHeader('content-security-policy', csp(true));
        vite.middlewares(req, res);
      } else {
        res.writeHead(503).end('starting');
      }
    })().catch((error: unknown) => {
      logger.error('request failed', { path, error: String(error) });
      if (!res.headersSent) res.writeHead(500).end();
    });
  }
  server.on('upgrade', (req, socket, head) => {
    ready.then(
      () => upgrade(req, socket, head),
      () => socket.destroy(),
    );
  });
  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // the bridge and Vite's HMR socket alike: the host itself, from one of its own pages
    const wrongHost = hostProblem(req.headers.host, port);
    const reason = wrongHost ?? originProblem(req.headers.origin, port, true);
    if (reason) {
      logger.warn('WebSocket refused', { host: req.headers.host ?? null, origin: req.headers.origin ?? null });
      const body = JSON.stringify({ error: reason });
      const status = wrongHost ? '421 Misdirected Request' : '403 Forbidden';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      return;
    }
    if (bridge.handleUpgrade(req, socket, head)) return;
    // anything else is Vite's HMR socket (its own upgrade listener), or nobody's
    if (!vite) socket.destroy();
  }

  if (options.renderer.mode === 'vite') vite = await viteMiddleware(options.renderer.configFile).catch(abort);

  async function viteMiddleware(configFile: string | undefined): Promise<ViteDevServer> {
    const { createServer: createViteServer } = await import('vite');
    const { loadConfigFromFile } = await import('electron-vite');
    const loaded = await loadConfigFromFile(
      { command: 'serve', mode: 'development' },
      configFile ?? resolve('electron.vite.config.ts'),
    );
    const renderer = loaded.config.renderer ?? {};
    return createViteServer({
      ...renderer,
      configFile: false,
      appType: 'spa',
      server: { middlewareMode: true, hmr: { server } },
      plugins: [
        ...(renderer.plugins ?? []),
        { name: 'cutline-bridge', transformIndexHtml: (html: string) => html.replace(/<head[^>]*>/i, (m) => m + BRIDGE_TAG) },
      ],
    });
  }

  markReady();
  await core.start();
  logger.info('browser host ready', { url, renderer: options.renderer.mode });

  return {
    url,
    port,
    core,
    router,
    openedUrls: () => [...opened],
    async close() {
      core.stop();
      await bridge.close();
      await vite?.close();
      server.closeAllConnections();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    },
  };
}
