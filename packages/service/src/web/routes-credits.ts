/**
 * `/credits`: the balance, its split, every live batch, held credits, Pro uses, the usage chart,
 * where the credits went in a chosen period (usage-card.ts) and the full history — updated in place when the account changes where JavaScript runs (`live.ts`).
 */
import type { FastifyInstance } from 'fastify';
import type { BalanceSnapshot, LedgerEntry, LedgerPage } from '@cutline/contract/api';
import { CREDIT_TYPES } from '@cutline/contract/credit-types';
import { html, type Raw } from '../http/html';
import type { Ctx } from '../service/kernel/context';
import { ServiceError } from '../service/kernel/errors';
import { balance, chargeStatuses, ledgerPage } from '../service/accounts/reads';
import { historyRows, type HistoryRow } from './history-rows';
import { fmtZoned, isZone, setZone, weekday, ZONES, zoneOf } from './time-zone';
import { spentPerDay, type DaySpend } from '../service/accounts/usage';
import { TYPE_COLOR, usageChart } from './chart';
import { deviceLabel, entryWords, fmtDate, fmtInt, plural, sourceLabel, toolName, TYPE_LABEL } from './format';
import { LIVE_PAGE_CSP, seeOther, sendHtml, webPage, wideTable, type Viewer } from './layout';
import { LIVE_SCRIPT_PATH } from './live';
import { requireForm, safeNext, signInUrl, viewerOf } from './session';
import { chosenPeriod, ownUsage, usageCard } from './usage-card';

export const HISTORY_PAGE = 50;

const SOON_MS = 72 * 3_600_000;

/** "30 activity credits expire on Thursday": credits expiring within 72 hours, per type and day. */
export function expiringSoon(b: BalanceSnapshot, now: number, zone: string): string[] {
  const groups = new Map<string, { type: string; amount: number; at: string }>();
  for (const x of b.batches) {
    if (!x.expiresAt || x.remaining <= 0) continue;
    const at = Date.parse(x.expiresAt);
    if (at <= now || at - now > SOON_MS) continue;
    const key = `${x.type}|${weekday(at, zone)}`;
    const g = groups.get(key);
    if (g) g.amount += x.remaining;
    else groups.set(key, { type: x.type, amount: x.remaining, at: x.expiresAt });
  }
  return [...groups.values()]
    .sort((p, q) => Date.parse(p.at) - Date.parse(q.at))
    .map((g) => `${plural(g.amount, `${g.type} credit`)} expire${g.amount === 1 ? 's' : ''} on ${weekday(g.at, zone)} (${fmtZoned(g.at, zone)})`);
}

function balanceCard(v: Viewer, b: BalanceSnapshot, zone: string, now: number): Raw {
  const soon = expiringSoon(b, now, zone);
  const plan = v.me.plan === 'pro' ? 'Pro' : v.me.plan === 'teams' ? 'Teams' : 'Free';
  const tiles = CREDIT_TYPES.map(
    (t) => html`<div class="stat" data-type="${t}"><span class="swatch" style="background:${TYPE_COLOR[t]}"></span>${TYPE_LABEL[t]}<b>${fmtInt(b.byType[t])}</b></div>`,
  );
  const proUses = b.proUses
    ? html`<div class="stat" data-type="proUses">Pro uses left<b>${fmtInt(b.proUses.remaining)} <small class="muted">of ${fmtInt(b.proUses.perCycle)}</small></b></div>`
    : '';
  return html`<section class="card" aria-labelledby="balance-h">
  <h1 id="balance-h">Your credits</h1>
  <p class="big" data-total="${b.total}">${plural(b.total, 'credit')}</p>
  ${soon.length ? html`<div class="warning" role="status" data-expiring-soon>${soon.map((l) => html`<p style="margin:0">${l}</p>`)}</div>` : ''}
  <p class="muted">Available to spend now, on every device. ${
    b.held > 0 ? html`<span data-held="${b.held}">${plural(b.held, 'credit')} more are held by AI actions still running.</span>` : html`<span data-held="0">Nothing is held.</span>`
  }</p>
  <div class="stats">${tiles}<div class="stat" data-type="held">Held<b>${fmtInt(b.held)}</b></div>${proUses}</div>
  <p class="muted">Plan: ${plan}${v.me.cycleEndsAt ? html`, this cycle ends ${fmtZoned(v.me.cycleEndsAt, zone)}` : ''}.
  ${b.nextExpiry ? html`Next expiry: ${plural(b.nextExpiry.amount, 'credit')} on ${fmtZoned(b.nextExpiry.at, zone)}.` : 'Nothing is due to expire.'}
  Credits are spent subscription first, then activity, then purchased; within a type, the batch that expires first goes first.</p>
  <div class="actions"><a class="button" href="/store">Buy credits</a>${v.me.proUses ? html`<a href="/exchange">Exchange Pro uses for credits</a>` : ''}</div>
</section>`;
}

