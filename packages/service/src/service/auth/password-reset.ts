/**
 * "Forgot password": a one-time link by mail, valid 30 minutes, that sets a new password.
 *
 * Asking always answers the same, whether the email has an account or not; a known account gets
 * the link (at most 5 mails to one address per 15 minutes), and one client address may ask 20
 * times per 15 minutes. Setting the password uses the link up, burns the account's other reset
 * links, and signs the account out everywhere: every token revoked (its event streams end at once,
 * on every instance: `okRevokingUsers`), every web session deleted, unused codes burned — all in
 * one transaction with the new password and the "your password was changed" mail.
 */
import type { Ctx } from '../kernel/context';
import { ok, okRevokingUsers, transact } from '../kernel/outcome';
import { setPassword } from '../accounts/records';
import { getUser, userByEmail } from '../accounts/state';
import { mayMail, publicLink, queueMail } from '../mail/outbox-mail';
import { passwordChangedMail, resetMail } from '../mail/templates';
import { burnLinks, createLink, LINK_TTL_MS, linkState, useLink, type LinkState } from './account-links';
import { revokeUserCredentials } from './oauth-records';
import { hashPassword } from './passwords';
import { countHits } from './rate-counters';
import { deleteUserSessions } from './web-sessions';

/** "Forgot password" requests from one client address: at most 20 per 15 minutes. */
export const FORGOT_LIMIT = { hits: 20, windowMs: 15 * 60_000 } as const;

/** Asks for a reset link for `email` (trimmed, lower-cased): 'throttled' (429) or 'asked' — the same for every email. */
export async function requestPasswordReset(ctx: Ctx, email: string, address: string): Promise<'asked' | 'throttled'> {
  const [fromHere] = await countHits(ctx, [`forgot:addr:${address}`], FORGOT_LIMIT.windowMs);
  if (fromHere.hits > FORGOT_LIMIT.hits) return 'throttled';
  if (!(await mayMail(ctx, email))) return 'asked';
  const queued = await transact(ctx, async (tx, now) => {
    const user = await userByEmail(tx, email);
    if (!user) return ok(false);
    const token = await createLink(tx, user.id, 'reset', now);
    await queueMail(tx, resetMail(user.email, publicLink(ctx, '/reset', { token }), LINK_TTL_MS.reset / 60_000), now);
    return ok(true);
  });
  if (queued) ctx.wakeOutbox?.();
  return 'asked';
}

/** What a reset link is, as its page shows it (`valid`, or used / expired / unknown: 410). */
export async function resetLinkState(ctx: Ctx, token: string): Promise<LinkState['state']> {
  return (await ctx.db.read((tx) => linkState(tx, token, 'reset', ctx.clock.now()))).state;
}

/** Sets the password with a reset link; the link's state when it cannot (`used`, `expired`, `unknown`). */
export async function resetPassword(ctx: Ctx, token: string, password: string): Promise<LinkState['state']> {
  // Hashing costs ~100 ms of CPU: only for a link that can be used (checked again in the transaction).
  const before = await resetLinkState(ctx, token);
  if (before !== 'valid') return before;
  const passwordHash = await hashPassword(password);
  const state = await transact(ctx, async (tx, now) => {
    const link = await linkState(tx, token, 'reset', now);
    if (link.state !== 'valid') return ok<LinkState['state']>(link.state);
    if (!(await useLink(tx, token, 'reset', now))) return ok<LinkState['state']>('used'); // another request used it just now
    const user = await getUser(tx, link.userId);
    if (!user) return ok<LinkState['state']>('unknown');
    await setPassword(tx, user.id, passwordHash, now);
    await burnLinks(tx, user.id, 'reset', now);
    await revokeUserCredentials(tx, user.id);
    await deleteUserSessions(tx, user.id);
    await queueMail(tx, passwordChangedMail(user.email, publicLink(ctx, '/forgot')), now);
    return okRevokingUsers<LinkState['state']>('valid', [user.id]);
  });
  if (state === 'valid') ctx.wakeOutbox?.();
  return state;
}
