/**
 * An event a stream gets from the `events` table — a gap filled by the stream itself, or (on
 * PostgreSQL) an event another instance committed, read by the relay — carries exactly the bytes
 * of the same event delivered live by the instance that committed it, although the row stores
 * only the balance, the cause without its entries and the entries' seqs (db/event-log.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hold, capture, release } from '../../src/service/charges/steps';
import type { Ctx } from '../../src/service/kernel/context';
import type { HubEvent } from '../../src/events';
import { EventHub } from '../../src/service/events/hub';
import { sseFrame } from '../../src/http/sse-writer';
import { openDb } from '../../src/start';
import { call, charge, grant, newUser, phone } from '../helpers/client';
import { createDatabase, dropDatabase } from '../helpers/pg';
import { startTestServer, type TestServer } from '../helpers/server';
import { openSse, type SseClient } from '../helpers/sse';

const onPostgres = process.env.CUTLINE_TEST_STORE === 'postgres';

/** Everything the hub publishes for `userId`, as it was delivered live. */
function recordLive(hub: EventHub, userId: string): HubEvent[] {
  const live: HubEvent[] = [];
  hub.subscribe(userId, (e) => live.push(e));
  return live;
}

/** The frame the stream delivered for `version`, rebuilt from what the SSE parser saw (id, event, data). */
async function delivered(sse: SseClient, version: number): Promise<Buffer> {
  const e = await sse.waitFor((m) => m.id === String(version));
  return Buffer.from(`id: ${e.id}\nevent: ${e.event}\ndata: ${e.data}\n\n`);
}

describe('events read back from the table are byte for byte the live ones', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('a gap filled by the stream: changes this instance never heard of, then one it did', async () => {
    const u = await newUser(s.url);
    await grant(s.url, u.id, 'purchased', 100, null);
    await grant(s.url, u.id, 'activity', 10, new Date(Date.now() + 86_400_000).toISOString());
    // Another writer on the same database whose hub this server does not hear (no relay between them).
    const db = await openDb(s.dbPath);
    const other: Ctx = { ...s.ctx, db, hub: new EventHub() };
    try {
      const unheard = recordLive(other.hub, u.id);
      const heard = recordLive(s.ctx.hub, u.id);
      const sse = await openSse(s.url, u.tokens.access_token);
      const snap = Number((await sse.waitFor(() => true)).id);

      // A hold across two batches, its capture and a released hold: entries with device and member.
      const h = await hold(other, u.id, 'read-back-1', { tool: 'ai-portrait', quantity: 1, device: phone });
      await capture(other, u.id, h.charge.id);
      const r = await hold(other, u.id, 'read-back-2', { tool: 'auto-captions', quantity: 1, device: phone });
      await release(other, u.id, r.charge.id, 'cancelled');
      expect(unheard.map((e) => e.version)).toEqual([snap + 1, snap + 2, snap + 3, snap + 4]);
      expect(sse.events.map((e) => Number(e.id))).toEqual([snap]); // nothing reached the stream yet

      // Changes through the server: the stream sees the gap and reads the four missed events (the
      // second change may arrive while it reads: it waits its turn).
      const [c1, c2] = await Promise.all([1, 2].map(() => charge(s.url, u.tokens.access_token, 'auto-captions', phone)));
      expect([c1.status, c2.status]).toEqual([201, 201]);
      await delivered(sse, snap + 6);
      for (const e of unheard) expect((await delivered(sse, e.version)).toString()).toBe(sseFrame(e).toString());
      for (const v of [snap + 5, snap + 6]) expect((await delivered(sse, v)).toString()).toBe(sseFrame(heard.find((e) => e.version === v)!).toString());
      expect(sse.events.map((e) => Number(e.id))).toEqual([snap, snap + 1, snap + 2, snap + 3, snap + 4, snap + 5, snap + 6]);
      expect(JSON.parse(sse.events[1].data).cause.entries).toHaveLength(2); // the hold drew from both batches
      sse.close();
    } finally {
      await db.close();
    }
  });

  it.runIf(onPostgres)('an event committed by another instance, read by the relay, is the one delivered live there', async () => {
    const url = await createDatabase();
    const a = await startTestServer({ db: url });
    const b = await startTestServer({ db: url });
    try {
      const u = await newUser(a.url);
      await grant(a.url, u.id, 'purchased', 100, null);
      await grant(a.url, u.id, 'activity', 10, new Date(Date.now() + 86_400_000).toISOString());
      const onA = recordLive(a.ctx.hub, u.id);
      const sse = await openSse(b.url, u.tokens.access_token);
      const snap = Number((await sse.waitFor(() => true)).id);
      const h = await charge(a.url, u.tokens.access_token, 'ai-portrait', phone);
      const cap = await call(a.url, 'POST', `/v1/charges/${h.body.charge.id}/capture`, { token: u.tokens.access_token });
      expect(cap.status).toBe(200);
      for (const v of [snap + 1, snap + 2]) {
        const got = await delivered(sse, v);
        expect(got.toString()).toBe(sseFrame(onA.find((e) => e.version === v)!).toString());
      }
      sse.close();
    } finally {
      await a.close();
      await b.close();
      await dropDatabase(url);
    }
  });
});