function chartCard(days: DaySpend[]): Raw {
  const totals = Object.fromEntries(CREDIT_TYPES.map((t) => [t, days.reduce((s, d) => s + d.byType[t], 0)]));
  const legend = CREDIT_TYPES.map((t) => html`<span><span class="swatch" style="background:${TYPE_COLOR[t]}"></span>${TYPE_LABEL[t]}: ${fmtInt(totals[t])}</span>`);
  return html`<section class="card" aria-labelledby="usage-h"><h2 id="usage-h">Credits spent per day</h2>
  <p class="muted">Last ${days.length} days, by credit type (UTC days). Returned credits from failed or cancelled actions do not count.</p>
  ${usageChart(days)}<div class="legend">${legend}</div></section>`;
}

function batchesCard(b: BalanceSnapshot, zone: string): Raw {
  if (b.batches.length === 0) {
    return html`<section class="card" aria-labelledby="batches-h"><h2 id="batches-h">Credit batches</h2><p class="muted">You have no credits right now.</p></section>`;
  }
  const rows = b.batches.map(
    (x) => html`<tr data-batch="${x.id}">
  <td><span class="swatch" style="background:${TYPE_COLOR[x.type]}"></span>${TYPE_LABEL[x.type]}${x.scope === 'team' ? html` <span class="badge" title="Shared by everyone in your team">Team</span>` : ''}</td>
  <td>${sourceLabel(x.source)}</td>
  <td class="num">${fmtInt(x.remaining)}</td>
  <td class="when">${fmtDate(x.grantedAt)}</td>
  <td class="when">${x.expiresAt ? fmtZoned(x.expiresAt, zone) : 'Never'}</td></tr>`,
  );
  return html`<section class="card" aria-labelledby="batches-h"><h2 id="batches-h">Credit batches</h2>
  <p class="muted">Every batch with credits left, in the order they are spent.</p>
  ${wideTable('batches-h', html`<table><thead><tr><th>Type</th><th>Source</th><th class="num">Left</th><th>Granted</th><th>Expires</th></tr></thead>
  <tbody>${rows}</tbody></table>`)}</section>`;
}

function single(e: LedgerEntry) {
  const w = entryWords(e);
  return { what: w.what, amount: w.amount, direction: w.direction, type: e.unit === 'proUses' ? 'Pro uses' : e.type ? TYPE_LABEL[e.type] : '' };
}

function historyRow(r: HistoryRow, viewerId: string, zone: string): Raw {
  const by = r.member && r.member.id !== viewerId ? html`<br><small>by ${r.member.email}</small>` : '';
  const project = r.project ? html`<br><small data-project="${r.project.id}">Project: ${r.project.name}</small>` : '';
  return html`<tr data-entry="${r.key}" data-kind="${r.kind}">
  <td class="when">${fmtZoned(r.at, zone)}</td><td>${r.what}${project}${by}</td>
  <td class="num ${r.direction === 'none' ? '' : r.direction}">${r.amount}</td>
  <td>${r.type}</td><td>${toolName(r.tool)}</td><td class="when"${r.device ? html` title="${r.device.id}"` : ''}>${deviceLabel(r.device)}</td></tr>`;
}

