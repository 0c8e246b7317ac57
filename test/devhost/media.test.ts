/**
 * The browser host's media endpoints: an upload from the page's own origin is kept (checked by
 * the same rules as Electron's), listed after a restart and served with byte ranges; uploads from
 * anywhere else, malformed bodies and refused types change nothing.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMediaUpload, startDevhost, type RunningDevhost } from '../../src/devhost/host';
import { memoryLogger } from '../../src/main/core/logger';

let host: RunningDevhost;
let dir: string;
const renderer = () => join(dir, 'renderer');

const start = () =>
  startDevhost({ serviceUrl: 'http://127.0.0.1:9', dataDir: join(dir, 'data'), renderer: { mode: 'built', dir: renderer() }, logger: memoryLogger() });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cutline-devhost-media-'));
  mkdirSync(renderer(), { recursive: true });
  writeFileSync(join(renderer(), 'index.html'), '<!doctype html><title>x</title>');
  host = await start();
});
afterAll(async () => {
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

function upload(head: unknown, bytes: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(head));
  const len = Buffer.alloc(4);
  len.writeUInt32BE(json.length);
  return Buffer.concat([len, json, Buffer.from(bytes)]);
}

const post = (body: Buffer, origin = host.url, type = 'application/octet-stream') =>
  fetch(`${host.url}/__cutline/media`, { method: 'POST', headers: { origin, 'content-type': type }, body: new Uint8Array(body) });

describe('browser host media', () => {
  const bytes = new Uint8Array(Array.from({ length: 64 }, (_, i) => i));

  it('keeps an upload from the page, lists it after a restart, and serves it whole and by range', async () => {
    const res = await post(upload({ name: 'Walk.webm', type: 'video/webm', meta: { duration: 2 } }, bytes));
    const result = (await res.json()) as { ok: true; value: { id: string; url: string; name: string } };
    expect(result).toMatchObject({ ok: true, value: { name: 'Walk', kind: 'video', size: 64 } });
    expect(result.value.url).toBe(`/__cutline/media/${result.value.id}`);
    expect(readdirSync(join(dir, 'data', 'media'))).toEqual([`${result.value.id}.webm`]);

    const whole = await fetch(`${host.url}${result.value.url}`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/webm');
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(bytes);
    const part = await fetch(`${host.url}${result.value.url}`, { headers: { range: 'bytes=60-' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 60-63/64');
    expect([...new Uint8Array(await part.arrayBuffer())]).toEqual([60, 61, 62, 63]);

    await host.close();
    host = await start();
    expect((await host.core.cutline.listMedia()).map((m) => m.id)).toEqual([result.value.id]);
  });

  it('refuses uploads from another origin, other content types, malformed bodies and refused file types', async () => {
    const before = (await host.core.cutline.listMedia()).length;
    const good = upload({ name: 'a.webm', type: 'video/webm', meta: { duration: 1 } }, bytes);
    expect((await post(good, 'https://evil.test')).status).toBe(403);
    expect((await post(good, host.url, 'text/plain')).status).toBe(403);
    expect((await post(Buffer.from([0, 0, 0, 50, 1, 2]))).status).toBe(400);
    expect((await post(upload({ name: 'a.webm', type: 'video/webm', meta: { duration: -1 } }, bytes))).status).toBe(400);
    const html = await post(upload({ name: 'page.html', type: 'text/html', meta: { duration: 1 } }, bytes));
    expect(await html.json()).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect((await host.core.cutline.listMedia()).length).toBe(before);
    for (const path of ['/__cutline/media/..%2fsettings.json', '/__cutline/media/m-0000000000000000']) {
      expect((await fetch(`${host.url}${path}`)).status, path).toBe(404);
    }
  });

  it('parses the upload frame and nothing shorter than it says', () => {
    const frame = upload({ name: 'x', type: 'y', meta: {} }, new Uint8Array([9, 9]));
    expect(parseMediaUpload(frame)).toMatchObject({ name: 'x', type: 'y', bytes: new Uint8Array([9, 9]) });
    expect(parseMediaUpload(frame.subarray(0, 6))).toBeNull();
    expect(parseMediaUpload(Buffer.from([0, 0]))).toBeNull();
  });
});
