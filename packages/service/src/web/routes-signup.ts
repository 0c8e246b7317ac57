/**
 * Opening an account: `/signup` (free plan; the browser is signed in; a confirmation mail), the
 * page after it, and `/verify` (the mail's confirmation link).
 *
 * No account enumeration: a taken email gets exactly the answer a new one gets — the same 303,
 * the same session cookie set (for a taken email, a random value that is no session), the same
 * page after it, which shows nothing of the account — while its owner gets a mail saying someone
 * tried. The next page the browser asks for is the first to differ (signed in, or not).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { html } from '../http/html';
import type { Ctx } from '../service/kernel/context';
import { newSecret } from '../service/kernel/ids';
import { signUp, verifyEmail } from '../service/accounts/sign-up';
import { LINK_TTL_MS } from '../service/auth/account-links';
import { createSession, endSession } from '../service/auth/web-sessions';
import { acceptForm, accountPage, EmailField, firstIssue, hiddenFields, MIN_PASSWORD, NewPasswordField, returnOf, signInLink, withReturn } from './account-forms';
import { messagePage, seeOther, sendHtml } from './layout';
import { clearCookie, currentSession, formToken, setSessionCookie, signinCookie } from './session';

const SignUp = z.object({ email: EmailField, password: NewPasswordField });

function signUpForm(csrf: string, back: string | null, opts: { email?: string; error?: string } = {}): string {
  return accountPage(
    'Create your Cutline account',
    html`<form method="post" action="/signup">
    ${hiddenFields(csrf, back)}
    <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="${opts.email ?? ''}">
    <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="new-password" required minlength="${MIN_PASSWORD}" aria-describedby="password-hint">
    <p id="password-hint" class="muted">At least ${MIN_PASSWORD} characters.</p>
    <button type="submit">Create account</button>
  </form>
  <p class="muted">Already have an account? ${signInLink(back)}</p>`,
    { lead: 'Free plan: the editor, the store and your credits on every device, with one account.', error: opts.error },
  );
}

export async function signUpRoutes(app: FastifyInstance, ctx: Ctx): Promise<void> {
  app.get('/signup', async (req, reply) => sendHtml(reply, 200, signUpForm(formToken(ctx, req, reply), returnOf(req))));

  app.post('/signup', async (req, reply) => {
    const posted = acceptForm(ctx, req, reply, signUpForm);
    if (!posted) return reply;
    const { back, csrf, email: typed } = posted;
    const input = SignUp.safeParse(posted.form);
    if (!input.success) return sendHtml(reply, 400, signUpForm(csrf, back, { email: typed, error: firstIssue(input.error) }));
    const result = await signUp(ctx, input.data.email, input.data.password, req.ip);
    if (result.outcome === 'throttled') {
      return sendHtml(reply, 429, signUpForm(csrf, back, { email: typed, error: 'Too many accounts were opened from here in the last hour. Please try again later.' }));
    }
    const old = await currentSession(ctx, req);
    if (old) await endSession(ctx, old.idHash);
    // A new account signs this browser in; a taken email sets a cookie too — one that is no session — so the answers match.
    setSessionCookie(ctx, reply, result.outcome === 'created' ? (await createSession(ctx, result.userId)).secret : newSecret());
    clearCookie(ctx, reply, signinCookie(ctx));
    return seeOther(reply, withReturn('/signup/sent', back));
  });

  app.get('/signup/sent', async (req, reply) => {
    const back = returnOf(req);
    const next = back ? html`<a class="button" href="${back}">Continue to the Cutline app</a>` : html`<a class="button" href="/credits">Continue to your credits</a>`;
    return sendHtml(
      reply,
      200,
      accountPage(
        'Check your email',
        html`<p>We sent a mail to the address you gave. Open the link in it within ${LINK_TTL_MS.verify / 86_400_000} days to confirm that the address is yours.</p>
  <p class="muted">If that address already had a Cutline account, the mail says so instead, with a way to reset its password.</p>
  <div class="actions">${next}</div>`,
      ),
    );
  });

  app.get('/verify', async (req, reply) => {
    const token = (req.query as Record<string, unknown> | undefined)?.token;
    const state = await verifyEmail(ctx, typeof token === 'string' ? token : '');
    const actions = html`<a class="button" href="/credits">Go to your credits</a>`;
    if (state === 'valid') {
      return sendHtml(reply, 200, accountPage('Your email is confirmed', html`<div class="actions">${actions}</div>`, { info: 'Thank you: the address of your Cutline account is confirmed.' }));
    }
    const why =
      state === 'used'
        ? 'This confirmation link was already used: your address is confirmed.'
        : state === 'expired'
          ? `Confirmation links work for ${LINK_TTL_MS.verify / 86_400_000} days, and this one is older. Your account works all the same.`
          : 'This confirmation link is not valid: it may have been cut short when it was copied. Open it from the mail again.';
    return sendHtml(reply, 410, messagePage(null, state === 'used' ? 'This link was already used' : state === 'expired' ? 'This link has expired' : 'This link is not valid', why, actions));
  });
}
