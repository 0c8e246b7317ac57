/** Browser sign-in (`/signin`), sign-out (`POST /signout`) and the desktop's one-time handoff (`/handoff`). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HANDOFF_PATHS } from '@cutline/contract/credit-types';
import { text } from '@cutline/contract/text';
import { html } from '../http/html';
import type { Ctx } from '../service/kernel/context';
import { consumeHandoff } from '../service/auth/oauth';
import { attemptSignIn } from '../service/auth/sign-in';
import { createSession, endSession } from '../service/auth/web-sessions';
import { TOO_MANY } from '../http/routes-oauth';
import { messagePage, seeOther, sendHtml, webPage } from './layout';
import { sessionRevocation } from './live';
import { isLoopbackReturn, rememberReturn, returnCookie } from './return-link';
import {
  clearCookie,
  clearSessionCookie,
  currentSession,
  formOf,
  formToken,
  formTokenMatches,
  requireForm,
  safeNext,
  setSessionCookie,
  signinCookie,
  signInUrl,
  viewerOf,
} from './session';

const Credentials = z.object({
  email: text().trim().min(1, 'Enter your email.').max(254, 'That email is too long.'),
  password: text().min(1, 'Enter your password.').max(1024, 'That password is too long.'),
});

function signInForm(token: string, next: string, opts: { email?: string; error?: string; info?: string } = {}): string {
  return webPage(
    'Sign in',
    html`<div class="card" style="max-width:420px;margin:48px auto">
  <h1>Sign in to Cutline</h1>
  <p class="muted">Your credits, the store and your plan, in the browser.</p>
  ${opts.info ? html`<p class="ok" role="status">${opts.info}</p>` : ''}
  ${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
  <form method="post" action="/signin">
    <input type="hidden" name="csrf" value="${token}">
    <input type="hidden" name="next" value="${next}">
    <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="${opts.email ?? ''}">
    <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
    <button type="submit">Sign in</button>
  </form>
  <p class="muted"><a href="/forgot">Forgot your password?</a> · New to Cutline? <a href="/signup">Create an account</a></p></div>`,
    null,
  );
}

const PAGE_NAMES: Record<string, string> = { '/credits': 'your credits', '/store': 'the store', '/exchange': 'the exchange', '/pricing': 'pricing', '/upgrade': 'Upgrade to Pro', '/team': 'your team' };

export async function authRoutes(app: FastifyInstance, ctx: Ctx): Promise<void> {
  app.get('/', async (_req, reply) => seeOther(reply, '/credits'));

  app.get('/signin', async (req, reply) => {
    const q = (req.query ?? {}) as Record<string, unknown>;
    const next = safeNext(q.next);
    if (await currentSession(ctx, req)) return seeOther(reply, next);
    const info = q.signedout === '1' ? 'You are signed out.' : undefined;
    return sendHtml(reply, 200, signInForm(formToken(ctx, req, reply), next, { info }));
  });

  app.post('/signin', async (req, reply) => {
    const form = formOf(req);
    const next = safeNext(form.next);
    if (!formTokenMatches(ctx, req, form)) {
      // Login CSRF: a form posted from elsewhere (or one whose cookie expired) signs nobody in.
      return sendHtml(reply, 403, signInForm(formToken(ctx, req, reply, true), next, { error: 'This sign-in form expired or did not come from Cutline. Please sign in again.' }));
    }
    const creds = Credentials.safeParse(form);
    if (!creds.success) return sendHtml(reply, 400, signInForm(String(form.csrf), next, { error: creds.error.issues[0].message }));
    const email = creds.data.email.toLowerCase();
    // The same attempt as /oauth/authorize (service/auth/sign-in.ts): throttled, then checked.
    const attempt = await attemptSignIn(ctx, email, creds.data.password, req.ip);
    if (attempt.outcome === 'throttled') {
      return sendHtml(reply, 429, signInForm(String(form.csrf), next, { email, error: TOO_MANY }));
    }
    if (attempt.outcome === 'mismatch') return sendHtml(reply, 401, signInForm(String(form.csrf), next, { email, error: 'That email and password do not match an account.' }));
    const old = await currentSession(ctx, req);
    if (old) await endSession(ctx, old.idHash);
    const { secret } = await createSession(ctx, attempt.userId);
    setSessionCookie(ctx, reply, secret);
    clearCookie(ctx, reply, signinCookie(ctx));
    rememberReturn(ctx, reply, null); // signed in by hand: return links go to the installed app
    return seeOther(reply, next);
  });

  app.post('/signout', async (req, reply) => {
    if (!(await currentSession(ctx, req))) {
      clearSessionCookie(ctx, reply);
      return seeOther(reply, '/signin?signedout=1');
    }
    const { viewer } = await requireForm(ctx, req);
    await endSession(ctx, viewer.session.idHash);
    ctx.hub.revoke(sessionRevocation(viewer.session.idHash)); // its live /credits streams end
    clearSessionCookie(ctx, reply);
    clearCookie(ctx, reply, returnCookie(ctx));
    return seeOther(reply, '/signin?signedout=1');
  });

  app.get('/handoff', async (req, reply) => {
    const q = (req.query ?? {}) as Record<string, unknown>;
    const wanted = typeof q.next === 'string' ? q.next : undefined;
    if (wanted !== undefined && !(HANDOFF_PATHS as readonly string[]).includes(wanted)) {
      // Checked before the code is spent: a tampered link signs nobody in and goes nowhere.
      return sendHtml(
        reply,
        400,
        messagePage(null, 'This link cannot be used', 'This sign-in link points somewhere Cutline does not send you. Nothing was done.', html`<a class="button" href="/signin">Sign in</a>`),
      );
    }
    const code = typeof q.code === 'string' && /^[A-Za-z0-9_-]{20,128}$/.test(q.code) ? q.code : null;
    const spent = code ? await consumeHandoff(ctx, code) : null;
    if (!spent) {
      const next = wanted ?? '/credits';
      const viewer = await viewerOf(ctx, req);
      // Signed in already (the link was opened twice, or late): no need to sign in — go on.
      const page = viewer
        ? messagePage(
            viewer,
            'This link was already used',
            `Links from the Cutline app work once and only for 60 seconds. You are still signed in as ${viewer.me.email}, so you can go straight on.`,
            html`<a class="button" href="${next}">Continue to ${PAGE_NAMES[next] ?? 'your credits'}</a>`,
          )
        : messagePage(
            null,
            'This sign-in link has expired',
            'Links from the Cutline app work once and only for 60 seconds, and this one has already been used or is too old. Sign in with your email and password instead, or open the page from the app again.',
            html`<a class="button" href="${signInUrl(next)}">Sign in</a>`,
          );
      return sendHtml(reply, 410, page);
    }
    const old = await currentSession(ctx, req);
    if (old) await endSession(ctx, old.idHash);
    const { secret } = await createSession(ctx, spent.userId);
    setSessionCookie(ctx, reply, secret);
    rememberReturn(ctx, reply, isLoopbackReturn(q.return) ? q.return : null);
    // The code's own destination wins: it was fixed when the app asked for the link.
    return seeOther(reply, spent.next);
  });
}
