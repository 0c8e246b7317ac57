/**
 * The `/team` page's sections, each a `<section>` with its own heading and id, in the order the
 * page shows them (`teamSections`). A team admin sees the pool, the requests waiting for them,
 * every member (role, spent this cycle, held, limit edited inline) and the requests decided; a
 * member sees the pool, their own limit with a form to ask for more, and their requests. Every
 * form posts with the session's CSRF token and works without JavaScript. Pure: data in, HTML out.
 */
import type { LimitRequest, Team, TeamMember } from '@cutline/contract/api';
import { isTeamAdmin, type TeamRole } from '@cutline/contract/credit-types';
import { poolSentence } from '@cutline/contract/team-limits';
import { html, type Raw } from '../http/html';
import { fmtInt, plural } from './format';
import { wideTable, type Viewer } from './layout';
import { webhooksSection, type WebhooksSectionData } from './team-webhooks';
import { fmtZoned } from './time-zone';

export interface TeamPageData {
  viewer: Viewer;
  team: Team;
  /** Requests waiting for a decision (a team admin: everyone's; a member: their own). */
  pending: LimitRequest[];
  /** Requests decided, newest first. */
  decided: LimitRequest[];
  zone: string;
  /** What was just done (after a form), or went wrong: one sentence. */
  flash?: { kind: 'ok' | 'error'; text: string };
  /** The limit form of this member came back with an error: its value as typed. */
  typed?: { memberId: string; value: string };
  /** Team admins: where the pool's credits went in the chosen period (usage-card.ts). */
  usage?: Raw;
  /** Team admins: the Webhooks section (team-webhooks.ts), outside the live region — a new secret is shown once and must stay. */
  webhooks?: WebhooksSectionData;
}

export const ROLE_LABEL: Record<TeamRole, string> = { owner: 'Owner', admin: 'Admin', member: 'Member' };

const csrf = (d: TeamPageData) => html`<input type="hidden" name="csrf" value="${d.viewer.session.csrf}">`;

function poolSection(d: TeamPageData): Raw {
  const t = d.team;
  const me = t.members.find((m) => m.id === d.viewer.me.id) ?? null;
  return html`<section class="card" id="pool" aria-labelledby="pool-h"><h2 id="pool-h">The team's pool</h2>
  <div class="stats">
    <div class="stat" data-pool-remaining="${t.pool.remaining}">Left to spend<b>${fmtInt(t.pool.remaining)}</b></div>
    <div class="stat" data-pool-held="${t.pool.held}">Held by running AI actions<b>${fmtInt(t.pool.held)}</b></div>
    <div class="stat" data-pool-per-cycle="${t.creditsPerCycle}">Each cycle<b>${fmtInt(t.creditsPerCycle)}</b></div>
  </div>
  <p data-next-refill>Next refill: ${plural(t.creditsPerCycle, 'subscription credit')} on <span class="when">${fmtZoned(t.cycleEndsAt, d.zone)}</span>. Credits left in the pool then expire.</p>
  ${me ? html`<p data-allowance>${poolSentence(t.pool.remaining, me.limit)}</p>` : ''}</section>`;
}

function requestRows(d: TeamPageData, requests: LimitRequest[], decide: boolean): Raw {
  return html`${requests.map(
    (r) => html`<tr data-request="${r.id}" data-status="${r.status}">
  ${isTeamAdmin(d.team.role) ? html`<td>${r.email}</td>` : ''}<td class="num">${fmtInt(r.credits)}</td><td>${r.note ?? html`<span class="muted">No note</span>`}</td>
  <td class="when">${fmtZoned(r.createdAt, d.zone)}</td>
  <td>${
    decide
      ? html`<div class="actions nowrap"><form method="post" action="/team/requests/${r.id}/approve" class="inline">${csrf(d)}<button type="submit" aria-label="Approve ${fmtInt(r.credits)} more credits for ${r.email}">Approve</button></form>
  <form method="post" action="/team/requests/${r.id}/deny" class="inline">${csrf(d)}<button type="submit" class="secondary" aria-label="Deny ${fmtInt(r.credits)} more credits for ${r.email}">Deny</button></form></div>`
      : html`${statusWords(r)}`
  }</td></tr>`,
  )}`;
}

