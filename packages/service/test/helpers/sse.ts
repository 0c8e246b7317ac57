/** Reads /v1/events the way a client would, parsing with eventsource-parser (via the eventsource package's parser). */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { pipeSse } from '@cutline/contract/sse-body';

export interface SseClient {
  events: EventSourceMessage[];
  comments: string[];
  /** Resolves with the first event (from the start of the stream) matching `pred`. */
  waitFor(pred: (e: EventSourceMessage) => boolean, timeoutMs?: number): Promise<EventSourceMessage>;
  close(): void;
  closed: Promise<void>;
}

export async function openSse(base: string, token: string, lastEventId?: string): Promise<SseClient> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
  if (lastEventId) headers['last-event-id'] = lastEventId;
  return openSseAt(`${base}/v1/events`, headers);
}

/** Any event stream of the service (`/v1/events` with a token, the web's `/credits/live` with a session cookie). */
export async function openSseAt(url: string, headers: Record<string, string>): Promise<SseClient> {
  const ac = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: ac.signal });
  if (res.status !== 200) throw new Error(`events: ${res.status} ${await res.text()}`);
  const events: EventSourceMessage[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const parser = createParser({
    onEvent: (e) => {
      events.push(e);
      for (const w of [...waiters]) w();
    },
    onComment: (c) => {
      comments.push(c);
      for (const w of [...waiters]) w();
    },
  });
  const closed = (async () => {
    await pipeSse(res.body!, parser);
    for (const w of [...waiters]) w();
  })();
  let ended = false;
  void closed.then(() => (ended = true));
  return {
    events,
    comments,
    closed,
    close: () => ac.abort(),
    waitFor(pred, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = events.find(pred);
          if (hit) {
            waiters.delete(check);
            clearTimeout(t);
            resolve(hit);
          } else if (ended) {
            waiters.delete(check);
            clearTimeout(t);
            reject(new Error('stream ended before the event arrived'));
          }
        };
        const t = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching event within ${timeoutMs} ms; got ${events.map((e) => e.id).join(',')}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
