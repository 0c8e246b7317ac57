/**
 * One password sign-in attempt, the same for both forms (the web `/signin` and the desktop's
 * `/oauth/authorize`): throttled by the instance's `SignInGuard` (counted before the password is
 * checked, a correct password gives its attempt back), then `authenticate`. The routes parse and
 * word the answer; what an attempt is and how it is limited is decided here.
 */
import type { Ctx } from '../kernel/context';
import { authenticate } from './oauth';
import { signInGuard } from './sign-in-guard';

export type SignInAttempt =
  /** The password matched: the account signed in. */
  | { outcome: 'signed-in'; userId: string }
  /** Too many attempts for this email or address (429): the password was not checked. */
  | { outcome: 'throttled' }
  /** No such account, or the wrong password (401). */
  | { outcome: 'mismatch' };

/** `email` lower-cased (as the forms show it back); `address` is the client's IP address. */
export async function attemptSignIn(ctx: Ctx, email: string, password: string, address: string): Promise<SignInAttempt> {
  const attempt = signInGuard(ctx).begin(email, address);
  if (!attempt) return { outcome: 'throttled' };
  try {
    const user = await authenticate(ctx, email, password);
    if (!user) return { outcome: 'mismatch' };
    attempt.succeeded();
    return { outcome: 'signed-in', userId: user.id };
  } finally {
    attempt.end();
  }
}
