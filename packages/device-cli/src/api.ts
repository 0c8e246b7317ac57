/**
 * HTTP calls to the credit service, speaking the API of docs/api.md as any outside program would: the PKCE
 * sign-in through the real /oauth/authorize form, bearer calls that refresh (and rotate) the
 * tokens once on a 401, and admin calls.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { TokenResponse } from '@cutline/contract/api';
import { CLIENT_ID, REDIRECT_URI } from '@cutline/contract/oauth-client';
import type { Session, TokenStore } from './token-store';

/** A failure to report: one line on stderr, exit code 1. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code = 'error',
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
}


function unreachable(server: string, e: unknown): CliError {
  const cause = (e as { cause?: { code?: string } }).cause?.code;
  return new CliError(`cannot reach the credit service at ${server}${cause ? ` (${cause})` : ''}; is it running? (npm run server)`, 'unreachable');
}

/** fetch that turns connection failures into one clear CliError. */
export async function send(server: string, path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(server + path, init);
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw unreachable(server, e);
  }
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The service's error body as a CliError (its `message`, or the status). */
export function errorOf(r: Reply): CliError {
  const b = r.body as { error?: string; message?: string } | null;
  if (b && typeof b === 'object' && typeof b.message === 'string') {
    return new CliError(`${b.message} (${r.status} ${b.error ?? 'error'})`, b.error ?? 'error', b as Record<string, unknown>);
  }
  return new CliError(`the service answered ${r.status}`, 'http_' + r.status);
}

export async function jsonCall<T>(server: string, method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  const res = await send(server, path, { method, headers, body });
  return { status: res.status, body: (await readBody(res)) as T };
}

// ---- sign-in ---------------------------------------------------------------------------------

/**
 * OAuth 2.0 authorization code + PKCE (RFC 7636 S256) through the real sign-in form: GET the page,
 * POST the form without following the redirect, read the cutline:// callback, check `state`,
 * then redeem the code with the verifier.
 */
export async function pkceSignIn(server: string, email: string, password: string): Promise<TokenResponse> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(16).toString('base64url');
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const page = await send(server, `/oauth/authorize?${query}`, { headers: { accept: 'text/html' } });
  await page.arrayBuffer();
  if (page.status !== 200) throw new CliError(`the sign-in page answered ${page.status}`, 'signin_failed');

  const form = new URLSearchParams(query);
  form.set('email', email);
  form.set('password', password);
  const res = await send(server, '/oauth/authorize', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    body: form.toString(),
    redirect: 'manual',
  });
  const html = await res.text();
  if (res.status !== 302) {
    const shown = /role="alert">([^<]*)</.exec(html)?.[1];
    const why = shown ? decodeEntities(shown) : `the sign-in form answered ${res.status}`;
    throw new CliError(`sign-in failed for ${email}: ${why}`, res.status === 429 ? 'rate_limited' : 'unauthorized');
  }
  const location = res.headers.get('location') ?? '';
  let cb: URL;
  try {
    cb = new URL(location);
  } catch {
    throw new CliError(`sign-in redirected to an unexpected place: ${location}`, 'signin_failed');
  }
  if (`${cb.protocol}//${cb.host}${cb.pathname}` !== REDIRECT_URI) throw new CliError(`sign-in redirected to ${cb.protocol}//${cb.host}${cb.pathname}, not ${REDIRECT_URI}`, 'signin_failed');
  if (cb.searchParams.get('state') !== state) throw new CliError('sign-in callback carried a state this device did not issue; ignored', 'signin_failed');
  const code = cb.searchParams.get('code');
  if (!code) throw new CliError('sign-in callback carried no code', 'signin_failed');

  const tok = await jsonCall<TokenResponse>(server, 'POST', '/oauth/token', {
    body: { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI, client_id: CLIENT_ID },
  });
  if (tok.status !== 200) throw errorOf(tok);
  return tok.body;
}

function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[e] ?? _);
}

// ---- a signed-in device ------------------------------------------------------------------------

/** Bearer calls for one stored session; a 401 refreshes (rotates) the tokens once and retries. */
export class DeviceApi {
  constructor(
    public session: Session,
    private readonly store: TokenStore,
    private readonly now: () => number = Date.now,
  ) {}

  get server(): string {
    return this.session.server;
  }

  async call<T>(method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply<T>> {
    const used = this.session.accessToken;
    const r = await jsonCall<T>(this.server, method, path, { ...opts, token: used });
    if (r.status !== 401) return r;
    await this.refresh(used);
    return jsonCall<T>(this.server, method, path, { ...opts, token: this.session.accessToken });
  }

  /** Like call, but anything other than 2xx is a CliError. */
  async ok<T>(method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
    const r = await this.call<T>(method, path, opts);
    if (r.status < 200 || r.status > 299) throw errorOf(r);
    return r.body;
  }

  /**
   * Gets a fresh pair with the refresh token and saves it (the old refresh token is spent: the
   * service rotates it). If another process already rotated the stored pair, uses that instead of
   * presenting a spent token, which the service would treat as a leak and sign every session out.
   */
  async refresh(staleAccess: string): Promise<void> {
    const stored = this.store.load(this.session.email);
    if (stored && stored.server === this.server && stored.accessToken !== staleAccess) {
      this.session = stored;
      return;
    }
    const r = await jsonCall<TokenResponse>(this.server, 'POST', '/oauth/token', {
      body: { grant_type: 'refresh_token', refresh_token: this.session.refreshToken, client_id: CLIENT_ID },
    });
    if (r.status !== 200) {
      throw new CliError(
        `the session for ${this.session.email} has ended (${errorOf(r).message}); sign in again: npm run device -- signin --email ${this.session.email}`,
        'unauthorized',
      );
    }
    this.session = {
      ...this.session,
      accessToken: r.body.access_token,
      refreshToken: r.body.refresh_token,
      accessExpiresAt: this.now() + r.body.expires_in * 1000,
      savedAt: new Date(this.now()).toISOString(),
    };
    this.store.save(this.session);
  }
}
