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
  const ac = new AbortController();
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
  if (lastEventId) headers['last-event-id'] = lastEventId;
  const res = await fetch(`${base}/v1/events`, { headers, signal: ac.signal });
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
