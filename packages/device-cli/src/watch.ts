/**
 * `watch`: follows GET /v1/events (Server-Sent Events, parsed with eventsource-parser) and hands
 * each balance event to `onEvent` until the signal aborts. An `error` event (token expired or
 * revoked) refreshes the tokens and reconnects; a dropped connection reconnects with
 * Last-Event-ID. Events at or below the highest version seen are skipped, as docs/api.md § Account and balance asks.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { BalanceEventSchema, type BalanceEvent } from '@cutline/contract/api';
import { CliError, send, type DeviceApi } from './api';
import { pipeSse } from '@cutline/contract/sse-body';

export interface WatchOptions {
  signal: AbortSignal;
  onEvent(e: BalanceEvent, id: string | undefined): void;
  /** Called when the stream reconnects (after a drop or a refreshed token). */
  onNotice?(msg: string): void;
  retryMs?: number;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

export async function watch(api: DeviceApi, opts: WatchOptions): Promise<void> {
  const { signal } = opts;
  let lastVersion = -1;
  let refreshedInARow = 0;
  while (!signal.aborted) {
    const used = api.session.accessToken;
    const headers: Record<string, string> = { authorization: `Bearer ${used}`, accept: 'text/event-stream' };
    if (lastVersion >= 0) headers['last-event-id'] = String(lastVersion);
    let res: Response;
    try {
      res = await send(api.server, '/v1/events', { headers, signal });
    } catch (e) {
      if (signal.aborted) return;
      if (e instanceof CliError && e.code === 'unreachable' && lastVersion >= 0) {
        opts.onNotice?.(`${e.message}; retrying`);
        await sleep(opts.retryMs ?? 1000, signal);
        continue;
      }
      throw e;
    }
    if (res.status === 401) {
      await res.arrayBuffer();
      if (++refreshedInARow > 2) throw new CliError('the service keeps refusing the token for /v1/events', 'unauthorized');
      await api.refresh(used);
      continue;
    }
    if (res.status !== 200) {
      const text = await res.text();
      throw new CliError(`/v1/events answered ${res.status}: ${text.slice(0, 200)}`, 'http_' + res.status);
    }

    let tokenDied = false;
    const parser = createParser({
      onEvent(m: EventSourceMessage) {
        if (m.event === 'error') {
          tokenDied = true;
          return;
        }
        if (m.event !== 'balance') return;
        let data: BalanceEvent;
        try {
          // Validate, but pass on the event as sent (the schema would strip extensions such as cause.entries).
          data = JSON.parse(m.data) as BalanceEvent;
          BalanceEventSchema.parse(data);
        } catch {
          opts.onNotice?.(`ignored a malformed event ${m.id ?? ''}`);
          return;
        }
        const version = m.id !== undefined ? Number(m.id) : data.balance.version;
        if (version <= lastVersion) return;
        lastVersion = version;
        refreshedInARow = 0;
        opts.onEvent(data, m.id);
      },
    });
    await pipeSse(res.body!, parser);
    if (signal.aborted) return;
    if (tokenDied) {
      if (++refreshedInARow > 2) throw new CliError('the event stream keeps ending with "unauthorized"', 'unauthorized');
      opts.onNotice?.('the access token ended; refreshing and reconnecting');
      await api.refresh(used);
      continue;
    }
    opts.onNotice?.('the event stream closed; reconnecting');
    await sleep(opts.retryMs ?? 1000, signal);
  }
}