const statusWords = (r: LimitRequest) => (r.status === 'pending' ? 'Waiting for a team admin' : r.status === 'approved' ? 'Approved' : 'Denied');

/** A table of requests; the region that may scroll it sideways is named by its caption (the section by its heading). */
function requestTable(d: TeamPageData, requests: LimitRequest[], decide: boolean, caption: string, captionId: string): Raw {
  const who = isTeamAdmin(d.team.role) ? html`<th scope="col">Member</th>` : '';
  return wideTable(captionId, html`<table><caption id="${captionId}" class="visually-hidden">${caption}</caption><thead><tr>${who}<th scope="col" class="num">Credits</th><th scope="col">Note</th><th scope="col">Asked</th><th scope="col">${decide ? 'Decision' : 'Status'}</th></tr></thead>
  <tbody>${requestRows(d, requests, decide)}</tbody></table>`);
}

function pendingSection(d: TeamPageData): Raw {
  const body = d.pending.length
    ? html`<p class="muted">Approving raises that member's limit by the credits asked for, at once, on all their devices.</p>${requestTable(d, d.pending, true, 'Requests waiting for a decision', 'pending-caption')}`
    : html`<p class="muted" data-no-pending>No requests are waiting.</p>`;
  return html`<section class="card" id="requests" aria-labelledby="requests-h"><h2 id="requests-h">Requests for more credits <span class="badge" data-pending-count="${d.pending.length}">${fmtInt(d.pending.length)}</span></h2>${body}</section>`;
}

function limitCell(d: TeamPageData, m: TeamMember): Raw {
  const id = `limit-${m.id}`;
  const value = d.typed?.memberId === m.id ? d.typed.value : m.limit === null ? '' : String(m.limit.credits);
  return html`<form method="post" action="/team/members/${m.id}/limit" class="inline limit-form">${csrf(d)}
  <label for="${id}" class="visually-hidden">Limit for ${m.email}, in credits per cycle (empty: no limit)</label>
  <input id="${id}" name="credits" type="number" inputmode="numeric" min="0" max="1000000000" step="1" placeholder="No limit" value="${value}">
  <button type="submit" class="secondary" aria-label="Save the limit for ${m.email}">Save</button></form>`;
}

function membersSection(d: TeamPageData): Raw {
  const rows = d.team.members.map(
    (m) => html`<tr data-member="${m.id}">
  <td>${m.email}${m.id === d.viewer.me.id ? html` <small>(you)</small>` : ''}</td><td>${ROLE_LABEL[m.role]}</td>
  <td class="num" data-spent="${m.spent}">${fmtInt(m.spent)}</td><td class="num" data-held="${m.held}">${fmtInt(m.held)}</td>
  <td>${limitCell(d, m)}</td>
  <td class="num" data-left="${m.limit?.remaining ?? ''}">${m.limit ? fmtInt(m.limit.remaining) : html`<span class="muted">No limit</span>`}</td></tr>`,
  );
  return html`<section class="card" id="members" aria-labelledby="members-h"><h2 id="members-h">Members</h2>
  <p class="muted">A limit is the most pool credits a member may use in a cycle, counting credits held by AI actions still running. What is over it comes from the member's own credits. Leave the field empty for no limit.</p>
  ${wideTable('members-caption', html`<table><caption id="members-caption" class="visually-hidden">Members, their roles, what they spent from the pool this cycle and their limits</caption>
  <thead><tr><th scope="col">Member</th><th scope="col">Role</th><th scope="col" class="num">Spent this cycle</th><th scope="col" class="num">Held</th><th scope="col">Limit</th><th scope="col" class="num">Left</th></tr></thead>
  <tbody>${rows}</tbody></table>`)}</section>`;
}

