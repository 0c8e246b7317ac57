/**
 * "Forgot password": `/forgot` asks for a link (always the same answer), `/reset?token=…` sets a
 * new password with it. The link works once, for 30 minutes; using it signs the account out
 * everywhere (service/auth/password-reset.ts). A used, expired or unknown link is a 410 page.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { html } from '../http/html';
import type { Ctx } from '../service/kernel/context';
import { LINK_TTL_MS, type LinkState } from '../service/auth/account-links';
import { requestPasswordReset, resetLinkState, resetPassword } from '../service/auth/password-reset';
import { acceptForm, accountPage, EmailField, firstIssue, hiddenFields, MIN_PASSWORD, NewPasswordField, returnOf, signInLink } from './account-forms';
import { messagePage, sendHtml } from './layout';
import { clearCookie, clearSessionCookie, formOf, formToken, formTokenMatches, signinCookie } from './session';

const RESET_MINUTES = LINK_TTL_MS.reset / 60_000;

function forgotForm(csrf: string, back: string | null, opts: { email?: string; error?: string } = {}): string {
  return accountPage(
    'Reset your password',
    html`<form method="post" action="/forgot">
    ${hiddenFields(csrf, back)}
    <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="${opts.email ?? ''}">
    <button type="submit">Send me a link</button>
  </form>
  <p class="muted">${signInLink(back)}</p>`,
    { lead: `Enter the email of your account. We will send it a link to set a new password; the link works once, for ${RESET_MINUTES} minutes.`, error: opts.error },
  );
}

function resetForm(csrf: string, token: string, opts: { error?: string } = {}): string {
  return accountPage(
    'Set a new password',
    html`<form method="post" action="/reset">
    ${hiddenFields(csrf, null)}<input type="hidden" name="token" value="${token}">
    <label for="password">New password</label><input id="password" name="password" type="password" autocomplete="new-password" required minlength="${MIN_PASSWORD}" aria-describedby="password-hint">
    <p id="password-hint" class="muted">At least ${MIN_PASSWORD} characters. Every device and browser signed in to your account will be signed out.</p>
    <button type="submit">Set new password</button>
  </form>`,
    { error: opts.error },
  );
}

/** The 410 page of a link that cannot be used. */
function deadLink(reply: FastifyReply, state: Exclude<LinkState['state'], 'valid'>): FastifyReply {
  const [title, why] =
    state === 'used'
      ? ['This link was already used', 'A password-reset link works once. If you still need a new password, ask for another link.']
      : state === 'expired'
        ? ['This link has expired', `A password-reset link works for ${RESET_MINUTES} minutes, and this one is older. Ask for another link.`]
        : ['This link is not valid', 'This password-reset link is not one Cutline sent, or it was cut short when it was copied. Open it from the mail again, or ask for another link.'];
  return sendHtml(reply, 410, messagePage(null, title, why, html`<a class="button" href="/forgot">Ask for a new link</a><a href="/signin">Sign in</a>`));
}

const tokenOf = (v: unknown): string => (typeof v === 'string' ? v : '');

export async function passwordRoutes(app: FastifyInstance, ctx: Ctx): Promise<void> {
  app.get('/forgot', async (req, reply) => sendHtml(reply, 200, forgotForm(formToken(ctx, req, reply), returnOf(req))));

  app.post('/forgot', async (req, reply) => {
    const posted = acceptForm(ctx, req, reply, forgotForm);
    if (!posted) return reply;
    const { back, csrf, email: typed } = posted;
    const email = z.object({ email: EmailField }).safeParse(posted.form);
    if (!email.success) return sendHtml(reply, 400, forgotForm(csrf, back, { email: typed, error: firstIssue(email.error) }));
    if ((await requestPasswordReset(ctx, email.data.email, req.ip)) === 'throttled') {
      return sendHtml(reply, 429, forgotForm(csrf, back, { email: typed, error: 'Too many reset requests from here. Wait a few minutes and try again.' }));
    }
    return sendHtml(
      reply,
      200,
      accountPage(
        'Check your email',
        html`<p>If a Cutline account uses <strong>${email.data.email}</strong>, we sent it a link to set a new password. The link works once, for ${RESET_MINUTES} minutes.</p>
  <p class="muted">No mail after a few minutes? Check the spam folder, or make sure the address is the one you signed up with.</p>
  <p>${signInLink(back)}</p>`,
      ),
    );
  });

  app.get('/reset', async (req, reply) => {
    const token = tokenOf((req.query as Record<string, unknown> | undefined)?.token);
    const state = await resetLinkState(ctx, token);
    if (state !== 'valid') return deadLink(reply, state);
    return sendHtml(reply, 200, resetForm(formToken(ctx, req, reply), token));
  });

  app.post('/reset', async (req, reply) => {
    const form = formOf(req);
    const token = tokenOf(form.token);
    if (!formTokenMatches(ctx, req, form)) {
      const state = await resetLinkState(ctx, token);
      if (state !== 'valid') return deadLink(reply, state);
      return sendHtml(reply, 403, resetForm(formToken(ctx, req, reply, true), token, { error: 'This form expired or did not come from Cutline. Please type your new password again.' }));
    }
    const password = z.object({ password: NewPasswordField }).safeParse(form);
    if (!password.success) {
      const state = await resetLinkState(ctx, token);
      if (state !== 'valid') return deadLink(reply, state);
      return sendHtml(reply, 400, resetForm(String(form.csrf), token, { error: firstIssue(password.error) }));
    }
    const state = await resetPassword(ctx, token, password.data.password);
    if (state !== 'valid') return deadLink(reply, state);
    // This browser's session (if any) is gone with every other one.
    clearSessionCookie(ctx, reply);
    clearCookie(ctx, reply, signinCookie(ctx));
    return sendHtml(
      reply,
      200,
      accountPage('Your password is changed', html`<div class="actions"><a class="button" href="/signin">Sign in</a></div>`, {
        info: 'Your new password works now. Every device and browser that was signed in to your account was signed out; sign in again where you need to.',
      }),
    );
  });
}
