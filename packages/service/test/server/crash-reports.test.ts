/**
 * `POST /v1/crash-reports` and the admin's listing against the real service: a JSON error report
 * and a crashpad-style minidump upload (multipart, gzip) each planted with a real bearer token, a
 * real refresh token, a cookie header, an e-mail address and the user's paths on Linux, macOS
 * and Windows (UTF-16 too, as Windows writes module paths) — none of which may be in what is
 * stored; the limits (size, type, per client) answered as API errors; the admin API and page.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, signIn } from '../helpers/client';
import { startTestServer, type TestServer } from '../helpers/server';

const HOME_LINUX = '/home/maria.k/Videos/wedding final.mp4';
const HOME_MAC = '/Users/maria/Movies/Client X/cut.mov';
const HOME_WIN = 'C:\\Users\\Maria Kowalski\\Documents\\Cutline\\project.json';
const EMAIL = 'maria.kowalski@example.com';
const COOKIE_VALUE = 'cutline_session=s3ss10nS3cr3tValue';

function report(installation: string, error: { name?: string; message: string; stack: string[] }) {
  return {
    kind: 'js-error',
    process: 'main',
    event: 'uncaughtException',
    error: { name: error.name ?? 'Error', ...error },
    app: { version: '0.1.0', platform: 'win32', arch: 'x64', electron: '45.6.1' },
    installation,
    occurredAt: '2026-12-07T10:00:00.000Z',
  };
}

async function postJson(base: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/v1/crash-reports`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

/** A multipart body as crashpad sends it: its fields and the dump, optionally gzip-compressed. */
async function crashpadUpload(fields: Record<string, string>, minidump: Buffer | null, options: { gzip?: boolean; fileField?: string } = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (minidump) form.append(options.fileField ?? 'upload_file_minidump', new Blob([minidump]), 'a1b2c3.dmp');
  const request = new Request('http://crashpad.invalid/', { method: 'POST', body: form });
  const raw = Buffer.from(await request.arrayBuffer());
  const body = options.gzip === false ? raw : gzipSync(raw);
  return { body, headers: { 'content-type': request.headers.get('content-type')!, ...(options.gzip === false ? {} : { 'content-encoding': 'gzip' }) } };
}

async function postUpload(base: string, upload: { body: Buffer; headers: Record<string, string> }) {
  const res = await fetch(`${base}/v1/crash-reports`, { method: 'POST', headers: upload.headers, body: upload.body });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text(), headers: res.headers };
}

/** A minidump-shaped file: the MDMP header, then memory with the planted secrets in ASCII and UTF-16LE. */
function fakeMinidump(secrets: string[]): Buffer {
  const header = Buffer.alloc(32);
  header.write('MDMP', 0, 'latin1');
  header.writeUInt32LE(0xa793, 4);
  const parts = [header, Buffer.from('module: libcutline-ok.so\0', 'latin1')];
  for (const s of secrets) parts.push(Buffer.from(`${s}\0`, 'latin1'), Buffer.alloc(7), Buffer.from(`${s}\0`, 'utf16le'), Buffer.alloc(5, 0xff));
  parts.push(Buffer.from('C:\\Program Files\\Cutline\\Cutline.exe\0', 'utf16le'));
  return Buffer.concat(parts);
}

/** Every stored file of the server's crash-report folder, as text and as raw bytes. */
function storedFiles(server: TestServer): { name: string; bytes: Buffer }[] {
  return readdirSync(server.crashReportsDir).map((name) => ({ name, bytes: readFileSync(join(server.crashReportsDir, name)) }));
}

