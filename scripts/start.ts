/**
 * `npm start`: runs Cutline on this machine.
 *
 * 1. The credit service: `CUTLINE_SERVICE_URL` when set; otherwise the embedded one is started
 *    here (SQLite in .cutline/cutline.db, demo accounts seeded, port $PORT or 4780, or a free one
 *    if that is taken). Its mail (sign-up confirmations, password resets) is printed here, one
 *    `cutline-mail …` line each, unless `CUTLINE_SMTP_URL` names an SMTP server.
 * 2. The app: Electron (`electron-vite preview`: build, then launch) when an Electron runtime is
 *    installed; where none can be launched, one line says so and the browser host starts instead
 *    (Vite dev middleware on src/renderer, or the build with CUTLINE_RENDERER=built), with its URL.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { findElectronRuntime } from '../src/devhost/electron-runtime';
import { startDevhost } from '../src/devhost/host';
import { rendererFromEnv } from '../src/devhost/renderer-source';
import { DEFAULTS } from '@cutline/service/config';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '@cutline/service/seed';
import { startServer, type RunningServer } from '@cutline/service/start';

const env = process.env;
const say = (line: string) => process.stdout.write(`${line}\n`);

async function embeddedService(): Promise<RunningServer> {
  mkdirSync(resolve('.cutline'), { recursive: true });
  const options = {
    db: env.CUTLINE_DB ?? resolve('.cutline/cutline.db'),
    seed: 'demo' as const,
    adminToken: env.CUTLINE_ADMIN_TOKEN ?? null,
    smtpUrl: env.CUTLINE_SMTP_URL || null,
    quiet: true,
  };
  try {
    return await startServer({ ...options, port: Number(env.PORT ?? DEFAULTS.port) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return startServer({ ...options, port: 0 });
  }
}

async function main(): Promise<void> {
  let server: RunningServer | null = null;
  let serviceUrl = env.CUTLINE_SERVICE_URL;
  if (serviceUrl) {
    say(`Credit service: ${serviceUrl} (CUTLINE_SERVICE_URL)`);
  } else {
    server = await embeddedService();
    serviceUrl = server.url;
    say(`Credit service: embedded at ${serviceUrl}`);
    say(`Demo accounts: ${Object.values(DEMO_ACCOUNTS).join(', ')} — password ${DEMO_PASSWORD}`);
    say(`New account: ${serviceUrl}/signup · Forgot your password: ${serviceUrl}/forgot`);
    say(
      env.CUTLINE_SMTP_URL
        ? `Mail (confirmations, password resets) is ${server.mail}.`
        : 'Mail (confirmations, password resets) is printed here, one "cutline-mail to=… link=…" line each: open its link. Set CUTLINE_SMTP_URL to send it.',
    );
  }
  const stopService = async () => {
    await server?.close();
  };

  const electron = findElectronRuntime();
  if (electron.ok) {
    say('Starting the Cutline desktop app (electron-vite preview)…');
    const child = spawn(process.execPath, [resolve('node_modules/electron-vite/bin/electron-vite.js'), 'preview'], {
      stdio: 'inherit',
      env: { ...env, CUTLINE_SERVICE_URL: serviceUrl },
    });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.once('SIGINT', forward);
    process.once('SIGTERM', forward);
    child.on('exit', (code) => {
      void stopService().then(() => process.exit(code ?? 0));
    });
    return;
  }

  say(`No Electron runtime can be launched here (${electron.reason}): starting the browser host instead.`);
  const host = await startDevhost({
    serviceUrl,
    webUrl: env.CUTLINE_WEB_URL,
    port: Number(env.CUTLINE_DEVHOST_PORT ?? 5199),
    dataDir: resolve(env.CUTLINE_DEVHOST_DATA ?? '.cutline/devhost'),
    renderer: rendererFromEnv(env, 'vite'),
    onOpened: (url) => {
      if (new URL(url).pathname === '/oauth/authorize') say(`Sign-in page opened in your browser: ${url}`);
    },
  });
  say(`Cutline is running in your browser at ${host.url}`);
  const stop = () => {
    void host
      .close()
      .then(stopService)
      .then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
