/** /oauth: the sign-in page, the code and token endpoints, revocation (docs/api.md § Sign-in). */
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { text } from '@cutline/contract/text';
import type { Ctx } from '../service/kernel/context';
import { ServiceError } from '../service/kernel/errors';
import { CLIENT_ID } from '@cutline/contract/oauth-client';
import { checkClient, issueCode, redeemCode, revokeToken, rotateRefresh } from '../service/auth/oauth';
import { attemptSignIn } from '../service/auth/sign-in';
import { sessionWithEmail, tokensMatch, type SignedInSession } from '../service/auth/web-sessions';
import { html, page, PAGE_CSP, type Raw } from './html';
import { sessionCookie } from './session-cookie';
import { parse } from './validate';
import { AuthorizeQuery, authorizePath } from './authorize-request';

const Credentials = z.object({
  email: text().trim().min(1, 'enter your email').max(254),
  password: text().min(1, 'enter your password').max(1024),
});

const TokenRequest = z.discriminatedUnion('grant_type', [
  z.object({
    grant_type: z.literal('authorization_code'),
    code: text().min(1).max(256),
    code_verifier: z.string().regex(/^[A-Za-z0-9._~-]{43,128}$/, 'must be 43–128 unreserved characters'),
    redirect_uri: text().min(1).max(256),
    client_id: text().min(1).max(64),
  }),
  z.object({ grant_type: z.literal('refresh_token'), refresh_token: text().min(1).max(256), client_id: text().max(64).optional() }),
]);

/** The 429 answer of both sign-in forms (the web /signin says the same). */
export const TOO_MANY = 'Too many sign-in attempts from here. Wait a few minutes and try again, or reset your password.';

function signInPage(q: AuthorizeQuery, opts: { email?: string; error?: string } = {}): string {
  const hidden = Object.entries(q).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`);
  const body: Raw = html`<div class="card" style="max-width:420px;margin:48px auto">
  <h1>Sign in to Cutline</h1>
  <p class="muted">Cutline desktop is asking to use your account.</p>
  ${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
  <form method="post" action="/oauth/authorize">
    ${hidden}
    <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="${opts.email ?? ''}">
    <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
    <button type="submit">Sign in</button>
  </form>
  <p class="muted"><a href="/forgot?${new URLSearchParams({ return: authorizePath(q) }).toString()}">Forgot your password?</a> · New to Cutline? <a href="/signup?${new URLSearchParams({ return: authorizePath(q) }).toString()}">Create an account</a></p></div>`;
  return page('Sign in', body);
}

/**
 * A browser already signed in on the web: "Continue as <email>" (one click; the form carries the
 * web session's CSRF token) or "Use another account" (the password form).
 */
function continuePage(q: AuthorizeQuery, email: string, csrf: string): string {
  const hidden = Object.entries(q).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`);
  const other = new URLSearchParams({ ...q, account: 'other' });
  const body: Raw = html`<div class="card" style="max-width:420px;margin:48px auto">
  <h1>Sign in to Cutline</h1>
  <p class="muted">Cutline desktop is asking to use your account. You are signed in on the web as <strong>${email}</strong>.</p>
  <form method="post" action="/oauth/authorize">
    ${hidden}<input type="hidden" name="continue" value="1"><input type="hidden" name="csrf" value="${csrf}">
    <button type="submit">Continue as ${email}</button>
  </form>
  <p><a href="/oauth/authorize?${other.toString()}">Use another account</a></p></div>`;
  return page('Sign in', body);
}

/** The web session of this browser (cookie from the web pages), with its user's email. */
async function webSessionOf(ctx: Ctx, req: FastifyRequest): Promise<SignedInSession | null> {
  const header = req.headers.cookie;
  if (!header) return null;
  return sessionWithEmail(ctx, cookie.parse(header)[sessionCookie(ctx)]);
}

function sendPage(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply
    .status(status)
    .header('content-security-policy', PAGE_CSP)
    .header('cache-control', 'no-store')
    .header('x-frame-options', 'DENY')
    .type('text/html; charset=utf-8')
    .send(body);
}

export async function oauthRoutes(app: FastifyInstance, ctx: Ctx): Promise<void> {
  app.get('/oauth/authorize', async (req, reply) => {
    const q = parse(AuthorizeQuery, req.query, 'query');
    checkClient(q.client_id, q.redirect_uri);
    const other = (req.query as Record<string, unknown>).account === 'other';
    const web = other ? null : await webSessionOf(ctx, req);
    if (web) return sendPage(reply, 200, continuePage(q, web.email, web.session.csrf));
    return sendPage(reply, 200, signInPage(q));
  });

  app.post('/oauth/authorize', async (req, reply) => {
    const fields = { ...(req.query as object), ...((req.body as object) ?? {}) } as Record<string, unknown>;
    const q = parse(AuthorizeQuery, pick(fields, Object.keys(AuthorizeQuery.shape)), 'query');
    checkClient(q.client_id, q.redirect_uri);
    if (fields.continue === '1') {
      // "Continue as": the browser's web session, and the form's token must be that session's.
      const web = await webSessionOf(ctx, req);
      if (!web || !tokensMatch(fields.csrf, web.session.csrf)) {
        return sendPage(reply, 403, signInPage(q, { error: 'Your web session ended or this page was out of date, so you were not signed in. Sign in with your password.' }));
      }
      return redirectWithCode(reply, await issueCode(ctx, web.session.userId, { clientId: q.client_id, redirectUri: q.redirect_uri, codeChallenge: q.code_challenge }), q);
    }
    const creds = Credentials.safeParse(fields);
    if (!creds.success) return sendPage(reply, 400, signInPage(q, { error: creds.error.issues[0].message }));
    const email = creds.data.email.toLowerCase();
    // The same attempt as the web /signin (service/auth/sign-in.ts): throttled, then checked.
    const attempt = await attemptSignIn(ctx, email, creds.data.password, req.ip);
    if (attempt.outcome === 'throttled') {
      return sendPage(reply, 429, signInPage(q, { email, error: TOO_MANY }));
    }
    if (attempt.outcome === 'mismatch') return sendPage(reply, 401, signInPage(q, { email, error: 'That email and password do not match an account.' }));
    const code = await issueCode(ctx, attempt.userId, { clientId: q.client_id, redirectUri: q.redirect_uri, codeChallenge: q.code_challenge });
    return redirectWithCode(reply, code, q);
  });

  app.post('/oauth/token', async (req, reply) => {
    const body = parse(TokenRequest, req.body ?? {});
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    if (body.grant_type === 'authorization_code') {
      checkClient(body.client_id, body.redirect_uri);
      return redeemCode(ctx, { code: body.code, verifier: body.code_verifier, redirectUri: body.redirect_uri, clientId: body.client_id });
    }
    if (body.client_id !== undefined && body.client_id !== CLIENT_ID) throw new ServiceError('invalid_request', 'unknown client_id');
    return rotateRefresh(ctx, body.refresh_token);
  });

  app.post('/oauth/revoke', async (req, reply) => {
    const body = parse(z.object({ token: text().min(1).max(256) }), req.body ?? {});
    await revokeToken(ctx, body.token);
    return reply.status(200).send({});
  });
}

function redirectWithCode(reply: FastifyReply, code: string, q: AuthorizeQuery): FastifyReply {
  const to = new URL(q.redirect_uri);
  to.searchParams.set('code', code);
  to.searchParams.set('state', q.state);
  return reply.status(302).header('location', to.toString()).header('cache-control', 'no-store').send();
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
}
