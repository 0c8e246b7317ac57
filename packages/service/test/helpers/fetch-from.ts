/**
 * `fetch` from another client address of this machine (127.0.0.x): what a second person, on
 * another network, looks like to the service — it sees the connection's source address. Redirects
 * are not followed (as `redirect: 'manual'`). Only loopback addresses are ever used.
 */
import { request } from 'node:http';

export interface FromInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export function fetchFrom(localAddress: string, url: string, init: FromInit = {}): Promise<Response> {
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(localAddress)) throw new Error(`not a loopback address: ${localAddress}`);
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method: init.method ?? 'GET', headers: init.headers, localAddress },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) headers.append(k, one);
          const status = res.statusCode ?? 0;
          resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers }));
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}
