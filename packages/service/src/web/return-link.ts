/**
 * Where *Return to Cutline* links point. The Electron app is reached by its `cutline://` deep
 * link. A browser cannot hand such a link to the browser host, so when the web session came from
 * a browser host's handoff (its link carried `return=http://127.0.0.1:<port>/return`), the
 * browser remembers that page in a cookie and the links go there instead:
 * `http://127.0.0.1:<port>/return?to=cutline://…`, which delivers the deep link to the host's
 * router exactly as the OS would.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LOOPBACK_RETURN } from '@cutline/contract/api';
import type { Ctx } from '../service/kernel/context';
import { isSecure } from '../http/session-cookie';
import { clearCookie, cookieOptions } from './session';
import { SESSION_TTL_MS } from '../service/auth/web-sessions';

export const returnCookie = (ctx: Ctx): string => (isSecure(ctx) ? '__Host-cutline_return' : 'cutline_return');

export function isLoopbackReturn(v: unknown): v is string {
  const m = typeof v === 'string' ? LOOPBACK_RETURN.exec(v) : null;
  return m !== null && Number(m[1]) <= 65535;
}

/** At a sign-in: remember the browser host's return page, or forget any earlier one. */
export function rememberReturn(ctx: Ctx, reply: FastifyReply, returnUrl: string | null): void {
  if (returnUrl) reply.setCookie(returnCookie(ctx), returnUrl, cookieOptions(ctx, Math.floor(SESSION_TTL_MS / 1000)));
  else clearCookie(ctx, reply, returnCookie(ctx));
}

/** The href of a *Return to Cutline* link for `deepLink` (a `cutline://` URL). */
export function returnHref(ctx: Ctx, req: FastifyRequest, deepLink: string): string {
  const page = req.cookies?.[returnCookie(ctx)];
  if (!isLoopbackReturn(page)) return deepLink;
  return `${page}?${new URLSearchParams({ to: deepLink })}`;
}
