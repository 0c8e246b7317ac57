/**
 * The device CLI (`npm run device`), run in-process through its `run(argv, io)` against the real
 * service on a free port: PKCE sign-in, balance, spend (capture and --fail), the 402 message,
 * admin grants, token refresh with rotation, watch seeing another device's charge, bad arguments.
 */
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { run } from '../src/run';
import type { Session } from '../src/token-store';
import { type CliOutcome, useCliSuite } from './cli-suite';
import { ADMIN_TOKEN } from '@cutline/service/test/helpers/server';
import { call, charge, grant, newUser } from '@cutline/service/test/helpers/client';

const suite = useCliSuite('cutline-device-');
const { home: newHome, cli } = suite;

const json = (o: CliOutcome) => JSON.parse(o.out);
const session = (home: string, email: string): Session => JSON.parse(readFileSync(join(home, `${email}.json`), 'utf8'));

/** A fresh user with `credits` permanent activity credits, signed in on a fresh device home. */
async function signedInUser(credits: number, platform = 'mobile') {
  const u = await newUser(suite.server.url);
  if (credits > 0) await grant(suite.server.url, u.id, 'activity', credits);
  const home = newHome();
  const r = await cli(home, ['signin', '--email', u.email, '--password', 'password-123', '--platform', platform]);
  expect(r.code, r.err).toBe(0);
  return { ...u, home };
}

