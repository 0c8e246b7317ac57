/**
 * One delivery attempt: POST the body to the checked address (address-check.ts) — the connection
 * goes to the address that was checked, whatever the name resolves to by then, while TLS still
 * verifies the certificate for the URL's host name — and report the answer's status. Redirects are
 * not followed (a 3xx is a failure like any other non-2xx), no connection is reused, and an attempt
 * that has no answer within `timeoutMs` (10 s) is cut, so a receiver that hangs never holds the
 * worker.
 */
import type { LookupFunction } from 'node:net';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { CheckedTarget } from './address-check';

/** A failed attempt: the receiver's status when it answered (`null`: no answer — refused, cut, unreachable). */
export class AttemptFailed extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

/** The system resolver is never asked: the connection goes to the checked address. */
function pinnedLookup(target: CheckedTarget): LookupFunction {
  return ((_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    if (options?.all) cb(null, [{ address: target.address, family: target.family }]);
    else cb(null, target.address, target.family);
  }) as unknown as LookupFunction;
}

/** POSTs `body`; resolves with a 2xx status, or throws `AttemptFailed`. */
export function postOnce(
  target: CheckedTarget,
  body: string,
  headers: Record<string, string>,
  opts: { timeoutMs: number; signal?: AbortSignal },
): Promise<number> {
  const request = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    let settled = false;
    const done = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const req = request(target.url, {
      method: 'POST',
      agent: false,
      lookup: pinnedLookup(target),
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'Cutline-Webhooks/1',
      },
      signal: opts.signal,
    });
    const timer = setTimeout(() => {
      done(() => reject(new AttemptFailed(`no answer within ${opts.timeoutMs / 1000} s`, null)));
      req.destroy();
    }, opts.timeoutMs);
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      res.destroy(); // the body is not read
      done(() => (status >= 200 && status < 300 ? resolve(status) : reject(new AttemptFailed(`the receiver answered ${status}`, status))));
    });
    req.on('error', (e) => done(() => reject(new AttemptFailed(opts.signal?.aborted ? 'stopped before an answer' : `could not deliver: ${e.message}`, null))));
    req.end(body);
  });
}
