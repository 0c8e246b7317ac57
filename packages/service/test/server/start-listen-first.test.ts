/**
 * `startServer` listens first and builds the service's config once, with its final public URL
 * (nothing is patched after listen); the server it listened on is the app's, set up with
 * Fastify's own timeouts; a port already taken fails the start before any store is opened.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/start';
import { startTestServer, type TestServer } from '../helpers/server';

describe('startServer: listen first, then one fixed config', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('builds the config with the port it listens on, frozen', () => {
    expect(s.ctx.config.publicUrl).toBe(s.url);
    expect(s.publicUrl).toBe(s.url);
    expect(Object.isFrozen(s.ctx.config)).toBe(true);
  });

  it('serves on the server it listened on, with Fastify’s keep-alive and request timeouts', () => {
    const address = s.app.server.address();
    expect(typeof address === 'object' && address?.port).toBe(s.port);
    // Fastify's defaults (72 s keep-alive, no request timeout), not Node's (5 s, 300 s).
    expect(s.app.server.keepAliveTimeout).toBe(72_000);
    expect(s.app.server.requestTimeout).toBe(0);
  });

  it('a public URL given is used as is (without a trailing slash)', async () => {
    const other = await startTestServer({ publicUrl: 'https://credits.example.test/' });
    try {
      expect(other.ctx.config.publicUrl).toBe('https://credits.example.test');
    } finally {
      await other.close();
    }
  });

  it('a port already taken fails the start before the store is opened', async () => {
    const db = join(s.dir, 'never-opened.db');
    await expect(startServer({ port: s.port, db, quiet: true })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(existsSync(db)).toBe(false);
  });
});
