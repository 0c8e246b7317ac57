/**
 * `npm run device -- login`: sign-in in a real browser with an RFC 8252 §7.3 loopback redirect.
 * A listener on 127.0.0.1 at an ephemeral port receives the service's redirect
 * (`http://127.0.0.1:<port>/callback?code&state`), checks `state`, redeems the code with the PKCE
 * verifier, and shows the tab who is signed in.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Me, TokenResponse } from '@cutline/contract/api';
import { CliError, errorOf, jsonCall } from './api';

const CLIENT_ID = 'cutline-desktop';

export interface LoopbackResult {
  tokens: TokenResponse;
  me: Me;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `heading` is HTML: escape what comes from outside. */
function page(res: ServerResponse, status: number, title: string, heading: string): void {
  res
    .writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'referrer-policy': 'no-referrer',
    })
    .end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)} · Cutline</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:520px;margin:72px auto;padding:0 24px}</style></head><body><h1>${heading}</h1></body></html>`);
}

/**
 * Waits for the browser to come back. `onUrl` gets the authorize URL to open. Ends with the
 * tokens and the account, or a CliError (refused, timed out, aborted).
 */
export async function loopbackSignIn(
  server: string,
  opts: { onUrl(url: string): void; signal: AbortSignal; timeoutMs?: number },
): Promise<LoopbackResult> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(16).toString('base64url');
  let answer: { resolve(r: LoopbackResult): void; reject(e: Error): void };
  const done = new Promise<LoopbackResult>((resolve, reject) => (answer = { resolve, reject }));
  let redirectUri = '';
  let finished = false;

  const listener = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== '/callback') return page(res, 404, 'Not found', 'Nothing here.');
    if (finished) return page(res, 410, 'Already used', 'This sign-in has already finished. You can close this tab.');
    if (url.searchParams.get('state') !== state || !url.searchParams.get('code')) {
      // Not our sign-in (or a forged request): refuse, and keep waiting for the real one.
      return page(res, 400, 'Not this sign-in', 'This sign-in link was not started by this device. Nothing was done.');
    }
    finished = true;
    void (async () => {
      const tok = await jsonCall<TokenResponse>(server, 'POST', '/oauth/token', {
        body: { grant_type: 'authorization_code', code: url.searchParams.get('code'), code_verifier: verifier, redirect_uri: redirectUri, client_id: CLIENT_ID },
      });
      if (tok.status !== 200) throw errorOf(tok);
      const me = await jsonCall<Me>(server, 'GET', '/v1/me', { token: tok.body.access_token });
      if (me.status !== 200) throw errorOf(me);
      page(res, 200, 'Signed in', `You're signed in to Cutline as ${esc(me.body.email)} — you can close this tab`);
      answer.resolve({ tokens: tok.body, me: me.body });
    })().catch((e: unknown) => {
      const err = e instanceof CliError ? e : new CliError(e instanceof Error ? e.message : String(e), 'signin_failed');
      page(res, 502, 'Sign-in failed', `Sign-in did not finish: ${esc(err.message)}`);
      answer.reject(err);
    });
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(0, '127.0.0.1', () => resolve());
  });
  redirectUri = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/callback`;
  const timer = setTimeout(() => answer.reject(new CliError('nobody signed in within the time allowed; run login again', 'timeout')), opts.timeoutMs ?? 5 * 60_000);
  const onAbort = () => answer.reject(new CliError('sign-in cancelled', 'cancelled'));
  opts.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: redirectUri,
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    opts.onUrl(`${server}/oauth/authorize?${query}`);
    return await done;
  } finally {
    clearTimeout(timer);
    opts.signal.removeEventListener('abort', onAbort);
    listener.closeAllConnections();
    await new Promise<void>((r) => listener.close(() => r()));
  }
}
