/**
 * OAuth 2.0 authorization code + PKCE for the desktop app (RFC 6749, 7636, 8252), opaque bearer
 * tokens stored only as hashes, refresh-token rotation with reuse detection, and the one-time
 * web handoff codes.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { HandoffPath } from '@cutline/contract/credit-types';
import { CLIENT_ID, REDIRECT_URI } from '@cutline/contract/oauth-client';
import type { TokenResponse } from '@cutline/contract/api';
import type { Tx } from '../store/db';
import type { Ctx } from './context';
import { invalid, ServiceError } from './errors';
import { newSecret, sha256 } from './ids';
import { verifyPassword } from './passwords';
import { userRow, type UserRow } from './rows';

export { CLIENT_ID };
export const REDIRECT_URIS: readonly string[] = [REDIRECT_URI];
export const CODE_TTL_MS = 60_000;
export const HANDOFF_TTL_MS = 60_000;

const unauthorized = (message: string) => new ServiceError('unauthorized', message);

export async function authenticate(ctx: Ctx, email: string, password: string): Promise<UserRow | null> {
  const row = await ctx.db.read((tx) => tx.get('SELECT * FROM users WHERE email = ?', [email.trim().toLowerCase()]));
  if (!row) {
    // Same cost as a real check, so timing does not reveal which emails exist.
    await verifyPassword(password, 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    return null;
  }
  const user = userRow(row);
  return (await verifyPassword(password, user.password_hash)) ? user : null;
}

/**
 * RFC 8252 §7.3 loopback redirect: `http://127.0.0.1:{port}/callback`, any port 1–65535, that
 * exact path, no query, fragment or credentials. Not `localhost` (a name can be made to resolve
 * elsewhere) and no other host or path. The port is chosen by the client at sign-in time.
 */
export const LOOPBACK_REDIRECT = /^http:\/\/127\.0\.0\.1:([1-9][0-9]{0,4})\/callback$/;

export function isLoopbackRedirect(uri: string): boolean {
  const m = LOOPBACK_REDIRECT.exec(uri);
  return m !== null && Number(m[1]) <= 65535;
}

export function checkClient(clientId: string, redirectUri: string): void {
  if (clientId !== CLIENT_ID) throw invalid('unknown client_id');
  if (!REDIRECT_URIS.includes(redirectUri) && !isLoopbackRedirect(redirectUri)) throw invalid('redirect_uri is not registered for this client');
}

