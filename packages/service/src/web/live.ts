/**
 * `/credits`, live where JavaScript runs (extension, docs/api.md § Web pages): the page loads one
 * small script of its own (`/assets/credits-live.js`, allowed by the page's CSP as `'self'`),
 * which opens `GET /credits/live` — Server-Sent Events authenticated by the web session cookie —
 * and, whenever the account changes (a spend on the desktop, a purchase, a grant…), fetches the
 * page again and swaps its live region in place. The stream says only *that* something changed
 * (`event: change`, the new version): every figure still comes from the server-rendered page.
 * Without JavaScript the page is what it always was, current as of its last load.
 *
 * A stream ends with `event: signed-out` when its session ends (sign-out, expiry); a session
 * holds at most `STREAMS_PER_SESSION` at once.
 */
import type { FastifyInstance } from 'fastify';
import { DEFAULTS } from '../config';
import { startEventStream } from '../http/sse-response';
import type { Ctx } from '../service/kernel/context';
import { currentSession } from './session';

export const LIVE_PATH = '/credits/live';
export const LIVE_SCRIPT_PATH = '/assets/credits-live.js';
const STREAMS_PER_SESSION = 3;

/** What the hub hears when a web session ends: its streams close. */
export const sessionRevocation = (idHash: string) => `web-session:${idHash}`;

/**
 * The page's script, as served. ES2017, no dependencies: swaps `[data-live-region]` with the
 * same region of a fresh copy of the page; never while the reader is using a control inside it
 * (it waits for the focus to leave); stops when the session ended (the fetch is redirected). When
 * the balance changed it says so in `[data-live-status]` (a polite status, visually hidden: a
 * screen reader hears the new balance; the swapped region itself is not a live region).
 */
export const CREDITS_LIVE_JS = `(function () {
  'use strict';
  if (typeof EventSource !== 'function' || typeof DOMParser !== 'function' || !window.fetch) return;
  var SELECTOR = '[data-live-region]', STATUS = '[data-live-status]';
  if (!document.querySelector(SELECTOR)) return;
  function total(region) {
    var t = region.querySelector('[data-total]');
    return t ? t.textContent : '';
  }
  var busy = false, again = false;
  var source = new EventSource(${JSON.stringify(LIVE_PATH)});
  function using(region) {
    var a = document.activeElement;
    return a && a !== document.body && region.contains(a) && /^(INPUT|SELECT|TEXTAREA)$/.test(a.tagName);
  }
  function refresh() {
    var region = document.querySelector(SELECTOR);
    if (!region) return;
    if (busy || using(region)) { again = true; return; }
    busy = true;
    fetch(location.href, { credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then(function (r) { return r.ok && !r.redirected ? r.text() : (source.close(), null); })
      .then(function (text) {
        if (!text) return;
        var next = new DOMParser().parseFromString(text, 'text/html').querySelector(SELECTOR);
        var now = document.querySelector(SELECTOR);
        if (next && now && !using(now)) {
          var was = total(now), is = total(next);
          now.replaceWith(document.adoptNode(next));
          var status = document.querySelector(STATUS);
          if (status && is && is !== was) status.textContent = 'Your balance changed: ' + is + '.';
        } else again = true;
      })
      .catch(function () { again = true; })
      .then(function () { busy = false; if (again && !using(document.querySelector(SELECTOR) || document.body)) { again = false; refresh(); } });
  }
  source.addEventListener('change', refresh);
  source.addEventListener('signed-out', function () { source.close(); });
  document.addEventListener('focusout', function () { if (again) setTimeout(function () { if (again) { again = false; refresh(); } }, 0); });
})();
`;

export async function liveRoutes(app: FastifyInstance, ctx: Ctx, opts: { pingMs?: number } = {}): Promise<void> {
  const pingMs = opts.pingMs ?? DEFAULTS.pingMs;
  const perSession = new Map<string, number>();
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  app.get(LIVE_SCRIPT_PATH, async (_req, reply) =>
    reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .send(CREDITS_LIVE_JS),
  );

  app.get(LIVE_PATH, async (req, reply) => {
    const session = await currentSession(ctx, req);
    if (!session) return reply.status(401).type('text/plain; charset=utf-8').header('cache-control', 'no-store').send('Sign in to follow your credits.');
    const streams = perSession.get(session.idHash) ?? 0;
    if (streams >= STREAMS_PER_SESSION) {
      return reply.status(429).type('text/plain; charset=utf-8').header('cache-control', 'no-store').send('This browser already follows your credits in other tabs; close one.');
    }
    perSession.set(session.idHash, streams + 1);
    const res = startEventStream(reply, 3_000);
    let closed = false;
    const write = (chunk: string) => {
      if (!closed) res.write(chunk);
    };
    const unsubscribe = ctx.hub.subscribe(session.userId, (e) => write(`event: change\ndata: {"version":${e.version}}\n\n`));
    // Ended by sign-out (this session) and by a password reset (every session of the account).
    const unrevoke = ctx.hub.onRevoke(sessionRevocation(session.idHash), () => finish(true), session.userId);
    const ping = setInterval(() => write(': ping\n\n'), pingMs);
    const expiry = setTimeout(() => finish(true), Math.max(0, Math.min(session.expiresAt - ctx.clock.now(), 2 ** 31 - 1)));
    function finish(signedOut: boolean): void {
      if (closed) return;
      if (signedOut) write('event: signed-out\ndata: {}\n\n');
      closed = true;
      clearInterval(ping);
      clearTimeout(expiry);
      unsubscribe();
      unrevoke();
      open.delete(end);
      const left = (perSession.get(session!.idHash) ?? 1) - 1;
      if (left > 0) perSession.set(session!.idHash, left);
      else perSession.delete(session!.idHash);
      res.end();
    }
    const end = () => finish(false);
    open.add(end);
    req.raw.on('close', end);
  });
}
