/**
 * One-time links sent by mail: `verify` (confirm the address, after a sign-up) and `reset` (set a
 * new password). The mail carries a 256-bit secret; the database keeps only its SHA-256, the
 * account, the purpose, the expiry and when it was used. Using a link is one conditional UPDATE,
 * so of two concurrent uses exactly one wins.
 */
import type { Tx } from '../../db/db';
import type { Ctx } from '../kernel/context';
import { newSecret, sha256 } from '../kernel/ids';

export type LinkPurpose = 'verify' | 'reset';

/** How long a link works: a reset link 30 minutes, a confirmation link 7 days. */
export const LINK_TTL_MS: Record<LinkPurpose, number> = { reset: 30 * 60_000, verify: 7 * 86_400_000 };

/** What a link is when someone opens it. */
export type LinkState = { state: 'valid'; userId: string } | { state: 'used' | 'expired' | 'unknown' };

/** A token that can name a link at all (anything else is `unknown` without a lookup). */
export const isLinkToken = (token: unknown): token is string => typeof token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(token);

/** A new link for `userId`; returns the secret (put in the mail, never stored). */
export async function createLink(tx: Tx, userId: string, purpose: LinkPurpose, now: number): Promise<string> {
  const token = newSecret();
  await tx.run('INSERT INTO account_links (token_hash, user_id, purpose, expires_at, created_at) VALUES (?, ?, ?, ?, ?)', [
    sha256(token),
    userId,
    purpose,
    now + LINK_TTL_MS[purpose],
    now,
  ]);
  return token;
}

export async function linkState(tx: Tx, token: string, purpose: LinkPurpose, now: number): Promise<LinkState> {
  if (!isLinkToken(token)) return { state: 'unknown' };
  const r = await tx.get<{ user_id: string; expires_at: unknown; used_at: unknown }>('SELECT user_id, expires_at, used_at FROM account_links WHERE token_hash = ? AND purpose = ?', [
    sha256(token),
    purpose,
  ]);
  if (!r) return { state: 'unknown' };
  if (r.used_at !== null && r.used_at !== undefined) return { state: 'used' };
  if (Number(r.expires_at) <= now) return { state: 'expired' };
  return { state: 'valid', userId: r.user_id };
}

/** Uses the link: true for the one caller that burned a valid, unused link. */
export async function useLink(tx: Tx, token: string, purpose: LinkPurpose, now: number): Promise<boolean> {
  const r = await tx.run('UPDATE account_links SET used_at = ? WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?', [now, sha256(token), purpose, now]);
  return r.changes === 1;
}

/** Burns every unused link of the account for `purpose` (a reset makes the other reset links useless). */
export async function burnLinks(tx: Tx, userId: string, purpose: LinkPurpose, now: number): Promise<void> {
  await tx.run('UPDATE account_links SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL', [now, userId, purpose]);
}

/**
 * The sweep: links that ended more than a day ago (until then a late click still hears "already
 * used" or "expired"). Reads first, so an idle sweep costs no write transaction.
 */
export async function pruneAccountLinks(ctx: Ctx): Promise<void> {
  const cutoff = ctx.clock.now() - 86_400_000;
  const stale = await ctx.db.read((tx) => tx.get('SELECT 1 AS x FROM account_links WHERE expires_at < ? LIMIT 1', [cutoff]));
  if (stale) await ctx.db.transaction((tx) => tx.run('DELETE FROM account_links WHERE expires_at < ?', [cutoff]));
}
