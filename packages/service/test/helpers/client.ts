/**
 * A minimal HTTP client for tests, speaking the API of docs/api.md exactly as an outside program would:
 * PKCE sign-in through the real /oauth/authorize form, bearer calls, admin calls.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ADMIN_TOKEN } from './server';
import { fetchFrom } from './fetch-from';
import { CLIENT_ID, REDIRECT_URI } from '@cutline/contract/oauth-client';

export const DEMO_PASSWORD = 'cutline-demo';

export interface Tokens {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
}

export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

export function authorizeQuery(state: string, challenge: string): URLSearchParams {
  return new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
}

/**
 * Posts the sign-in form; returns the callback URL the browser would be sent to. `from`: another
 * client address of this machine (127.0.0.x) to post from.
 */
export async function postSignInForm(base: string, email: string, password: string, state: string, challenge: string, from?: string): Promise<Response> {
  const form = authorizeQuery(state, challenge);
  form.set('email', email);
  form.set('password', password);
  const init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() };
  return from ? fetchFrom(from, `${base}/oauth/authorize`, init) : fetch(`${base}/oauth/authorize`, { ...init, redirect: 'manual' });
}

export async function signIn(base: string, email: string, password = DEMO_PASSWORD): Promise<Tokens> {
  const { verifier, challenge } = pkce();
  const state = randomBytes(16).toString('base64url');
  const res = await postSignInForm(base, email, password, state, challenge);
  if (res.status !== 302) throw new Error(`sign-in failed with ${res.status}`);
  const cb = new URL(res.headers.get('location')!);
  if (cb.searchParams.get('state') !== state) throw new Error('state mismatch');
  const tok = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'authorization_code',
      code: cb.searchParams.get('code'),
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
      client_id: CLIENT_ID,
    }),
  });
  if (tok.status !== 200) throw new Error(`token exchange failed with ${tok.status}: ${await tok.text()}`);
  return (await tok.json()) as Tokens;
}

export interface Reply<T = any> {
  status: number;
  body: T;
}

export async function call<T = any>(base: string, method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['content-type'] ??= 'application/json';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* keep text */
  }
  return { status: res.status, body: parsed as T };
}

export const admin = <T = any>(base: string, method: string, path: string, body?: unknown) =>
  call<T>(base, method, path, { body, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

let keyN = 0;
export const newKey = () => `k-${Date.now().toString(36)}-${(keyN++).toString(36)}-${randomBytes(4).toString('hex')}`;

export const desktop = { id: 'desktop-test-1', platform: 'desktop' as const };
export const phone = { id: 'phone-test-1', platform: 'mobile' as const };

/** Holds a tool's cost with a fresh idempotency key. */
export function charge(base: string, token: string, tool: string, device: { id: string; platform: 'desktop' | 'web' | 'mobile' } = desktop, key = newKey()) {
  return call(base, 'POST', '/v1/charges', { token, body: { tool, quantity: 1, device }, headers: { 'idempotency-key': key } });
}

/** Creates a user through the admin API and signs them in. */
export async function newUser(base: string, fields: Record<string, unknown> = {}): Promise<{ id: string; email: string; tokens: Tokens }> {
  const email = `u-${randomBytes(6).toString('hex')}@cutline.test`;
  const password = 'password-123';
  const r = await admin(base, 'POST', '/admin/v1/users', { email, password, plan: 'free', ...fields });
  if (r.status !== 201) throw new Error(`create user: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.id, email, tokens: await signIn(base, email, password) };
}

export async function grant(base: string, userId: string, type: string, amount: number, expiresAt: string | null = null, source = 'test') {
  const r = await admin(base, 'POST', '/admin/v1/grants', { userId, type, amount, expiresAt, source });
  if (r.status !== 201) throw new Error(`grant: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
