/**
 * Browser sessions for the web pages. The cookie carries a 256-bit random secret; the server
 * keeps only its SHA-256 (`web_sessions.id_hash`), the user, an expiry and the session's CSRF
 * synchronizer token. A session is created at each sign-in (never reused across sign-ins, so a
 * planted cookie cannot be elevated) and deleted at sign-out.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Tx } from '../../db/db';
import { getUser } from '../accounts/state';
import type { Ctx } from '../kernel/context';
import { newSecret, sha256 } from '../kernel/ids';

/** Sessions last 7 days from sign-in. */
export const SESSION_TTL_MS = 7 * 86_400_000;

export interface WebSession {
  idHash: string;
  userId: string;
  csrf: string;
  expiresAt: number;
}

/** Creates a session for `userId`; returns the cookie secret (shown once) and the session. */
export async function createSession(ctx: Ctx, userId: string): Promise<{ secret: string; session: WebSession }> {
  const secret = newSecret();
  const session: WebSession = { idHash: sha256(secret), userId, csrf: newSecret(), expiresAt: 0 };
  await ctx.db.transaction(async (tx) => {
    const now = ctx.clock.now();
    session.expiresAt = now + SESSION_TTL_MS;
    // Housekeeping on the way: sessions past their expiry are useless (index on expires_at).
    await tx.run('DELETE FROM web_sessions WHERE expires_at <= ?', [now]);
    await tx.run('INSERT INTO web_sessions (id_hash, user_id, csrf, expires_at, created_at) VALUES (?, ?, ?, ?, ?)', [
      session.idHash,
      userId,
      session.csrf,
      session.expiresAt,
      now,
    ]);
  });
  return { secret, session };
}

/** The live session a cookie secret names, or null (unknown, malformed or expired). */
export async function findSession(ctx: Ctx, secret: string | undefined): Promise<WebSession | null> {
  if (!secret || !/^[A-Za-z0-9_-]{20,128}$/.test(secret)) return null;
  const row = await ctx.db.read((tx) =>
    tx.get<{ id_hash: string; user_id: string; csrf: string; expires_at: unknown }>('SELECT id_hash, user_id, csrf, expires_at FROM web_sessions WHERE id_hash = ?', [
      sha256(secret),
    ]),
  );
  if (!row || Number(row.expires_at) <= ctx.clock.now()) return null;
  return { idHash: row.id_hash, userId: row.user_id, csrf: row.csrf, expiresAt: Number(row.expires_at) };
}

/** A live session with its user's email: what "Continue as <email>" on the desktop's sign-in page offers. */
export interface SignedInSession {
  session: WebSession;
  email: string;
}

/** The live session a cookie secret names, with its user's email, or null. */
export async function sessionWithEmail(ctx: Ctx, secret: string | undefined): Promise<SignedInSession | null> {
  const session = await findSession(ctx, secret);
  if (!session) return null;
  const user = await ctx.db.read((tx) => getUser(tx, session.userId));
  return user ? { session, email: user.email } : null;
}

/** Ends a session (sign-out). Unknown sessions end silently. */
export async function endSession(ctx: Ctx, idHash: string): Promise<void> {
  await ctx.db.transaction((tx) => tx.run('DELETE FROM web_sessions WHERE id_hash = ?', [idHash]));
}

/** Ends every session of the account (a password reset), in the caller's transaction. */
export async function deleteUserSessions(tx: Tx, userId: string): Promise<void> {
  await tx.run('DELETE FROM web_sessions WHERE user_id = ?', [userId]);
}

/** Constant-time comparison of a submitted CSRF token with the expected one. */
export function tokensMatch(submitted: unknown, expected: string): boolean {
  if (typeof submitted !== 'string' || submitted.length === 0 || expected.length === 0) return false;
  const a = Buffer.from(submitted);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
