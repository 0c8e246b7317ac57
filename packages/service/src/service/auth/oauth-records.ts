/**
 * The OAuth aggregates' storage: authorization codes, bearer tokens (access and refresh, in
 * families) and web handoff codes — their SQL and typed rows. Secrets are stored only as hashes.
 */
import type { HandoffPath } from '@cutline/contract/credit-types';
import type { Tx } from '../../db/db';

const flag = (v: unknown): boolean => Number(v) === 1;

export interface AuthCode {
  userId: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  expiresAt: number;
  used: boolean;
}

interface AuthCodeRow {
  user_id: string;
  client_id: string;
  redirect_uri: string;
  code_challenge: string;
  expires_at: unknown;
  used: unknown;
}

export async function insertAuthCode(tx: Tx, codeHash: string, c: Omit<AuthCode, 'used'>): Promise<void> {
  await tx.run(
    'INSERT INTO auth_codes (code_hash, user_id, client_id, redirect_uri, code_challenge, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
    [codeHash, c.userId, c.clientId, c.redirectUri, c.codeChallenge, c.expiresAt],
  );
}

export async function authCode(tx: Tx, codeHash: string): Promise<AuthCode | undefined> {
  const r = await tx.get<AuthCodeRow>('SELECT * FROM auth_codes WHERE code_hash = ?', [codeHash]);
  return r && { userId: r.user_id, clientId: r.client_id, redirectUri: r.redirect_uri, codeChallenge: r.code_challenge, expiresAt: Number(r.expires_at), used: flag(r.used) };
}

export async function burnAuthCode(tx: Tx, codeHash: string): Promise<void> {
  await tx.run('UPDATE auth_codes SET used = 1 WHERE code_hash = ?', [codeHash]);
}

export interface Token {
  kind: 'access' | 'refresh';
  userId: string;
  familyId: string;
  expiresAt: number;
  revoked: boolean;
  used: boolean;
}

interface TokenRow {
  kind: 'access' | 'refresh';
  user_id: string;
  family_id: string;
  expires_at: unknown;
  revoked: unknown;
  used: unknown;
}

const tokenOf = (r: TokenRow): Token => ({
  kind: r.kind,
  userId: r.user_id,
  familyId: r.family_id,
  expiresAt: Number(r.expires_at),
  revoked: flag(r.revoked),
  used: flag(r.used),
});

const TOKEN_BY_HASH = 'SELECT kind, user_id, family_id, expires_at, revoked, used FROM tokens WHERE token_hash = ?';

/** A token by its hash, read by `get`: a transaction's, or (the bearer check) the engine's one-statement `readOne`. */
export async function readToken(get: (sql: string, params: readonly unknown[]) => Promise<unknown>, hash: string): Promise<Token | undefined> {
  const r = (await get(TOKEN_BY_HASH, [hash])) as TokenRow | undefined;
  return r && tokenOf(r);
}

export const tokenByHash = (tx: Tx, hash: string): Promise<Token | undefined> => readToken((sql, params) => tx.get(sql, params), hash);

export async function insertToken(tx: Tx, hash: string, t: Omit<Token, 'revoked' | 'used'>, now: number): Promise<void> {
  await tx.run('INSERT INTO tokens (token_hash, kind, user_id, family_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
    hash, t.kind, t.userId, t.familyId, t.expiresAt, now,
  ]);
}

export async function spendToken(tx: Tx, hash: string): Promise<void> {
  await tx.run('UPDATE tokens SET used = 1 WHERE token_hash = ?', [hash]);
}

export async function revokeTokenHash(tx: Tx, hash: string): Promise<void> {
  await tx.run('UPDATE tokens SET revoked = 1 WHERE token_hash = ?', [hash]);
}

/** Revokes a family's tokens; returns the access-token hashes so open streams end too. */
export async function revokeFamily(tx: Tx, familyId: string): Promise<string[]> {
  await tx.run('UPDATE tokens SET revoked = 1 WHERE family_id = ?', [familyId]);
  const rows = await tx.all<{ token_hash: string }>("SELECT token_hash FROM tokens WHERE family_id = ? AND kind = 'access'", [familyId]);
  return rows.map((a) => a.token_hash);
}

/**
 * Everything that signs the account in, revoked at once (a password reset): every token (so
 * refreshing fails too), and the codes and handoff links not yet used.
 */
export async function revokeUserCredentials(tx: Tx, userId: string): Promise<void> {
  await tx.run('UPDATE tokens SET revoked = 1 WHERE user_id = ? AND revoked = 0', [userId]);
  await tx.run('UPDATE auth_codes SET used = 1 WHERE user_id = ? AND used = 0', [userId]);
  await tx.run('UPDATE handoff_codes SET used = 1 WHERE user_id = ? AND used = 0', [userId]);
}

export interface Handoff {
  userId: string;
  next: HandoffPath;
  expiresAt: number;
  used: boolean;
}

export async function insertHandoff(tx: Tx, codeHash: string, h: Omit<Handoff, 'used'>): Promise<void> {
  await tx.run('INSERT INTO handoff_codes (code_hash, user_id, next, expires_at) VALUES (?, ?, ?, ?)', [codeHash, h.userId, h.next, h.expiresAt]);
}

export async function handoffByHash(tx: Tx, codeHash: string): Promise<Handoff | undefined> {
  const r = await tx.get<{ user_id: string; next: HandoffPath; expires_at: unknown; used: unknown }>('SELECT * FROM handoff_codes WHERE code_hash = ?', [codeHash]);
  return r && { userId: r.user_id, next: r.next, expiresAt: Number(r.expires_at), used: flag(r.used) };
}

export async function burnHandoff(tx: Tx, codeHash: string): Promise<void> {
  await tx.run('UPDATE handoff_codes SET used = 1 WHERE code_hash = ?', [codeHash]);
}
