/**
 * The frame of every web page: the shared look of `http/html.ts` (the desktop sign-in page's),
 * a navigation bar with the signed-in account and a sign-out form, the extra styles the
 * dashboard needs, and the response headers (strict CSP without scripts — `/credits` alone loads
 * the service's own live-update script —, no caching, no framing, no referrer: handoff codes never
 * leak through Referer).
 */
import type { FastifyReply } from 'fastify';
import type { Me } from '@cutline/contract/api';
import { html, page, PAGE_CSP, raw, type Raw } from '../http/html';
import type { WebSession } from '../service/auth/web-sessions';

export interface Viewer {
  session: WebSession;
  me: Me;
}

const WEB_CSS = `
header nav a{text-decoration:none}header nav a[aria-current=page]{font-weight:700;text-decoration:underline}
header nav form{margin:0;display:inline}header nav button{margin:0;padding:5px 10px}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin:12px 0}
.stat{border:1px solid var(--line);border-radius:8px;padding:10px 12px}.stat b{display:block;font-size:22px}
.big{font-size:34px;font-weight:700;margin:0}.equation{font-size:24px;font-weight:700;margin:12px 0}.badge{display:inline-block;padding:1px 7px;border-radius:10px;font-size:12px;font-weight:600;background:color-mix(in srgb,var(--accent) 15%,transparent);color:var(--accent)}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.in{color:var(--good)}.out{color:var(--bad)}
.legend{display:flex;gap:16px;flex-wrap:wrap;font-size:13px}.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px}
.packs{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:12px}.pack{border:1px solid var(--line);border-radius:8px;padding:16px}
.notice{border-left:4px solid var(--accent);padding:8px 12px;background:color-mix(in srgb,var(--accent) 8%,transparent)}
.ok{color:var(--good);font-weight:600}.pager{display:flex;gap:16px;margin-top:12px}.actions{display:flex;gap:12px;flex-wrap:wrap;align-items:center}
.plan.current{outline:2px solid var(--accent)}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.table-wrap{overflow-x:auto}.table-wrap:focus-visible{outline:2px solid var(--accent);outline-offset:2px}td small{color:var(--muted)}.when{white-space:nowrap}select{font:inherit;padding:6px}
input[type=number],textarea{padding:7px 9px;border:1px solid var(--line);border-radius:6px;font:inherit;background:var(--bg);color:var(--fg)}textarea{width:100%}
div.nowrap{flex-wrap:nowrap;gap:6px}form.inline{display:inline-flex;gap:6px;align-items:center;margin:0}form.inline button{margin:0;padding:6px 12px}.limit-form input{width:9em}
`;

const LINKS: { href: string; label: string; needsProUses?: boolean; needsTeam?: boolean }[] = [
  { href: '/credits', label: 'Credits' },
  { href: '/team', label: 'Team', needsTeam: true },
  { href: '/store', label: 'Store' },
  { href: '/exchange', label: 'Exchange', needsProUses: true },
  { href: '/pricing', label: 'Pricing' },
];

function nav(viewer: Viewer | null, active: string | null): Raw {
  const links = LINKS.filter((l) => (!l.needsProUses || viewer?.me.proUses) && (!l.needsTeam || viewer?.me.team)).map((l) =>
    l.href === active ? html`<a href="${l.href}" aria-current="page">${l.label}</a>` : html`<a href="${l.href}">${l.label}</a>`,
  );
  const who = viewer
    ? html`<span class="muted">${viewer.me.email}</span><form method="post" action="/signout"><input type="hidden" name="csrf" value="${viewer.session.csrf}"><button type="submit" class="secondary">Sign out</button></form>`
    : html`<a href="/signin">Sign in</a>`;
  return html`<nav aria-label="Cutline on the web">${links}${who}</nav>`;
}

/**
 * A whole page: `body` inside the shared frame, with navigation. `script`: one of the service's own
 * scripts (same origin), loaded deferred — the page must work without it (served with
 * `LIVE_PAGE_CSP`).
 */
export function webPage(title: string, body: Raw, viewer: Viewer | null, active: string | null = null, opts: { script?: string } = {}): string {
  const script = opts.script ? html`<script src="${opts.script}" defer></script>`.html : '';
  return page(title, raw(`<style>${WEB_CSS}</style>${body.html}${script}`), { nav: nav(viewer, active) });
}

/** The CSP of a page that loads one of the service's own scripts: that script and its connections to this origin, nothing inline. */
export const LIVE_PAGE_CSP = `${PAGE_CSP}; script-src 'self'; connect-src 'self'`;

export function sendHtml(reply: FastifyReply, status: number, body: string, csp: string = PAGE_CSP): FastifyReply {
  return reply
    .status(status)
    .header('content-security-policy', csp)
    .header('cache-control', 'no-store')
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(body);
}

/** POST-redirect-GET and sign-in redirects: 303 so a reload never resubmits. */
export function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.status(303).header('location', location).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').send();
}

/**
 * A table that may be wider than the window: it scrolls sideways, so it is a named region a
 * keyboard can focus and scroll (`labelledBy`: the id of its section's heading).
 */
export function wideTable(labelledBy: string, table: Raw): Raw {
  return html`<div class="table-wrap" role="region" aria-labelledby="${labelledBy}" tabindex="0">${table}</div>`;
}

/** A page that explains a refusal or a failure, with a way on. */
export function messagePage(viewer: Viewer | null, title: string, message: string, actions: Raw = defaultActions(viewer)): string {
  return webPage(
    title,
    html`<div class="card" style="max-width:560px;margin:48px auto"><h1>${title}</h1><p class="error" role="alert">${message}</p><div class="actions">${actions}</div></div>`,
    viewer,
  );
}

function defaultActions(viewer: Viewer | null): Raw {
  return viewer ? html`<a class="button" href="/credits">Go to your credits</a>` : html`<a class="button" href="/signin">Sign in</a>`;
}
