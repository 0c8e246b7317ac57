/**
 * Stopping the real service process with a browser connected: an open event stream and an idle
 * keep-alive connection must not keep it alive. SIGTERM → the process says it stopped and exits.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { signIn } from '../helpers/client';
import { openSse } from '../helpers/sse';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('stopping the service', () => {
  it('ends open streams and idle keep-alive connections at once and exits, printing that it did', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutline-stop-'));
    dirs.push(dir);
    const proc = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { ...process.env, PORT: '0', CUTLINE_DB: join(dir, 'credits.db'), CUTLINE_SEED: 'demo' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stderr!.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((res) => proc.on('exit', (code) => res(code)));
    const url = await new Promise<string>((resolve, reject) => {
      proc.stdout!.on('data', (d) => {
        out += d;
        const m = /cutline-server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m[1]);
      });
      void exited.then((c) => reject(new Error(`exited ${c}: ${err}`)));
    });
    const t = await signIn(url, 'pro@cutline.test');
    const sse = await openSse(url, t.access_token);
    await sse.waitFor((e) => e.event === "balance");
    // A browser-like idle keep-alive connection: one request answered, the socket kept open.
    const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
    await new Promise<void>((resolve, reject) => {
      http.get(`${url}/healthz`, { agent, headers: { connection: 'keep-alive' } }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      }).on('error', reject);
    });
    expect(Object.values(agent.freeSockets).flat().length).toBe(1);
    // And a socket opened ahead of time with no request on it yet (a browser's preconnect).
    const { port } = new URL(url);
    const pre = net.connect(Number(port), '127.0.0.1');
    await new Promise((r) => pre.once('connect', r));
    pre.on('error', () => {});

    const started = Date.now();
    proc.kill('SIGTERM');
    const code = await exited;
    const ms = Date.now() - started;
    process.stdout.write(`service stopped ${ms} ms after SIGTERM with a stream and an idle keep-alive connection open\n`);
    expect(code).toBe(0);
    // The log is JSON lines on stderr; the last says what stopping took.
    const stopped = err
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; streams?: number })
      .find((l) => l.msg.startsWith('SIGTERM: stopped'));
    expect(stopped?.msg).toMatch(/^SIGTERM: stopped in \d+ ms \(1 event stream ended, \d+ connections? closed\)$/);
    expect(stopped?.streams).toBe(1);
    agent.destroy();
    pre.destroy();
    sse.close();
  }, 60_000);
});
