/**
 * Times on the web pages in the reader's zone. Pages carry no script, so the server cannot ask
 * the browser for its zone: the reader picks it once (a form on /credits, kept in a cookie) and
 * every time is rendered there, with the zone named. UTC until then.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../service/kernel/context';
import { isSecure } from '../http/session-cookie';
import { cookieOptions } from './session';

export const ZONES: readonly string[] = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
const KNOWN = new Set(ZONES);

export const zoneCookie = (ctx: Ctx): string => (isSecure(ctx) ? '__Host-cutline_tz' : 'cutline_tz');
export const isZone = (v: unknown): v is string => typeof v === 'string' && KNOWN.has(v);

export function zoneOf(ctx: Ctx, req: FastifyRequest): string {
  const z = req.cookies?.[zoneCookie(ctx)];
  return isZone(z) ? z : 'UTC';
}

export function setZone(ctx: Ctx, reply: FastifyReply, zone: string): void {
  reply.setCookie(zoneCookie(ctx), zone, cookieOptions(ctx, 365 * 86_400));
}

const toMs = (t: number | string) => (typeof t === 'number' ? t : Date.parse(t));

/** "3 Dec 2026, 14:05 CET" in `zone` (one line: the caller keeps it from wrapping). */
export function fmtZoned(t: number | string, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(new Date(toMs(t)));
  const p = (k: string) => parts.find((x) => x.type === k)?.value ?? '';
  return `${p('day')} ${p('month')} ${p('year')}, ${p('hour')}:${p('minute')} ${p('timeZoneName')}`;
}

/** "Thursday" in `zone`. */
export const weekday = (t: number | string, zone: string): string => new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'long' }).format(new Date(toMs(t)));
