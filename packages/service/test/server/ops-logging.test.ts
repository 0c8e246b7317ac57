/**
 * The service's log (docs/operations.md § Logs): JSON lines from Fastify's pino logger, one per
 * request with its id (a sane incoming X-Request-Id kept and echoed, anything else replaced),
 * and never a password, token, code or cookie — the tests plant them in real requests (sign-in
 * form, token exchange, bearer calls, session cookies, query strings) and scan every line. As a
 * process: stdout holds the ready line alone, the log goes to stderr, its level from
 * CUTLINE_LOG_LEVEL.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ID, REDIRECT_URI } from '@cutline/contract/oauth-client';
import { admin, call, postSignInForm, pkce } from '../helpers/client';
import { createLogger, flushLogger } from '../../src/http/logging';
import { startProcess } from '../helpers/process';
import { startTestServer, type TestServer } from '../helpers/server';
import { openSse } from '../helpers/sse';
import { Browser } from '../web/browser';

interface Line {
  level: number;
  time: string;
  msg: string;
  reqId?: string;
  req?: { method: string; url: string };
  res?: { statusCode: number };
  error?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('the request log', () => {
  let s: TestServer;
  const written: string[] = [];
  const text = () => written.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line);
  const completed = () => lines().filter((l) => l.msg === 'request completed');

  beforeAll(async () => {
    s = await startTestServer({ quiet: false, logLevel: 'info', logDestination: { write: (chunk: string) => void written.push(chunk) } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('holds no password, token, code or cookie that went through the service', async () => {
    const secrets: Record<string, string> = { adminToken: s.adminToken };
    // An account with a password of its own, signed in through the real form and token endpoint.
    const email = `log-${randomBytes(4).toString('hex')}@cutline.test`;
    secrets.password = `Pw-${randomBytes(9).toString('hex')}`;
    expect((await admin(s.url, 'POST', '/admin/v1/users', { email, password: secrets.password, plan: 'free' })).status).toBe(201);
    const { verifier, challenge } = pkce();
    secrets.state = randomBytes(16).toString('base64url');
    secrets.challenge = challenge;
    secrets.verifier = verifier;
    // The sign-in page itself, with state and challenge in its query string.
    const page = await fetch(`${s.url}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, state: secrets.state, code_challenge: challenge, code_challenge_method: 'S256' })}`);
    expect(page.status).toBe(200);
    const signedIn = await postSignInForm(s.url, email, secrets.password, secrets.state, challenge);
    expect(signedIn.status).toBe(302);
    secrets.code = new URL(signedIn.headers.get('location')!).searchParams.get('code')!;
    const tok = await call(s.url, 'POST', '/oauth/token', {
      body: { grant_type: 'authorization_code', code: secrets.code, code_verifier: verifier, redirect_uri: REDIRECT_URI, client_id: CLIENT_ID },
    });
    expect(tok.status).toBe(200);
    secrets.access = tok.body.access_token;
    secrets.refresh = tok.body.refresh_token;
    // The access token as a Bearer, and planted in a query string; the code replayed (refused).
    expect((await call(s.url, 'GET', '/v1/balance', { token: secrets.access })).status).toBe(200);
    secrets.planted = `planted-${randomBytes(8).toString('hex')}`;
    expect((await call(s.url, 'GET', `/v1/ledger?limit=5&token=${secrets.planted}&access_token=${secrets.access}`, { token: secrets.access })).status).toBe(200);
    expect((await call(s.url, 'GET', `/nowhere?code=${secrets.code}`)).status).toBe(404);
    const refreshed = await call(s.url, 'POST', '/oauth/token', { body: { grant_type: 'refresh_token', refresh_token: secrets.refresh, client_id: CLIENT_ID } });
    expect(refreshed.status).toBe(200);
    secrets.access2 = refreshed.body.access_token;
    secrets.refresh2 = refreshed.body.refresh_token;
    const sse = await openSse(s.url, secrets.access2);
    await sse.waitFor((e) => e.event === 'balance');
    sse.close();
    // The handoff link (a one-time code in its query string) opened in a browser.
    const handoff = await call(s.url, 'POST', '/v1/handoff', { token: secrets.access2, body: { next: '/credits' } });
    expect(handoff.status).toBe(200);
    secrets.handoff = new URL(handoff.body.url).searchParams.get('code')!;
    expect(secrets.handoff).toBeTruthy();
    const opened = await fetch(handoff.body.url, { redirect: 'manual' });
    expect(opened.status).toBeLessThan(400);
    // A web session: the password in the /signin form, the session cookie on the next pages.
    const browser = new Browser(s.url);
    await browser.signIn(email, secrets.password, '/credits');
    secrets.session = browser.jar.get('cutline_session')!;
    expect(secrets.session).toBeTruthy();
    expect((await browser.get('/credits')).status).toBe(200);
    expect((await call(s.url, 'GET', '/admin/v1/audit', { headers: { authorization: `Bearer ${s.adminToken}` } })).status).toBe(200);

    await expectEventually(() => completed().some((l) => l.req?.url === '/admin/v1/audit'));
    const log = text();
    for (const [what, value] of Object.entries(secrets)) {
      expect(value.length, what).toBeGreaterThan(8);
      expect(log.includes(value), `the log holds the ${what}`).toBe(false);
    }
    // What the lines do say: the path, the plain parameters, [redacted] for the rest.
    const urls = completed().map((l) => l.req?.url);
    expect(urls).toContain('/v1/ledger?limit=5&token=[redacted]&access_token=[redacted]');
    expect(urls).toContain('/nowhere?code=[redacted]');
    expect(urls.some((u) => u?.startsWith('/oauth/authorize?response_type=code&client_id=') && u.includes('state=[redacted]') && u.includes('code_challenge=[redacted]'))).toBe(true);
    expect(completed().find((l) => l.req?.url === '/nowhere?code=[redacted]')).toMatchObject({ res: { statusCode: 404 }, error: 'not_found' });
  });

  it('is JSON lines, one per answered request, each with its own request id', async () => {
    const before = completed().length;
    for (let i = 0; i < 3; i++) expect((await call(s.url, 'GET', '/healthz')).status).toBe(200);
    await expectEventually(() => completed().length >= before + 3);
    for (const l of lines()) {
      expect(l.level).toBeTypeOf('number');
      expect(Date.parse(l.time)).not.toBeNaN();
      expect(l.msg).toBeTypeOf('string');
    }
    const ids = completed().map((l) => l.reqId);
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps a sane incoming X-Request-Id and echoes it; replaces any other with a fresh id', async () => {
    const res = await fetch(`${s.url}/v1/tools`, { headers: { 'x-request-id': 'lb-7f3a.2024:trace_01' } });
    expect(res.headers.get('x-request-id')).toBe('lb-7f3a.2024:trace_01');
    await expectEventually(() => completed().some((l) => l.reqId === 'lb-7f3a.2024:trace_01' && l.req?.url === '/v1/tools'));

    for (const bad of ['has spaces in it', 'x'.repeat(129), '<script>', 'a"b']) {
      const r = await fetch(`${s.url}/v1/tools`, { headers: { 'x-request-id': bad } });
      expect(r.headers.get('x-request-id')).toMatch(UUID);
      expect(text().includes(bad)).toBe(false);
    }
    // Every answer carries one, the event stream's and the router's refusals too.
    const plain = await fetch(`${s.url}/v1/tools`);
    expect(plain.headers.get('x-request-id')).toMatch(UUID);
    const badUrl = await fetch(`${s.url}/v1/charges/%E0%A4%A`);
    expect(badUrl.status).toBe(400);
    expect(badUrl.headers.get('x-request-id')).toMatch(UUID);
  });
});

async function expectEventually(ok: () => boolean): Promise<void> {
  const end = Date.now() + 10_000;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out waiting for the log');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('npm run server: stdout and stderr', () => {
  it('flushLogger resolves once every line an asynchronous destination holds is written (the last lines before exit are never lost)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutline-log-'));
    try {
      const file = join(dir, 'log.jsonl');
      const logger = createLogger({ level: 'info', destination: pino.destination({ dest: file, sync: false, minLength: 4096 }) });
      for (let i = 0; i < 20_000; i++) logger.info({ i }, 'line');
      logger.info('SIGTERM: stopped');
      await flushLogger(logger);
      const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
      expect(lines).toHaveLength(20_001);
      expect(JSON.parse(lines.at(-1)!).msg).toBe('SIGTERM: stopped');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints the ready line alone on stdout; the log is JSON lines on stderr', async () => {
    const p = await startProcess({ PORT: '0', CUTLINE_DB: ':memory:', CUTLINE_SEED: 'demo' });
    for (const path of ['/healthz', '/readyz', '/v1/tools', '/nowhere?code=abc']) await fetch(p.url + path);
    await fetch(`${p.url}/v1/balance`, { headers: { authorization: 'Bearer some-token-that-is-wrong' } });
    p.proc.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    const { stdout, stderr } = p.output();
    expect(stdout).toBe(`cutline-server listening on ${p.url}\n`);
    const lines = stderr.split('\n').filter(Boolean);
    const parsed = lines.map((l) => JSON.parse(l) as Line);
    expect(parsed.filter((l) => l.msg === 'request completed').map((l) => `${l.req?.method} ${l.req?.url} ${l.res?.statusCode}`)).toEqual([
      'GET /healthz 200',
      'GET /readyz 200',
      'GET /v1/tools 200',
      'GET /nowhere?code=[redacted] 404',
      'GET /v1/balance 401',
    ]);
    expect(parsed.at(-1)?.msg).toMatch(/^SIGTERM: stopped in \d+ ms/);
    expect(stderr).not.toContain('some-token-that-is-wrong');
  });

  it('logs at CUTLINE_LOG_LEVEL: warn leaves the request lines out', async () => {
    const p = await startProcess({ PORT: '0', CUTLINE_DB: ':memory:', CUTLINE_LOG_LEVEL: 'warn' });
    expect((await fetch(`${p.url}/healthz`)).status).toBe(200);
    p.proc.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.output().stderr).toBe('');
  });

  it('refuses an unknown CUTLINE_LOG_LEVEL', async () => {
    await expect(startProcess({ PORT: '0', CUTLINE_DB: ':memory:', CUTLINE_LOG_LEVEL: 'loud' })).rejects.toThrow(
      /cutline-server failed to start: invalid environment: CUTLINE_LOG_LEVEL/,
    );
  });
});
