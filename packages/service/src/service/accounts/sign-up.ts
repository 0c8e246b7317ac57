/**
 * Opening an account on the web, and confirming its address.
 *
 * A sign-up answers the same whether the email is free or taken (no account enumeration): the
 * password is hashed either way (the same cost), a free email gets a new account on the free plan
 * and a confirmation mail, a taken one gets nothing but a mail to that address saying someone
 * tried. The mails are queued in the transaction (`mail/outbox-mail.ts`); the notices to an
 * address are capped (5 per 15 minutes) so the form cannot be used to flood someone's inbox.
 */
import type { Ctx } from '../kernel/context';
import { mutate } from '../kernel/mutate';
import { ok, transact } from '../kernel/outcome';
import { hashPassword } from '../auth/passwords';
import { createLink, LINK_TTL_MS, linkState, useLink, type LinkState } from '../auth/account-links';
import { countHits } from '../auth/rate-counters';
import { mayMail, publicLink, queueMail } from '../mail/outbox-mail';
import { signUpAttemptMail, verificationMail } from '../mail/templates';
import { markEmailVerified } from './records';
import { userByEmail } from './state';
import { insertAccount } from './users';

/** Sign-ups from one client address: at most 20 per hour. */
export const SIGN_UP_LIMIT = { hits: 20, windowMs: 3_600_000 } as const;

export type SignUpResult =
  /** A new account (the browser is to be signed in to it). */
  | { outcome: 'created'; userId: string }
  /** The email has an account: its owner was told (the page says the same as for a new one). */
  | { outcome: 'taken' }
  /** Too many sign-ups from this address (429). */
  | { outcome: 'throttled' };

/** `email` trimmed and lower-cased; `password` at least 10 characters (the form checked). */
export async function signUp(ctx: Ctx, email: string, password: string, address: string): Promise<SignUpResult> {
  const [fromHere] = await countHits(ctx, [`signup:addr:${address}`], SIGN_UP_LIMIT.windowMs);
  if (fromHere.hits > SIGN_UP_LIMIT.hits) return { outcome: 'throttled' };
  const passwordHash = await hashPassword(password);
  const notify = await mayMail(ctx, email);
  const attempt = () =>
    mutate(ctx, { kind: 'grant' }, async (tx, journal, now) => {
      if (await userByEmail(tx, email)) {
        if (notify) await queueMail(tx, signUpAttemptMail(email, publicLink(ctx, '/forgot')), now);
        return ok<SignUpResult>({ outcome: 'taken' });
      }
      const userId = await insertAccount(tx, journal, now, { email, passwordHash, plan: 'free', billing: 'monthly', proUses: null, teamId: null, emailVerifiedAt: null });
      const token = await createLink(tx, userId, 'verify', now);
      await queueMail(tx, verificationMail(email, publicLink(ctx, '/verify', { token }), LINK_TTL_MS.verify / 86_400_000), now);
      return ok<SignUpResult>({ outcome: 'created', userId });
    });
  let result: SignUpResult;
  try {
    result = (await attempt()).value;
  } catch (e) {
    // The same email signed up through another instance at the same moment: now it is taken.
    if ((e as { code?: unknown }).code !== '23505') throw e;
    result = (await attempt()).value;
  }
  ctx.wakeOutbox?.();
  return result;
}

/** Opens a confirmation link: the address is confirmed and the link used up. */
export async function verifyEmail(ctx: Ctx, token: string): Promise<LinkState['state']> {
  return transact(ctx, async (tx, now) => {
    const link = await linkState(tx, token, 'verify', now);
    if (link.state !== 'valid' || !(await useLink(tx, token, 'verify', now))) return ok(link.state === 'valid' ? 'used' : link.state);
    await markEmailVerified(tx, link.userId, now);
    return ok('valid');
  });
}