export async function issueCode(ctx: Ctx, userId: string, p: { clientId: string; redirectUri: string; codeChallenge: string }): Promise<string> {
  const code = newSecret();
  await ctx.db.transaction((tx) =>
    tx.run(
      'INSERT INTO auth_codes (code_hash, user_id, client_id, redirect_uri, code_challenge, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      [sha256(code), userId, p.clientId, p.redirectUri, p.codeChallenge, ctx.clock.now() + CODE_TTL_MS],
    ),
  );
  return code;
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function issueTokens(tx: Tx, ctx: Ctx, userId: string, familyId: string, now: number): Promise<TokenResponse> {
  const access = newSecret();
  const refresh = newSecret();
  const { accessTokenTtlS, refreshTokenTtlS } = ctx.config;
  const ins = 'INSERT INTO tokens (token_hash, kind, user_id, family_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)';
  await tx.run(ins, [sha256(access), 'access', userId, familyId, now + accessTokenTtlS * 1000, now]);
  await tx.run(ins, [sha256(refresh), 'refresh', userId, familyId, now + refreshTokenTtlS * 1000, now]);
  return { access_token: access, refresh_token: refresh, token_type: 'Bearer', expires_in: accessTokenTtlS };
}

/**
 * The token family a code's redemption starts, derived from the code's hash: a replay of the code
 * finds (and revokes) every token that redemption led to, refreshed ones included, without a
 * column of its own.
 */
export const codeFamily = (codeHash: string): string => `fc_${codeHash}`;

/** Revokes a family's tokens; returns the access-token hashes so open streams end too. */
async function revokeFamily(tx: Tx, familyId: string): Promise<string[]> {
  await tx.run('UPDATE tokens SET revoked = 1 WHERE family_id = ?', [familyId]);
  return (await tx.all<{ token_hash: string }>("SELECT token_hash FROM tokens WHERE family_id = ? AND kind = 'access'", [familyId])).map((a) => a.token_hash);
}

/**
 * Redeems a single-use, short-lived code with its PKCE verifier. Any attempt burns the code; a
 * code presented again after it was used revokes the tokens its first redemption issued
 * (RFC 6749 §4.1.2: the code may have leaked).
 */
export async function redeemCode(ctx: Ctx, p: { code: string; verifier: string; redirectUri: string; clientId: string }): Promise<TokenResponse> {
  const codeHash = sha256(p.code);
  const out = await ctx.db.transaction(async (tx): Promise<TokenResponse | { refused: ServiceError; revoked: string[] }> => {
    const now = ctx.clock.now();
    const refuse = (e: ServiceError, revoked: string[] = []) => ({ refused: e, revoked });
    const row = await tx.get<{ user_id: string; client_id: string; redirect_uri: string; code_challenge: string; expires_at: unknown; used: unknown }>(
      'SELECT * FROM auth_codes WHERE code_hash = ?',
      [codeHash],
    );
    if (!row) return refuse(unauthorized('the authorization code is not valid'));
    // Burned on any attempt (committed even when refused): a code is good for one try.
    await tx.run('UPDATE auth_codes SET used = 1 WHERE code_hash = ?', [codeHash]);
    if (Number(row.used) === 1) {
      return refuse(unauthorized('the authorization code was already used; the tokens it gave were revoked'), await revokeFamily(tx, codeFamily(codeHash)));
    }
    if (Number(row.expires_at) <= now) return refuse(unauthorized('the authorization code has expired'));
    if (row.client_id !== p.clientId || row.redirect_uri !== p.redirectUri) return refuse(invalid('client_id or redirect_uri does not match the authorization request'));
    if (!safeEqual(s256(p.verifier), row.code_challenge)) return refuse(unauthorized('code_verifier does not match the code challenge'));
    return issueTokens(tx, ctx, row.user_id, codeFamily(codeHash), now);
  });
  if ('refused' in out) {
    for (const h of out.revoked) ctx.hub.revoke(h);
    throw out.refused;
  }
  return out;
}

/**
 * Rotates a refresh token: the old one is spent and a new pair issued in the same family. A spent
 * refresh token presented again means it leaked: the whole family is revoked.
 */
export async function rotateRefresh(ctx: Ctx, refreshToken: string): Promise<TokenResponse> {
  const hash = sha256(refreshToken);
  const out = await ctx.db.transaction(async (tx) => {
    const now = ctx.clock.now();
    const row = await tx.get<{ user_id: string; family_id: string; expires_at: unknown; revoked: unknown; used: unknown; kind: string }>(
      'SELECT * FROM tokens WHERE token_hash = ?',
      [hash],
    );
    if (!row || row.kind !== 'refresh') throw unauthorized('the refresh token is not valid');
    if (Number(row.revoked) === 1) throw unauthorized('the refresh token was revoked');
    if (Number(row.used) === 1) {
      // Reuse: the token leaked. Revoke the family (committed), then refuse.
      return { reused: await revokeFamily(tx, row.family_id) };
    }
    if (Number(row.expires_at) <= now) throw unauthorized('the refresh token has expired');
    await tx.run('UPDATE tokens SET used = 1 WHERE token_hash = ?', [hash]);
    return { tokens: await issueTokens(tx, ctx, row.user_id, row.family_id, now) };
  });
  if (out.tokens) return out.tokens;
  for (const h of out.reused ?? []) ctx.hub.revoke(h);
  throw unauthorized('the refresh token was already used; every session it belonged to was signed out');
}

/** RFC 7009: revoking an unknown token succeeds silently. A refresh token takes its family with it. */
export async function revokeToken(ctx: Ctx, token: string): Promise<void> {
  const hash = sha256(token);
  const revoked = await ctx.db.transaction(async (tx) => {
    const row = await tx.get<{ kind: string; family_id: string }>('SELECT kind, family_id FROM tokens WHERE token_hash = ?', [hash]);
    if (!row) return [];
    if (row.kind === 'refresh') {
      await tx.run('UPDATE tokens SET revoked = 1 WHERE family_id = ?', [row.family_id]);
      return (await tx.all<{ token_hash: string }>("SELECT token_hash FROM tokens WHERE family_id = ? AND kind = 'access'", [row.family_id])).map((r) => r.token_hash);
    }
    await tx.run('UPDATE tokens SET revoked = 1 WHERE token_hash = ?', [hash]);
    return [hash];
  });
  for (const h of revoked) ctx.hub.revoke(h);
}

export interface AccessGrant {
  userId: string;
  tokenHash: string;
  expiresAt: number;
}

export async function verifyAccess(ctx: Ctx, token: string): Promise<AccessGrant | null> {
  const hash = sha256(token);
  type TokenRow = { user_id: string; expires_at: unknown; revoked: unknown; kind: string };
  const sql = 'SELECT user_id, expires_at, revoked, kind FROM tokens WHERE token_hash = ?';
  // One statement is consistent on its own: where the engine runs a lone statement as its own
  // transaction (PostgreSQL), that is 1 round trip instead of BEGIN, SELECT, COMMIT — for every
  // API request and every stream connect.
  const row = ctx.db.callStep ? await ctx.db.callStep<TokenRow>(sql, [hash]) : await ctx.db.read((tx) => tx.get<TokenRow>(sql, [hash]));
  if (!row || row.kind !== 'access' || Number(row.revoked) === 1 || Number(row.expires_at) <= ctx.clock.now()) return null;
  return { userId: row.user_id, tokenHash: hash, expiresAt: Number(row.expires_at) };
}

/**
 * A one-time, 60-second link that signs a browser in and goes to `next`. `returnTo` (a browser
 * host's loopback `/return` page, already validated) rides along as `return`, so the web pages'
 * *Return to Cutline* links reach that host.
 */
export async function createHandoff(ctx: Ctx, userId: string, next: HandoffPath, returnTo?: string): Promise<string> {
  const code = newSecret();
  await ctx.db.transaction((tx) =>
    tx.run('INSERT INTO handoff_codes (code_hash, user_id, next, expires_at) VALUES (?, ?, ?, ?)', [sha256(code), userId, next, ctx.clock.now() + HANDOFF_TTL_MS]),
  );
  const url = new URL('/handoff', ctx.config.publicUrl);
  url.searchParams.set('code', code);
  url.searchParams.set('next', next);
  if (returnTo) url.searchParams.set('return', returnTo);
  return url.toString();
}

/** Spends a handoff code: the user it signs in and where it was meant to go, or null. */
export async function consumeHandoff(ctx: Ctx, code: string): Promise<{ userId: string; next: HandoffPath } | null> {
  return ctx.db.transaction(async (tx) => {
    const row = await tx.get<{ user_id: string; next: HandoffPath; expires_at: unknown; used: unknown }>('SELECT * FROM handoff_codes WHERE code_hash = ?', [sha256(code)]);
    if (!row) return null;
    await tx.run('UPDATE handoff_codes SET used = 1 WHERE code_hash = ?', [sha256(code)]);
    if (Number(row.used) === 1 || Number(row.expires_at) <= ctx.clock.now()) return null;
    return { userId: row.user_id, next: row.next };
  });
}