function zoneForm(viewer: Viewer, zone: string): Raw {
  const options = ZONES.map((z) => (z === zone ? html`<option selected>${z}</option>` : html`<option>${z}</option>`));
  return html`<form method="post" action="/settings/time-zone" class="actions" aria-label="Time zone">
  <input type="hidden" name="csrf" value="${viewer.session.csrf}"><input type="hidden" name="next" value="/credits#history">
  <label for="tz" style="margin:0">Times shown in</label><select id="tz" name="tz">${options}</select>
  <button type="submit" class="secondary" style="margin:0">Use this time zone</button></form>`;
}

function historyCard(page: LedgerPage, before: string | undefined, rows: HistoryRow[], viewer: Viewer, zone: string): Raw {
  const pager = html`<nav class="pager" aria-label="History pages">${before ? html`<a href="/credits#history">Newest</a>` : ''}${
    page.next ? html`<a href="/credits?before=${page.next}#history" rel="next">Older entries</a>` : ''
  }</nav>`;
  const body =
    page.entries.length === 0
      ? html`<p class="muted">${before ? 'No older entries.' : 'Nothing has happened on this account yet.'}</p>`
      : wideTable('history-h', html`<table><thead><tr><th>When</th><th>What</th><th class="num">Amount</th><th>Type</th><th>Tool</th><th>Device</th></tr></thead>
  <tbody>${rows.map((r) => historyRow(r, viewer.me.id, zone))}</tbody></table>`);
  return html`<section class="card" id="history" aria-labelledby="history-h"><h2 id="history-h">History</h2>
  <p class="muted">Everything that moved credits or Pro uses, from every device (your team's pool included), newest first: one row per action. Times in ${zone}.</p>
  ${zoneForm(viewer, zone)}${body}${pager}</section>`;
}

export async function creditsRoutes(app: FastifyInstance, ctx: Ctx): Promise<void> {
  app.get('/credits', async (req, reply) => {
    const viewer = await viewerOf(ctx, req);
    if (!viewer) return seeOther(reply, signInUrl('/credits'));
    const q = (req.query ?? {}) as Record<string, unknown>;
    const before = typeof q.before === 'string' && /^[0-9]{1,15}$/.test(q.before) ? q.before : undefined;
    const userId = viewer.session.userId;
    const period = chosenPeriod(q, ctx.clock.now());
    const [snap, history, days] = [await balance(ctx, userId), await ledgerPage(ctx, userId, HISTORY_PAGE, before), await spentPerDay(ctx, userId, 30)];
    const usage = await usageCard(ctx, ownUsage(userId), period);
    const zone = zoneOf(ctx, req);
    // A hold whose capture or release is on a newer page is shown there (one row per action).
    const heldOnly = [...new Set(history.entries.filter((e) => e.chargeId && e.kind === 'hold').map((e) => e.chargeId!))].filter(
      (id) => !history.entries.some((e) => e.chargeId === id && e.kind !== 'hold'),
    );
    const statuses = before ? await chargeStatuses(ctx, heldOnly) : new Map<string, string>();
    const settledElsewhere = new Set([...statuses].filter(([, s]) => s !== 'held').map(([id]) => id));
    const rows = historyRows(history.entries, single, settledElsewhere);
    // The live region: what the page's script swaps when the account changes (live.ts); the
    // page is whole without it.
    const body = html`<p class="visually-hidden" role="status" data-live-status></p><div data-live-region data-version="${snap.version}">${balanceCard(viewer, snap, zone, ctx.clock.now())}${chartCard(days)}${usage}${batchesCard(snap, zone)}${historyCard(history, before, rows, viewer, zone)}</div>`;
    return sendHtml(reply, 200, webPage('Your credits', body, viewer, '/credits', { script: LIVE_SCRIPT_PATH }), LIVE_PAGE_CSP);
  });

  app.post('/settings/time-zone', async (req, reply) => {
    const { form } = await requireForm(ctx, req);
    if (!isZone(form.tz)) throw new ServiceError('invalid_request', 'That is not a time zone Cutline knows. Choose one from the list.');
    setZone(ctx, reply, form.tz);
    return seeOther(reply, safeNext(String(form.next ?? '/credits').split('#')[0]) + '#history');
  });
}