describe('crash reports: what is stored carries no token, cookie, e-mail or user path', () => {
  let server: TestServer;
  let planted: string[];
  let tokens: { access_token: string; refresh_token: string };

  beforeAll(async () => {
    server = await startTestServer();
    tokens = await signIn(server.url, 'pro@cutline.test');
    planted = [tokens.access_token, tokens.refresh_token, 's3ss10nS3cr3tValue', EMAIL, 'maria.k', 'Maria Kowalski', 'wedding final', 'Client X', '/Users/maria'];
  });
  afterAll(() => server.close());

  it('a JSON error report with every kind planted: stored scrubbed, the app’s own frames kept', async () => {
    const sent = report('7f0c9d2e-1b4a-4c3e-9d8f-0a1b2c3d4e5f', {
      name: 'TypeError',
      message: `request failed for ${EMAIL}, open '${HOME_LINUX}', refresh ${tokens.refresh_token}, Authorization: Bearer ${tokens.access_token}; Cookie: ${COOKIE_VALUE}`,
      stack: [
        `at refresh (C:\\Users\\Maria Kowalski\\AppData\\Local\\Programs\\Cutline\\resources\\app.asar\\out\\main\\index.js:812:17)`,
        `at read (${HOME_MAC}:1:1)`,
        `at load (${HOME_WIN}:3:4)`,
        `at token (https://credits.example.test/oauth/token?refresh_token=${tokens.refresh_token}&code=abc)`,
      ],
    });
    const res = await postJson(server.url, sent);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.stringMatching(/^cr_/), kind: 'js-error' });

    const file = storedFiles(server).find((f) => f.name === `${res.body.id}.json`)!;
    const stored = file.bytes.toString('utf8');
    for (const secret of planted) expect(stored, secret).not.toContain(secret);
    const parsed = JSON.parse(stored) as { report: { error: { message: string; stack: string[] }; installation: string } };
    expect(parsed.report.error.stack[0]).toBe('at refresh (<app>\\out\\main\\index.js:812:17)');
    expect(parsed.report.error.stack[1]).toBe('at read (<user path>:1:1)');
    expect(parsed.report.error.message).toBe("request failed for <email>, open '<user path>', refresh [redacted], Authorization: [redacted]; Cookie: [redacted]");
    // the report's own random installation id is kept (rate limit, grouping)
    expect(parsed.report.installation).toBe('7f0c9d2e-1b4a-4c3e-9d8f-0a1b2c3d4e5f');
  });

  it('a crashpad upload (multipart, gzip) with the secrets in its memory and fields: stored masked, same length, still a minidump', async () => {
    const secrets = [`Authorization: Bearer ${tokens.access_token}`, tokens.refresh_token, `Cookie: ${COOKIE_VALUE}`, EMAIL, HOME_LINUX, HOME_MAC, HOME_WIN];
    const dump = fakeMinidump(secrets);
    const upload = await crashpadUpload(
      { prod: 'Cutline', ver: '0.1.0', platform: 'win32', ptype: 'renderer', guid: '6fa459eab4a34b1e9d6c0e2f6a8b9c0d', note: `opened ${HOME_WIN}` },
      dump,
    );
    const res = await postUpload(server.url, upload);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/^cr_[0-9a-z]{9}[A-Za-z0-9_-]{8}$/);

    const files = storedFiles(server).filter((f) => f.name.startsWith(res.text));
    const stored = files.find((f) => f.name.endsWith('.dmp'))!.bytes;
    expect(stored.length).toBe(dump.length);
    expect(stored.toString('latin1', 0, 4)).toBe('MDMP');
    for (const secret of planted) {
      expect(stored.includes(Buffer.from(secret, 'latin1')), `${secret} (ASCII)`).toBe(false);
      expect(stored.includes(Buffer.from(secret, 'utf16le')), `${secret} (UTF-16)`).toBe(false);
    }
    // what is no secret is left alone
    expect(stored.includes(Buffer.from('libcutline-ok.so', 'latin1'))).toBe(true);
    expect(stored.includes(Buffer.from('C:\\Program Files\\Cutline\\Cutline.exe', 'utf16le'))).toBe(true);
    const meta = files.find((f) => f.name.endsWith('.json'))!.bytes.toString('utf8');
    for (const secret of planted) expect(meta, secret).not.toContain(secret);
    expect(JSON.parse(meta)).toMatchObject({ kind: 'minidump', fields: { prod: 'Cutline', ptype: 'renderer', note: 'opened <user path>' }, minidump: { bytes: dump.length } });
  });

  it('the admin API lists both, newest first, and hands out the masked minidump', async () => {
    const list = await admin(server.url, 'GET', '/admin/v1/crash-reports?limit=10');
    expect(list.status).toBe(200);
    const reports = list.body.reports as Array<{ id: string; kind: string }>;
    expect(reports.map((r) => r.kind)).toEqual(['minidump', 'js-error']);
    expect(JSON.stringify(list.body)).not.toContain(tokens.access_token);
    const res = await fetch(`${server.url}/admin/v1/crash-reports/${reports[0].id}/minidump`, { headers: { authorization: `Bearer ${server.adminToken}` } });
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.toString('latin1', 0, 4)).toBe('MDMP');
    expect(bytes.includes(Buffer.from(tokens.access_token))).toBe(false);
    const single = await admin(server.url, 'GET', `/admin/v1/crash-reports/${reports[1].id}`);
    expect(single.body).toMatchObject({ id: reports[1].id, kind: 'js-error', report: { process: 'main' } });
    expect((await admin(server.url, 'GET', '/admin/v1/crash-reports/cr_000000000AAAAAAAA')).status).toBe(404);
    expect((await admin(server.url, 'GET', `/admin/v1/crash-reports/${reports[1].id}/minidump`)).status).toBe(404);
  });

  it('the admin page needs the token (a browser is asked for it) and shows the reports escaped', async () => {
    const anonymous = await fetch(`${server.url}/admin/crash-reports`, { headers: { accept: 'text/html' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm="Cutline admin"/);
    const wrong = await fetch(`${server.url}/admin/crash-reports`, { headers: { authorization: `Basic ${Buffer.from('admin:nope').toString('base64')}` } });
    expect(wrong.status).toBe(401);
    // the admin API itself takes only Bearer
    expect((await fetch(`${server.url}/admin/v1/crash-reports`, { headers: { authorization: `Basic ${Buffer.from(`admin:${server.adminToken}`).toString('base64')}` } })).status).toBe(401);

    await postJson(server.url, report('3c1d2e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5', { name: 'Error', message: '<script>alert(1)</script> in the timeline', stack: [] }));
    const res = await fetch(`${server.url}/admin/crash-reports`, { headers: { authorization: `Basic ${Buffer.from(`admin:${server.adminToken}`).toString('base64')}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await res.text();
    expect(page).toContain('<h1>Crash reports</h1>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; in the timeline');
    expect(page).not.toContain('<script>');
    expect(page).toContain('Native crash (renderer)');
    expect(page.indexOf('in the timeline')).toBeLessThan(page.indexOf('Native crash'));
    for (const secret of planted) expect(page, secret).not.toContain(secret);
  });
});

describe('crash reports: bad input gets the API’s errors', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const installation = 'a0a0a0a0-b1b1-4c2c-8d3d-e4e4e4e4e4e4';

  it.each([
    ['a missing field', { ...report(installation, { message: 'x', stack: [] }), process: undefined }, /^process: /],
    ['an unknown field', { ...report(installation, { message: 'x', stack: [] }), cookies: 'a=b' }, /cookies/],
    ['a stack given as one string', { ...report(installation, { message: 'x', stack: [] }), error: { name: 'E', message: 'x', stack: 'at a (index.js:1:1)' } }, /^error\.stack: /],
    ['a bad installation id', report('../../etc', { message: 'x', stack: [] }), /^installation: /],
  ])('%s → 400 naming the field', async (_name, body, message) => {
    const res = await postJson(server.url, body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(String(res.body.message)).toMatch(message);
  });

  it('a control character in a message → 400 (stacks travel as lines)', async () => {
    const res = await postJson(server.url, report(installation, { message: 'line one\nline two', stack: [] }));
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/control characters/);
  });

  it('more than 64 KiB of JSON → 413; another type → 415; a GET → 404', async () => {
    const big = await postJson(server.url, report(installation, { message: 'x', stack: Array.from({ length: 100 }, () => 'y'.repeat(700)) }));
    expect(big.status).toBe(413);
    expect(big.body.error).toBe('invalid_request');
    const plain = await fetch(`${server.url}/v1/crash-reports`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'crash!' });
    expect(plain.status).toBe(415);
    expect(((await plain.json()) as { error: string }).error).toBe('invalid_request');
    const get = await fetch(`${server.url}/v1/crash-reports`);
    expect(get.status).toBe(404);
  });

  it('a form without the dump, with another file, with a file that is no minidump, or broken gzip → 400', async () => {
    const cases = [
      [await crashpadUpload({ prod: 'Cutline' }, null), /has no upload_file_minidump/],
      [await crashpadUpload({ prod: 'Cutline' }, fakeMinidump([]), { fileField: 'attachment' }), /the only file a crash report takes is upload_file_minidump/],
      [await crashpadUpload({ prod: 'Cutline' }, Buffer.from('just some text, not a dump at all........')), /not a minidump/],
      [{ body: Buffer.from('this is not gzip'), headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-encoding': 'gzip' } }, /not valid gzip/],
      [{ body: Buffer.from('--x--'), headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-encoding': 'br' } }, /Content-Encoding gzip or none/],
    ] as const;
    for (const [upload, message] of cases) {
      const res = await postUpload(server.url, upload);
      expect(res.status, String(message)).toBeGreaterThanOrEqual(400);
      expect(res.status, String(message)).toBeLessThan(500);
      const body = JSON.parse(res.text) as { error: string; message: string };
      expect(body.error).toBe('invalid_request');
      expect(body.message).toMatch(message);
    }
  });

  it('a dump over 8 MiB → 413, compressed or not', async () => {
    const huge = Buffer.concat([fakeMinidump([]), Buffer.alloc(8 * 1024 * 1024 + 10)]);
    for (const gzip of [true, false]) {
      const res = await postUpload(server.url, await crashpadUpload({ prod: 'Cutline' }, huge, { gzip }));
      expect(res.status).toBe(413);
      expect(JSON.parse(res.text)).toMatchObject({ error: 'invalid_request', message: expect.stringMatching(/larger than/) });
    }
  });
});

describe('crash reports: limits per client and how many are kept', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ crashReportLimits: { perInstallation: 2, perAddress: 4, maxStored: 3 } });
  });
  afterAll(() => server.close());

  it('an installation over its allowance gets 429 with Retry-After; the address has its own; the folder keeps the newest', async () => {
    const one = '11111111-1111-4111-8111-111111111111';
    const two = '22222222-2222-4222-8222-222222222222';
    const send = (installation: string, n: number) => postJson(server.url, report(installation, { message: `crash ${n}`, stack: [] }));
    expect((await send(one, 1)).status).toBe(201);
    expect((await send(one, 2)).status).toBe(201);
    const third = await send(one, 3);
    expect(third.status).toBe(429);
    expect(third.body.error).toBe('rate_limited');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    // the refused one still counted against the address: one left of four
    expect((await send(two, 4)).status).toBe(201);
    expect((await send(two, 5)).status).toBe(429);

    const list = await admin(server.url, 'GET', '/admin/v1/crash-reports');
    const messages = (list.body.reports as Array<{ report: { error: { message: string } } }>).map((r) => r.report.error.message);
    expect(messages).toEqual(['crash 4', 'crash 2', 'crash 1']);
  });

  it('pruning keeps maxStored', async () => {
    const server2 = await startTestServer({ crashReportLimits: { maxStored: 3 } });
    try {
      for (let i = 0; i < 5; i++) {
        const res = await postJson(server2.url, report(`33333333-3333-4333-8333-33333333333${i}`, { message: `crash ${i}`, stack: [] }));
        expect(res.status).toBe(201);
      }
      const list = await admin(server2.url, 'GET', '/admin/v1/crash-reports?limit=2');
      expect((list.body.reports as Array<{ report: { error: { message: string } } }>).map((r) => r.report.error.message)).toEqual(['crash 4', 'crash 3']);
      const older = await admin(server2.url, 'GET', `/admin/v1/crash-reports?limit=2&before=${list.body.next}`);
      expect((older.body.reports as Array<{ report: { error: { message: string } } }>).map((r) => r.report.error.message)).toEqual(['crash 2']);
      expect(older.body.next).toBeNull();
      expect(storedFiles(server2).filter((f) => f.name.endsWith('.json'))).toHaveLength(3);
    } finally {
      await server2.close();
    }
  });

  it('without an admin token the listing does not exist', async () => {
    const plain = await startTestServer({ adminToken: null });
    try {
      expect((await fetch(`${plain.url}/admin/v1/crash-reports`)).status).toBe(404);
      expect((await fetch(`${plain.url}/admin/crash-reports`)).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