describe('device CLI: sign-in and session', () => {
  it('signs in through PKCE, stores the tokens 0600 with a stable device id, and reuses it on the next sign-in', async () => {
    const home = newHome();
    const r = await cli(home, ['signin', '--email', 'pro@cutline.test', '--platform', 'mobile']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Signed in as pro@cutline.test');
    const file = join(home, 'pro@cutline.test.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const s1 = session(home, 'pro@cutline.test');
    expect(s1.server).toBe(suite.server.url);
    expect(s1.device.platform).toBe('mobile');
    const me = await call(suite.server.url, 'GET', '/v1/me', { token: s1.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.email).toBe('pro@cutline.test');

    const again = await cli(home, ['signin', '--email', 'pro@cutline.test', '--platform', 'mobile', '--json']);
    expect(again.code, again.err).toBe(0);
    const s2 = session(home, 'pro@cutline.test');
    expect(s2.device.id).toBe(s1.device.id);
    expect(s2.accessToken).not.toBe(s1.accessToken);
    expect(json(again).device).toEqual(s1.device);
  });

  it('reports a wrong password on one line with exit code 1 and stores nothing', async () => {
    const home = newHome();
    const r = await cli(home, ['signin', '--email', 'free@cutline.test', '--password', 'not-the-password']);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/sign-in failed for free@cutline.test: That email and password do not match/);
    expect(() => statSync(join(home, 'free@cutline.test.json'))).toThrow();
  });

  it('refreshes on a 401, saves the rotated pair, and the old refresh token is then refused', async () => {
    const u = await signedInUser(10);
    const before = session(u.home, u.email);
    // Kill the access token only: the next call gets a 401 and must refresh.
    const rv = await call(suite.server.url, 'POST', '/oauth/revoke', { body: { token: before.accessToken } });
    expect(rv.status).toBe(200);
    const r = await cli(u.home, ['balance', '--json']);
    expect(r.code, r.err).toBe(0);
    expect(json(r).total).toBe(10);
    const after = session(u.home, u.email);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.device).toEqual(before.device);
    const reuse = await call(suite.server.url, 'POST', '/oauth/token', { body: { grant_type: 'refresh_token', refresh_token: before.refreshToken } });
    expect(reuse.status).toBe(401);
  });

  it('signout revokes the session and forgets it', async () => {
    const u = await signedInUser(0);
    const s = session(u.home, u.email);
    const r = await cli(u.home, ['signout']);
    expect(r.code, r.err).toBe(0);
    expect(() => statSync(join(u.home, `${u.email}.json`))).toThrow();
    expect((await call(suite.server.url, 'GET', '/v1/me', { token: s.accessToken })).status).toBe(401);
    const after = await cli(u.home, ['balance', '--email', u.email]);
    expect(after.code).toBe(1);
    expect(after.err).toContain('is not signed in');
  });
});

describe('device CLI: balance, tools, history', () => {
  it('balance prints the total, the split, every batch with its expiry and the next expiry', async () => {
    const home = newHome();
    expect((await cli(home, ['signin', '--email', 'pro@cutline.test'])).code).toBe(0);
    const api = await call(suite.server.url, 'GET', '/v1/balance', { token: session(home, 'pro@cutline.test').accessToken });
    const r = await cli(home, ['balance']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`Total        ${api.body.total} credits`);
    expect(r.out).toContain(`subscription ${api.body.byType.subscription} · activity ${api.body.byType.activity} · purchased ${api.body.byType.purchased}`);
    expect(r.out).toContain('campaign:winter-challenge');
    expect(r.out).toContain('permanent');
    expect(r.out).toMatch(/Next expiry +30 credits on \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    const j = await cli(home, ['balance', '--json']);
    expect(json(j).total).toBe(api.body.total);
    expect(json(j).batches).toHaveLength(api.body.batches.length);
  });

  it('balance shows the Pro uses of a legacy Pro account', async () => {
    const home = newHome();
    expect((await cli(home, ['signin', '--email', 'prouses@cutline.test'])).code).toBe(0);
    const r = await cli(home, ['balance']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Pro uses +\d+ of 50 left this cycle/);
  });

  it('tools lists the catalogue with prices', async () => {
    const r = await cli(newHome(), ['tools', '--json']);
    expect(r.code, r.err).toBe(0);
    const tools = json(r) as { id: string; cost: number }[];
    expect(tools.find((t) => t.id === 'ai-portrait')?.cost).toBe(15);
    const text = await cli(newHome(), ['tools']);
    expect(text.out).toMatch(/script-to-video +Script to Video +60 +yes/);
  });

  it('history lists the newest entries, limited', async () => {
    const u = await signedInUser(50);
    expect((await cli(u.home, ['spend', 'auto-captions'])).code).toBe(0);
    const r = await cli(u.home, ['history', '--limit', '2', '--json']);
    expect(r.code, r.err).toBe(0);
    const page = json(r);
    expect(page.entries.map((e: { kind: string }) => e.kind)).toEqual(['capture', 'hold']);
    expect(page.next).not.toBeNull();
    const text = await cli(u.home, ['history']);
    expect(text.out).toMatch(/hold +-3 +activity +auto-captions +mobile:cli-mobile-/);
    expect(text.out).toMatch(/grant +\+50 +activity/);
  });
});

describe('device CLI: spend', () => {
  it('quotes, holds and captures: the balance drops by the price', async () => {
    const u = await signedInUser(100);
    const r = await cli(u.home, ['spend', 'ai-portrait', '--json']);
    expect(r.code, r.err).toBe(0);
    const out = json(r);
    expect(out.quote.cost).toBe(15);
    expect(out.held.status).toBe('held');
    expect(out.charge.status).toBe('captured');
    expect(out.charge.device).toEqual(session(u.home, u.email).device);
    expect(out.balance.total).toBe(85);
    const api = await call(suite.server.url, 'GET', '/v1/balance', { token: u.tokens.access_token });
    expect(api.body.total).toBe(85);
    expect(api.body.held).toBe(0);

    const text = await cli(u.home, ['spend', 'smart-cutout', '--quantity', '2']);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toContain('Quote: Smart Cutout ×2 costs 16 credits');
    expect(text.out).toContain('Captured: Smart Cutout used 16 credits. Balance now 69 credits');
  });

  it('spend --fail releases the hold: the balance is unchanged', async () => {
    const u = await signedInUser(40);
    const r = await cli(u.home, ['spend', 'ai-image', '--fail', '--json']);
    expect(r.code, r.err).toBe(0);
    const out = json(r);
    expect(out.held.cost).toBe(20);
    expect(out.charge.status).toBe('released');
    expect(out.charge.releaseReason).toBe('failed');
    expect(out.balance.total).toBe(40);
    const api = await call(suite.server.url, 'GET', '/v1/balance', { token: u.tokens.access_token });
    expect(api.body.total).toBe(40);
    expect(api.body.held).toBe(0);
  });

  it('spend --project: the charge is for that project, and the month\'s usage by project names it', async () => {
    const u = await signedInUser(100);
    const r = await cli(u.home, ['spend', 'ai-portrait', '--project', 'Holiday video', '--json']);
    expect(r.code, r.err).toBe(0);
    expect(json(r).charge.project).toEqual({ id: 'holiday-video', name: 'Holiday video' });
    const own = await cli(u.home, ['spend', 'auto-captions', '--project', 'Holiday video', '--project-id', 'p_42', '--json']);
    expect(json(own).charge.project).toEqual({ id: 'p_42', name: 'Holiday video' });
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const usage = await call(suite.server.url, 'GET', `/v1/usage?from=${from}&to=${to}&groupBy=project`, { token: u.tokens.access_token });
    expect(usage.body.rows).toEqual([
      { key: 'holiday-video', label: 'Holiday video', credits: 15, actions: 1 },
      { key: 'p_42', label: 'Holiday video', credits: 3, actions: 1 },
    ]);
  });

  it('spend with a project id that has spaces, or an id without a name: exit 2, nothing charged', async () => {
    const u = await signedInUser(100);
    const bad = await cli(u.home, ['spend', 'ai-portrait', '--project', 'Holiday', '--project-id', 'has spaces']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--project-id: visible characters only');
    const alone = await cli(u.home, ['spend', 'ai-portrait', '--project-id', 'p1']);
    expect(alone.code).toBe(2);
    expect(alone.err).toContain('--project-id needs --project');
    const api = await call(suite.server.url, 'GET', '/v1/balance', { token: u.tokens.access_token });
    expect(api.body).toMatchObject({ total: 100, held: 0 });
  });

  it('not enough credits: one line with the store URL, exit 1, nothing held', async () => {
    const u = await signedInUser(10);
    const r = await cli(u.home, ['spend', 'ai-portrait']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('Not enough credits: AI Portrait costs 15, 10 available');
    expect(r.err).toContain(`${suite.server.publicUrl}/store`);
    const j = await cli(u.home, ['spend', 'ai-portrait', '--json']);
    expect(j.code).toBe(1);
    const e = JSON.parse(j.err);
    expect(e).toMatchObject({ error: 'insufficient_credits', cost: 15, available: 10, storeUrl: `${suite.server.publicUrl}/store` });
    const api = await call(suite.server.url, 'GET', '/v1/balance', { token: u.tokens.access_token });
    expect(api.body).toMatchObject({ total: 10, held: 0 });
  });

  it('an unknown tool is an error naming the known tools, with nothing charged', async () => {
    const u = await signedInUser(10);
    const r = await cli(u.home, ['spend', 'teleport']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/unknown tool "teleport"; known tools: remove-background/);
  });
});

describe('device CLI: grant (admin)', () => {
  it('grants activity credits found by email (signing in as the user) with --days', async () => {
    const u = await newUser(suite.server.url);
    const home = newHome();
    const r = await cli(home, ['grant', '--email', u.email, '--password', 'password-123', '--amount', '40', '--days', '3', '--json'], {
      env: { CUTLINE_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    expect(r.code, r.err).toBe(0);
    const out = json(r);
    expect(out.userId).toBe(u.id);
    expect(out.batch).toMatchObject({ type: 'activity', remaining: 40, source: 'cli:device' });
    const days = (Date.parse(out.batch.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(2.9);
    expect(days).toBeLessThanOrEqual(3);
    const api = await call(suite.server.url, 'GET', '/v1/balance', { token: u.tokens.access_token });
    expect(api.body.byType.activity).toBe(40);
  });

  it('grants permanent credits with --user-id and a source, and uses a stored session to find the id', async () => {
    const u = await signedInUser(0);
    const byId = await cli(newHome(), ['grant', '--user-id', u.id, '--amount', '7', '--permanent', '--source', 'support:sorry'], {
      env: { CUTLINE_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    expect(byId.code, byId.err).toBe(0);
    expect(byId.out).toMatch(/Granted 7 activity credits to u_.* permanent, source support:sorry/);
    // The stored session of this email is used, so no password is needed.
    const stored = await cli(u.home, ['grant', '--email', u.email, '--type', 'purchased', '--amount', '5', '--json'], {
      env: { CUTLINE_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    expect(stored.code, stored.err).toBe(0);
    const bal = await cli(u.home, ['balance', '--json']);
    expect(json(bal).byType).toEqual({ subscription: 0, activity: 7, purchased: 5 });
  });

  it('refuses without CUTLINE_ADMIN_TOKEN, and reports a wrong token', async () => {
    const u = await newUser(suite.server.url);
    const none = await cli(newHome(), ['grant', '--user-id', u.id, '--amount', '5']);
    expect(none.code).toBe(1);
    expect(none.err).toContain('CUTLINE_ADMIN_TOKEN');
    const wrong = await cli(newHome(), ['grant', '--user-id', u.id, '--amount', '5'], { env: { CUTLINE_ADMIN_TOKEN: 'x'.repeat(30) } });
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/401 unauthorized/);
    const api = await call(suite.server.url, 'GET', '/v1/balance', { token: u.tokens.access_token });
    expect(api.body.total).toBe(0);
  });
});

describe('device CLI: watch', () => {
  it('prints the snapshot, then a charge made by another device as it happens, until aborted', async () => {
    const u = await signedInUser(30, 'web');
    const ac = new AbortController();
    const lines: string[] = [];
    let wake: () => void = () => {};
    const waitForLine = (pred: (l: string) => boolean) =>
      new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no such line; got:\n${lines.join('\n')}`)), 10_000);
        const check = () => {
          const hit = lines.find(pred);
          if (hit) {
            clearTimeout(t);
            resolve(hit);
          }
        };
        wake = check;
        check();
      });
    const done = cli(u.home, ['watch', '--json'], {
      signal: ac.signal,
      onOut: (all) => {
        lines.splice(0, lines.length, ...all.split('\n').filter(Boolean));
        wake();
      },
    });
    const first = JSON.parse(await waitForLine(() => true));
    expect(first.cause.kind).toBe('snapshot');
    expect(first.balance.total).toBe(30);

    // Another device (the desktop) charges.
    const held = await charge(suite.server.url, u.tokens.access_token, 'premium-voiceover');
    expect(held.status).toBe(201);
    // The hold event's cause carries the charge id in its ledger entry (the service leaves cause.chargeId out for holds).
    const chargeIdOf = (l: string) => {
      const c = JSON.parse(l).cause;
      return c.chargeId ?? c.entry?.chargeId;
    };
    const ev = JSON.parse(await waitForLine((l) => chargeIdOf(l) === held.body.charge.id));
    expect(ev.cause).toMatchObject({ kind: 'hold', tool: 'premium-voiceover', device: { platform: 'desktop' } });
    expect(ev.balance).toMatchObject({ total: 20, held: 10 });
    expect(Number(ev.id)).toBe(ev.balance.version);

    ac.abort();
    const r = await done;
    expect(r.code, r.err).toBe(0);
  });

  it('prints human lines too', async () => {
    const u = await signedInUser(30);
    const ac = new AbortController();
    let seen: () => void = () => {};
    let out = '';
    const done = cli(u.home, ['watch'], {
      signal: ac.signal,
      onOut: (all) => {
        out = all;
        seen();
      },
    });
    const until = (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no match for ${re}; got:\n${out}`)), 10_000);
        seen = () => re.test(out) && (clearTimeout(t), resolve());
        seen();
      });
    await until(/connected: total 30/);
    await grant(suite.server.url, u.id, 'purchased', 12);
    await until(/grant \+12 purchased +→ total 42/);
    ac.abort();
    expect((await done).code).toBe(0);
  });
});

describe('device CLI: bad arguments and failures', () => {
  const usage = async (args: string[], msg: RegExp) => {
    const r = await cli(newHome(), args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    expect(r.err).toContain('Usage: npm run device');
    expect(r.out).toBe('');
  };

  it('exits 2 with the usage for malformed arguments', async () => {
    await usage(['fly'], /unknown command "fly"/);
    await usage(['spend'], /"spend" needs one argument/);
    await usage(['balance', 'extra'], /"balance" takes no argument/);
    await usage(['history', '--limit', 'ten'], /--limit must be a whole number/);
    await usage(['history', '--limit', '0'], /--limit must be between 1 and 200/);
    await usage(['spend', 'ai-image', '--quantity', '-1'], /quantity/);
    await usage(['grant', '--email', 'a@b.c', '--amount', '5', '--days', '3', '--permanent'], /either --days or --permanent/);
    await usage(['grant', '--email', 'a@b.c'], /--amount is required/);
    await usage(['grant', '--email', 'a@b.c', '--amount', '5', '--type', 'gold'], /--type must be/);
    await usage(['signin'], /signin needs --email/);
    await usage(['signin', '--email', 'a@b.c', '--platform', 'desktop'], /--platform must be web or mobile/);
    await usage(['balance', '--fail'], /--fail does not apply to "balance"/);
    await usage(['balance', '--bogus'], /Unknown option '--bogus'/);
    const r = await run(['--server', 'ftp://x', 'balance'], { stdout: { write: () => 0 }, stderr: { write: () => 0 }, env: {} });
    expect(r).toBe(2);
  });

  it('--help prints the usage on stdout with exit 0', async () => {
    const r = await cli(newHome(), ['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: npm run device -- <command>');
  });

  it('exits 1 with one line when not signed in or when the service is unreachable', async () => {
    const none = await cli(newHome(), ['balance']);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/^device: no account chosen/);
    const down = await run(['--server', 'http://127.0.0.1:9', 'tools'], {
      stdout: { write: () => 0 },
      stderr: { write: (s: string) => expect(s).toMatch(/^device: cannot reach the credit service at http:\/\/127.0.0.1:9/) },
      env: {},
    });
    expect(down).toBe(1);
  });

  it('runs as a process: tsx src/cli/device.ts --help', async () => {
    const device = fileURLToPath(new URL('../src/device.ts', import.meta.url));
    const tsx = (...args: string[]) => promisify(execFile)(process.execPath, ['--import', 'tsx', device, ...args]);
    const { stdout } = await tsx('--help');
    expect(stdout).toContain('Usage: npm run device');
    const bad = await tsx('fly').catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).toBe(2);
    expect((bad as { stderr: string }).stderr).toContain('unknown command "fly"');
  });
});
