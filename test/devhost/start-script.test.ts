/**
 * `npm start` (scripts/start.ts) on a machine without Electron: it prints the demo accounts with
 * their password, where sign-up and "forgot password" are and where mail goes, and, when the app
 * opens the sign-in page, that page's URL; a password reset asked for on the embedded service
 * prints its mail line, whose link opens the reset form.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Browser, field } from '@cutline/service/test/web/browser';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('npm start', () => {
  it('prints the demo emails next to the password, where mail goes (a reset prints its line), and the sign-in URL it opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutline-start-'));
    dirs.push(dir);
    const proc = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      env: { ...process.env, PORT: '0', CUTLINE_DB: join(dir, 'c.db'), CUTLINE_DEVHOST_PORT: '0', CUTLINE_DEVHOST_DATA: join(dir, 'host'), CUTLINE_RENDERER: 'built', CUTLINE_SERVICE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const waiters: (() => void)[] = [];
    proc.stdout!.on('data', (d) => {
      out += d;
      waiters.forEach((w) => w());
    });
    let err = '';
    proc.stderr!.on('data', (d) => (err += d));
    const exited = new Promise((r) => proc.on('exit', r));
    const line = (re: RegExp) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const check = () => {
          const m = re.exec(out);
          if (m) resolve(m);
        };
        waiters.push(check);
        check();
        void exited.then(() => reject(new Error(`npm start exited: ${out}\n${err}`)));
      });
    try {
      const demo = await line(/^Demo accounts: (.*) — password (\S+)$/m);
      expect(demo[1].split(', ')).toEqual(['pro@cutline.test', 'prouses@cutline.test', 'alice@cutline.test', 'bob@cutline.test', 'free@cutline.test']);
      expect(demo[2]).toBe('cutline-demo');
      const pages = await line(/^New account: (http:\/\/127\.0\.0\.1:\d+)\/signup · Forgot your password: \1\/forgot$/m);
      await line(/^Mail \(confirmations, password resets\) is printed here/m);
      const service = pages[1];
      const b = new Browser(service);
      const forgot = await b.get('/forgot');
      expect((await b.post('/forgot', { csrf: field(forgot.text, 'csrf'), email: 'free@cutline.test' })).status).toBe(200);
      const mail = await line(/^cutline-mail to=free@cutline\.test subject="Reset your Cutline password" link=(\S+)$/m);
      expect(mail[1]).toMatch(new RegExp(`^${service}/reset\\?token=`));
      expect((await b.get(mail[1].slice(service.length))).status).toBe(200);
      const host = (await line(/Cutline is running in your browser at (http:\/\/127\.0\.0\.1:\d+)/))[1];
      // The page's Sign in button, over the host's bridge.
      const ws = new WebSocket(`${host.replace('http', 'ws')}/__cutline/bridge`, { headers: { origin: host } });
      await new Promise((r) => ws.once('open', r));
      ws.send(JSON.stringify({ type: 'invoke', id: 1, method: 'signIn', args: [] }));
      const opened = await line(/^Sign-in page opened in your browser: (http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)$/m);
      expect(new URL(opened[1]).searchParams.get('redirect_uri')).toBe(`${host}/callback`);
      ws.close();
    } finally {
      proc.kill('SIGTERM');
      await exited;
    }
  }, 60_000);
});
