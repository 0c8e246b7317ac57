/**
 * One password sign-in attempt, the same for both forms (the web `/signin` and the desktop's
 * `/oauth/authorize`, which the CLI's loopback sign-in uses too): counted, then checked.
 *
 * The limits never lock the owner out: attempts are counted per account *and* client address
 * (10 per 5 minutes) and per client address (100 per 5 minutes), never per account alone — so a
 * stranger guessing from their address uses up only their own allowance, and the owner's right
 * password from an address that has not failed still signs in. The counters are rows in the
 * database (`rate-counters.ts`), shared by every instance: two instances allow 10 guesses, not 20.
 * An attempt is counted *before* its password is checked, in one statement, so a burst cannot
 * slip through while the first checks run; an attempt refused for being over a limit, and a
 * correct password, give their count back — only failures use up the allowance.
 */
import type { Ctx } from '../kernel/context';
import { authenticate } from './oauth';
import { countHits, giveBack } from './rate-counters';

export const SIGN_IN_WINDOW_MS = 5 * 60_000;
/** Failures allowed per window: for one account from one address, and from one address in all. */
export const SIGN_IN_LIMITS = { accountAddress: 10, address: 100 } as const;

export type SignInAttempt =
  /** The password matched: the account signed in. */
  | { outcome: 'signed-in'; userId: string }
  /** Too many failures for this account from this address, or from this address (429): the password was not checked. */
  | { outcome: 'throttled' }
  /** No such account, or the wrong password (401). */
  | { outcome: 'mismatch' };

/** `email` lower-cased (as the forms show it back); `address` is the client's IP address. */
export async function attemptSignIn(ctx: Ctx, email: string, password: string, address: string): Promise<SignInAttempt> {
  const accountKey = `signin:acct:${email}|${address}`;
  const hits = await countHits(ctx, [accountKey, `signin:addr:${address}`], SIGN_IN_WINDOW_MS);
  const over = hits.some((h) => h.hits > (h.key === accountKey ? SIGN_IN_LIMITS.accountAddress : SIGN_IN_LIMITS.address));
  if (over) {
    await giveBack(ctx, hits);
    return { outcome: 'throttled' };
  }
  const user = await authenticate(ctx, email, password);
  if (!user) return { outcome: 'mismatch' };
  await giveBack(ctx, hits);
  return { outcome: 'signed-in', userId: user.id };
}
