/**
 * OAuth 2.0 authorization code + PKCE for the desktop app (RFC 6749, 7636, 8252), opaque bearer
 * tokens stored only as hashes, refresh-token rotation with reuse detection, and the one-time
 * web handoff codes.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { HandoffPath } from '@cutline/contract/credit-types';
import { CLIENT_ID, REDIRECT_URI } from '@cutline/contract/oauth-client';
import type { TokenResponse } from '@cutline/contract/api';
import type { Tx } from '../../db/db';
import { userByEmail } from '../accounts/state';
import type { Ctx } from '../kernel/context';
import { invalid, ServiceError } from '../kernel/errors';
import { newSecret, sha256 } from '../kernel/ids';
import {
  authCode,
  burnAuthCode,
  burnHandoff,
  handoffByHash,
  insertAuthCode,
  insertHandoff,
  insertToken,
  readToken,
  revokeFamily,
  revokeTokenHash,
  spendToken,
  tokenByHash,
} from './oauth-records';
import { ok, okRevoking, refusedAfterCommit, transact } from '../kernel/outcome';
import { verifyPassword } from './passwords';
import type { UserRow } from '../kernel/rows';

export { CLIENT_ID };
export const REDIRECT_URIS: readonly string[] = [REDIRECT_URI];
export const CODE_TTL_MS = 60_000;
export const HANDOFF_TTL_MS = 60_000;

const unauthorized = (message: string) => new ServiceError('unauthorized', message);

export async function authenticate(ctx: Ctx, email: string, password: string): Promise<UserRow | null> {
  const user = await ctx.db.read((tx) => userByEmail(tx, email));
  if (!user) {
    // Same cost as a real check, so timing does not reveal which emails exist.
    await verifyPassword(password, 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    return null;
  }
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
  await ctx.db.transaction((tx) => insertAuthCode(tx, sha256(code), { userId, ...p, expiresAt: ctx.clock.now() + CODE_TTL_MS }));
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
  await insertToken(tx, sha256(access), { kind: 'access', userId, familyId, expiresAt: now + accessTokenTtlS * 1000 }, now);
  await insertToken(tx, sha256(refresh), { kind: 'refresh', userId, familyId, expiresAt: now + refreshTokenTtlS * 1000 }, now);
  return { access_token: access, refresh_token: refresh, token_type: 'Bearer', expires_in: accessTokenTtlS };
}

/**
 * The token family a code's redemption starts, derived from the code's hash: a replay of the code
 * finds (and revokes) every token that redemption led to, refreshed ones included, without a
 * column of its own.
 */
export const codeFamily = (codeHash: string): string => `fc_${codeHash}`;

/**
 * Redeems a single-use, short-lived code with its PKCE verifier. Any attempt burns the code; a
 * code presented again after it was used revokes the tokens its first redemption issued
 * (RFC 6749 §4.1.2: the code may have leaked).
 */
export async function redeemCode(ctx: Ctx, p: { code: string; verifier: string; redirectUri: string; clientId: string }): Promise<TokenResponse> {
  const codeHash = sha256(p.code);
  return transact(ctx, async (tx, now) => {
    const code = await authCode(tx, codeHash);
    if (!code) return refusedAfterCommit(unauthorized('the authorization code is not valid'));
    // Burned on any attempt (committed even when refused): a code is good for one try.
    await burnAuthCode(tx, codeHash);
    if (code.used) {
      return refusedAfterCommit(unauthorized('the authorization code was already used; the tokens it gave were revoked'), await revokeFamily(tx, codeFamily(codeHash)));
    }
    if (code.expiresAt <= now) return refusedAfterCommit(unauthorized('the authorization code has expired'));
    if (code.clientId !== p.clientId || code.redirectUri !== p.redirectUri) return refusedAfterCommit(invalid('client_id or redirect_uri does not match the authorization request'));
    if (!safeEqual(s256(p.verifier), code.codeChallenge)) return refusedAfterCommit(unauthorized('code_verifier does not match the code challenge'));
    return ok(await issueTokens(tx, ctx, code.userId, codeFamily(codeHash), now));
  });
}

/**
 * Rotates a refresh token: the old one is spent and a new pair issued in the same family. A spent
 * refresh token presented again means it leaked: the whole family is revoked (committed), then
 * the request refused.
 */
export async function rotateRefresh(ctx: Ctx, refreshToken: string): Promise<TokenResponse> {
  const hash = sha256(refreshToken);
  return transact(ctx, async (tx, now) => {
    const token = await tokenByHash(tx, hash);
    if (!token || token.kind !== 'refresh') throw unauthorized('the refresh token is not valid');
    if (token.revoked) throw unauthorized('the refresh token was revoked');
    if (token.used) {
      return refusedAfterCommit(unauthorized('the refresh token was already used; every session it belonged to was signed out'), await revokeFamily(tx, token.familyId));
    }
    if (token.expiresAt <= now) throw unauthorized('the refresh token has expired');
    await spendToken(tx, hash);
    return ok(await issueTokens(tx, ctx, token.userId, token.familyId, now));
  });
}

/** RFC 7009: revoking an unknown token succeeds silently. A refresh token takes its family with it. */
export async function revokeToken(ctx: Ctx, token: string): Promise<void> {
  const hash = sha256(token);
  await transact(ctx, async (tx) => {
    const t = await tokenByHash(tx, hash);
    if (t?.kind === 'refresh') return okRevoking(await revokeFamily(tx, t.familyId));
    if (t) await revokeTokenHash(tx, hash);
    return okRevoking(t ? [hash] : []);
  });
}

export interface AccessGrant {
  userId: string;
  tokenHash: string;
  expiresAt: number;
}

export async function verifyAccess(ctx: Ctx, token: string): Promise<AccessGrant | null> {
  const hash = sha256(token);
  // One statement is consistent on its own: where the engine runs a lone statement as its own
  // transaction (PostgreSQL), that is 1 round trip instead of BEGIN, SELECT, COMMIT — for every
  // API request and every stream connect.
  const t = await readToken((sql, params) => ctx.db.readOne(sql, params), hash);
  if (!t || t.kind !== 'access' || t.revoked || t.expiresAt <= ctx.clock.now()) return null;
  return { userId: t.userId, tokenHash: hash, expiresAt: t.expiresAt };
}

/**
 * A one-time, 60-second link that signs a browser in and goes to `next`. `returnTo` (a browser
 * host's loopback `/return` page, already validated) rides along as `return`, so the web pages'
 * *Return to Cutline* links reach that host.
 */
export async function createHandoff(ctx: Ctx, userId: string, next: HandoffPath, returnTo?: string): Promise<string> {
  const code = newSecret();
  await ctx.db.transaction((tx) => insertHandoff(tx, sha256(code), { userId, next, expiresAt: ctx.clock.now() + HANDOFF_TTL_MS }));
  const url = new URL('/handoff', ctx.config.publicUrl);
  url.searchParams.set('code', code);
  url.searchParams.set('next', next);
  if (returnTo) url.searchParams.set('return', returnTo);
  return url.toString();
}

/** Spends a handoff code: the user it signs in and where it was meant to go, or null. */
export async function consumeHandoff(ctx: Ctx, code: string): Promise<{ userId: string; next: HandoffPath } | null> {
  const codeHash = sha256(code);
  return ctx.db.transaction(async (tx) => {
    const h = await handoffByHash(tx, codeHash);
    if (!h) return null;
    await burnHandoff(tx, codeHash);
    if (h.used || h.expiresAt <= ctx.clock.now()) return null;
    return { userId: h.userId, next: h.next };
  });
}
