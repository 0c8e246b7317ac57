/**
 * `npm run devhost`: the browser host on its own, against a running credit service.
 *
 *   CUTLINE_SERVICE_URL   the credit service (default http://127.0.0.1:4780)
 *   CUTLINE_WEB_URL       origin of the web pages, if not the service's
 *   CUTLINE_DEVHOST_PORT  port on 127.0.0.1 (default 5199; 0 picks a free one)
 *   CUTLINE_DEVHOST_DATA  data directory (default .cutline/devhost)
 *   CUTLINE_RENDERER      `vite` (default: Vite dev middleware on src/renderer, hot reload) or
 *                         `built` (serve out/renderer from `npm run build`)
 */
import { resolve } from 'node:path';
import { DEFAULT_SERVICE_URL } from '../main/core/settings';
import { startDevhost } from './host';
import { rendererFromEnv } from './renderer-source';

async function main(): Promise<void> {
  const env = process.env;
  const host = await startDevhost({
    serviceUrl: env.CUTLINE_SERVICE_URL ?? DEFAULT_SERVICE_URL,
    webUrl: env.CUTLINE_WEB_URL,
    port: Number(env.CUTLINE_DEVHOST_PORT ?? 5199),
    dataDir: resolve(env.CUTLINE_DEVHOST_DATA ?? '.cutline/devhost'),
    renderer: rendererFromEnv(env),
  });
  process.stdout.write(`cutline-devhost listening on ${host.url}\n`);
  const stop = () => void host.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`cutline-devhost failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
