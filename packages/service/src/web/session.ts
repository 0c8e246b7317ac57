/**
 * The browser session as the pages see it: the cookie (HttpOnly, SameSite=Lax, Path=/, and
 * Secure with the `__Host-` prefix when the public URL is https), the signed-in viewer, the
 * CSRF synchronizer-token check every POST goes through, and where `next` may point.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { newSecret } from '../service/kernel/ids';
import { HANDOFF_PATHS } from '@cutline/contract/credit-types';
import type { Ctx } from '../service/kernel/context';
import { ServiceError } from '../service/kernel/errors';
import { me } from '../service/accounts/reads';
import { findSession, SESSION_TTL_MS, tokensMatch, type WebSession } from '../service/auth/web-sessions';
import { isSecure, sessionCookie } from '../http/session-cookie';
import type { Viewer } from './layout';

/** The sign-in form's anti-forgery cookie (before there is a session to tie a token to). */
export const signinCookie = (ctx: Ctx): string => (isSecure(ctx) ? '__Host-cutline_signin' : 'cutline_signin');

export const SIGNIN_FORM_TTL_S = 3600;

export function cookieOptions(ctx: Ctx, maxAgeS: number) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: isSecure(ctx), maxAge: maxAgeS };
}

/**
 * The token of a form shown before there is a session (sign-in, sign-up, forgot and reset
 * password): the one the `signinCookie` already holds, or a fresh one set on the reply.
 */
export function formToken(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, fresh = false): string {
  const have = req.cookies?.[signinCookie(ctx)];
  if (!fresh && have && /^[A-Za-z0-9_-]{43}$/.test(have)) return have;
  const token = newSecret();
  reply.setCookie(signinCookie(ctx), token, cookieOptions(ctx, SIGNIN_FORM_TTL_S));
  return token;
}

/** Whether a posted pre-session form carries the token of this browser's cookie (login CSRF and the like). */
export function formTokenMatches(ctx: Ctx, req: FastifyRequest, form: Record<string, unknown>): boolean {
  const cookieToken = req.cookies?.[signinCookie(ctx)];
  return !!cookieToken && tokensMatch(form.csrf, cookieToken);
}

export function setSessionCookie(ctx: Ctx, reply: FastifyReply, secret: string): void {
  reply.setCookie(sessionCookie(ctx), secret, cookieOptions(ctx, Math.floor(SESSION_TTL_MS / 1000)));
}

export function clearCookie(ctx: Ctx, reply: FastifyReply, name: string): void {
  reply.clearCookie(name, { path: '/', httpOnly: true, sameSite: 'lax', secure: isSecure(ctx) });
}

export function clearSessionCookie(ctx: Ctx, reply: FastifyReply): void {
  clearCookie(ctx, reply, sessionCookie(ctx));
}

export async function currentSession(ctx: Ctx, req: FastifyRequest): Promise<WebSession | null> {
  return findSession(ctx, req.cookies?.[sessionCookie(ctx)]);
}

/** The signed-in viewer, or null. */
export async function viewerOf(ctx: Ctx, req: FastifyRequest): Promise<Viewer | null> {
  const session = await currentSession(ctx, req);
  if (!session) return null;
  return { session, me: await me(ctx, session.userId) };
}

/** Where an unauthenticated visit is sent: the sign-in page, coming back here afterwards. */
export function signInUrl(next: string): string {
  return `/signin?${new URLSearchParams({ next: safeNext(next) })}`;
}

/**
 * `next` after a sign-in: only the web pages' own paths (the handoff paths and what lies under
 * them, such as an order page), never another origin, never a scheme-relative `//host`.
 */
export function safeNext(next: unknown, fallback = '/credits'): string {
  if (typeof next !== 'string' || next.length > 300) return fallback;
  if (!/^\/[A-Za-z0-9/_\-.?=&%]*$/.test(next) || next.startsWith('//') || next.includes('..')) return fallback;
  const path = next.split('?')[0];
  const ok = HANDOFF_PATHS.some((p) => path === p || path.startsWith(`${p}/`));
  return ok ? next : fallback;
}

/** The form fields of a POST (form-encoded or JSON object), or an empty record. */
export function formOf(req: FastifyRequest): Record<string, unknown> {
  const b = req.body;
  return b && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
}

/**
 * Every state-changing POST: a live session, and the form's `csrf` field equal to that
 * session's synchronizer token. Anything else is a 403 and changes nothing.
 */
export async function requireForm(ctx: Ctx, req: FastifyRequest): Promise<{ viewer: Viewer; form: Record<string, unknown> }> {
  const session = await currentSession(ctx, req);
  if (!session) {
    throw new ServiceError('forbidden', 'You are not signed in (or your session ended), so nothing was done. Sign in and try again.');
  }
  const form = formOf(req);
  if (!tokensMatch(form.csrf, session.csrf)) {
    throw new ServiceError(
      'forbidden',
      'This form did not come from a current Cutline page (its security token is missing or out of date), so nothing was done. Go back, reload the page and try again.',
    );
  }
  return { viewer: { session, me: await me(ctx, session.userId) }, form };
}
