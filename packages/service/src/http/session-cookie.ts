/**
 * The web session's cookie name, in one place for the two readers: the web pages (`web/`, which
 * set it at sign-in) and `/oauth/authorize`'s "Continue as" (which only reads it). `__Host-` and
 * Secure when the public URL is https (the browser then insists on Secure, Path=/ and no Domain).
 */
import type { Ctx } from '../service/kernel/context';

export const isSecure = (ctx: Ctx): boolean => ctx.config.publicUrl.startsWith('https:');

/** The session cookie's name: `__Host-` when Secure. */
export const sessionCookie = (ctx: Ctx): string => (isSecure(ctx) ? '__Host-cutline_session' : 'cutline_session');