function decidedSection(d: TeamPageData, heading: string): Raw {
  if (!d.decided.length) return html``;
  return html`<section class="card" id="decided" aria-labelledby="decided-h"><h2 id="decided-h">${heading}</h2>${requestTable(d, d.decided, false, `${heading}: who asked, how many credits, and the decision`, 'decided-caption')}</section>`;
}

function yourLimitSection(d: TeamPageData): Raw {
  const me = d.team.members[0];
  if (!me || me.limit === null) {
    return html`<section class="card" id="your-limit" aria-labelledby="your-limit-h"><h2 id="your-limit-h">Your limit</h2>
  <p>You have no limit: you can spend from the team's pool until it is empty. Spent from the pool this cycle: ${plural(me?.spent ?? 0, 'credit')}.</p></section>`;
  }
  const l = me.limit;
  return html`<section class="card" id="your-limit" aria-labelledby="your-limit-h"><h2 id="your-limit-h">Your limit</h2>
  <div class="stats">
    <div class="stat" data-limit-credits="${l.credits}">Your limit<b>${fmtInt(l.credits)}</b></div>
    <div class="stat" data-limit-used="${l.used}">Used this cycle<b>${fmtInt(l.used)}</b></div>
    <div class="stat" data-limit-held="${l.held}">Held now<b>${fmtInt(l.held)}</b></div>
    <div class="stat" data-limit-remaining="${l.remaining}">Left<b>${fmtInt(l.remaining)}</b></div>
  </div>
  <p class="muted">When your limit is reached, AI actions use your own activity and purchased credits (the app asks you first).</p>
  <h3 id="ask-h">Ask for more</h3>
  <form method="post" action="/team/requests" aria-labelledby="ask-h">${csrf(d)}
    <label for="ask-credits">Credits to add to your limit</label><input id="ask-credits" name="credits" type="number" inputmode="numeric" min="1" max="1000000000" step="1" required>
    <label for="ask-note">Note for the team admins (optional)</label><textarea id="ask-note" name="note" maxlength="500" rows="2"></textarea>
    <button type="submit">Send the request</button>
  </form></section>`;
}

function yourRequestsSection(d: TeamPageData): Raw {
  const all = [...d.pending, ...d.decided];
  if (!all.length) return html``;
  return html`<section class="card" id="requests" aria-labelledby="requests-h"><h2 id="requests-h">Your requests</h2>${requestTable(d, all, false, 'Your requests for more credits', 'mine-caption')}</section>`;
}

/**
 * The page's sections in order. Team admins: pool, pending requests, members, decided requests.
 * Members: pool, their limit, their requests. A later feature adds its section here.
 */
export function teamSections(d: TeamPageData): Raw[] {
  if (isTeamAdmin(d.team.role)) return [poolSection(d), pendingSection(d), membersSection(d), d.usage ?? html``, decidedSection(d, 'Decided requests')];
  return [poolSection(d), yourLimitSection(d), yourRequestsSection(d)];
}

export function teamBody(d: TeamPageData): Raw {
  const flash = d.flash
    ? d.flash.kind === 'ok'
      ? html`<p class="ok" role="status" data-flash>${d.flash.text}</p>`
      : html`<p class="error" role="alert" data-flash>${d.flash.text}</p>`
    : '';
  return html`<div data-live-region><section class="card" aria-labelledby="team-h"><h1 id="team-h">Team ${d.team.name}</h1>
  <p class="muted">You are ${d.team.role === 'owner' ? 'the owner' : d.team.role === 'admin' ? 'an admin' : 'a member'} of this team. Subscription credits belong to the team's pool; your activity and purchased credits stay yours.</p>${flash}</section>
  ${teamSections(d)}</div>${d.webhooks ? webhooksSection(d.webhooks) : ''}`;
}
