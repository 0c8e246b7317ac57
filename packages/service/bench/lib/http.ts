/**
 * A lean keep-alive HTTP/1.1 client for the benchmarks (node:http with a keep-alive agent),
 * so the client's own cost stays small next to the server's on a 2-core machine.
 */
import http from 'node:http';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface Res {
  status: number;
  body: any;
}

export class Client {
  readonly agent: http.Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(base: string, maxSockets = 16) {
    const u = new URL(base);
    this.host = u.hostname;
    this.port = Number(u.port);
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  request(method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Res> {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: Record<string, string> = { accept: 'application/json', ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    return new Promise((resolve, reject) => {
      const req = http.request({ host: this.host, port: this.port, method, path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : null;
          } catch {
            /* keep text */
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.setNoDelay(true);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** Opens /v1/events on its own connection; `onEvent` gets each message with its arrival time. */
  openEvents(token: string, onEvent: (m: EventSourceMessage, at: number) => void): Promise<{ close(): void }> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: this.host, port: this.port, path: '/v1/events', headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, agent: false },
        (res) => {
          if (res.statusCode !== 200) {
            reject(new Error(`/v1/events answered ${res.statusCode}`));
            res.resume();
            return;
          }
          let at = 0;
          const parser = createParser({ onEvent: (m) => onEvent(m, at) });
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            at = performance.now();
            parser.feed(chunk);
          });
          res.on('error', () => undefined);
          resolve({ close: () => req.destroy() });
        },
      );
      req.on('error', (e) => reject(e));
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
