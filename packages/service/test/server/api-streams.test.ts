/**
 * Streams under load (issue 11): a per-token cap on concurrent streams, pings that touch no
 * database, the `retry:` field, and a storm of reconnecting streams while charges run in which
 * every stream still ends at the account's final version. Runs on both engines
 * (CUTLINE_TEST_STORE=postgres for PostgreSQL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db';
import { startTestServer, type TestServer } from '../helpers/server';
import { call, charge, desktop, grant, newUser, signIn } from '../helpers/client';
import { openSse, type SseClient } from '../helpers/sse';

let s: TestServer;
/** Every read and transaction the service opens, while `counting` is on. */
const opened = { reads: 0, transactions: 0 };
beforeAll(async () => {
  // No periodic sweep during these tests: every read counted is a stream's.
  s = await startTestServer({ pingMs: 50, sweepMs: 3_600_000 });
  const db: Db = s.ctx.db;
  const read = db.read.bind(db);
  const transaction = db.transaction.bind(db);
  db.read = (fn) => {
    opened.reads++;
    return read(fn);
  };
  db.transaction = (fn) => {
    opened.transactions++;
    return transaction(fn);
  };
});
afterAll(() => s.close());

const data = (e: { data: string }) => JSON.parse(e.data);

async function rawEvents(token: string): Promise<Response> {
  return fetch(`${s.url}/v1/events`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } });
}

describe('event streams under load', () => {
  it('one token holds at most 5 streams: the 6th is a JSON 429, and closing one frees a slot', async () => {
    const u = await newUser(s.url);
    const streams: SseClient[] = [];
    for (let i = 0; i < 5; i++) {
      const sse = await openSse(s.url, u.tokens.access_token);
      await sse.waitFor(() => true);
      streams.push(sse);
    }
    const refused = await rawEvents(u.tokens.access_token);
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as { error: string; message: string };
    expect(body.error).toBe('rate_limited');
    expect(body.message).toMatch(/5 open event streams/);

    streams.shift()!.close();
    // The server learns of the close from the socket: retry until the slot is free.
    let again: SseClient | null = null;
    for (let i = 0; i < 100 && !again; i++) {
      again = await openSse(s.url, u.tokens.access_token).catch(() => null);
      if (!again) await new Promise((r) => setTimeout(r, 20));
    }
    expect(again).not.toBeNull();
    const first = await again!.waitFor(() => true);
    expect(first.event).toBe('balance');
    for (const x of [again!, ...streams]) x.close();
  });

  it('sends a retry: field on connect', async () => {
    const u = await newUser(s.url);
    const res = await rawEvents(u.tokens.access_token);
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    const text = new TextDecoder().decode(value);
    const m = /^retry: (\d+)$/m.exec(text);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(1000);
    expect(Number(m![1])).toBeLessThanOrEqual(3000);
    await reader.cancel();
  });

  it('pings read nothing; revoking the token ends its streams with unauthorized', async () => {
    const u = await newUser(s.url);
    const streams = await Promise.all([openSse(s.url, u.tokens.access_token), openSse(s.url, u.tokens.access_token)]);
    for (const x of streams) await x.waitFor(() => true);
    const before = { ...opened };
    const pings = () => Math.min(...streams.map((x) => x.comments.filter((c) => c.trim() === 'ping').length));
    const start = pings();
    await streams[0].waitFor(() => pings() >= start + 4, 10_000);
    expect(opened).toEqual(before); // four pings on each stream, not one database read or transaction

    await call(s.url, 'POST', '/oauth/revoke', { body: { token: u.tokens.access_token } });
    for (const x of streams) {
      const err = await x.waitFor((e) => e.event === 'error');
      expect(JSON.parse(err.data)).toEqual({ error: 'unauthorized' });
      await x.closed;
    }
  });

  it('a storm of reconnecting streams while charges run: every stream ends at the final version', async () => {
    const u = await newUser(s.url);
    await grant(s.url, u.id, 'purchased', 10_000, null);
    // The followers on the account's first token; the storm on a second device's token.
    const stormToken = (await signIn(s.url, u.email, 'password-123')).access_token;
    const charges = (async () => {
      let version = 0;
      for (let i = 0; i < 12; i++) {
        const h = await charge(s.url, u.tokens.access_token, 'auto-captions', desktop);
        expect(h.status).toBe(201);
        const c = await call(s.url, 'POST', `/v1/charges/${h.body.charge.id}/capture`, { token: u.tokens.access_token });
        expect(c.status).toBe(200);
        version = c.body.balance.version;
      }
      return version;
    })();
    // Streams that connect, read a little and drop, over and over while the charges run.
    const storm = (async () => {
      let reconnects = 0;
      let done = false;
      void charges.then(() => (done = true));
      // A refused connect (429 while the server has not yet seen the last close) is retried, as a client would.
      const connect = async (): Promise<SseClient> => {
        for (;;) {
          const x = await openSse(s.url, stormToken).catch(() => null);
          if (x) return x;
          await new Promise((r) => setTimeout(r, 10));
        }
      };
      while (!done) {
        const batch = await Promise.all(Array.from({ length: 4 }, connect));
        for (const x of batch) {
          const first = await x.waitFor(() => true);
          expect(first.event).toBe('balance');
          x.close();
        }
        reconnects += batch.length;
      }
      return reconnects;
    })();
    const followers = await Promise.all(Array.from({ length: 3 }, () => openSse(s.url, u.tokens.access_token)));
    const final = await charges;
    expect(await storm).toBeGreaterThan(0);
    for (const f of followers) {
      await f.waitFor((e) => Number(e.id) === final);
      const ids = f.events.filter((e) => e.event === 'balance').map((e) => Number(e.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b)); // never a version going down
      expect(new Set(ids).size).toBe(ids.length);
      expect(data(f.events[f.events.length - 1]).balance.version).toBe(final);
      f.close();
    }
    // A stream opened after the storm starts at the final version too.
    const late = await openSse(s.url, u.tokens.access_token);
    expect(data(await late.waitFor(() => true)).balance.version).toBe(final);
    late.close();
  });
});
