/** `/credits`: the balance, its split, every live batch, held credits, Pro uses, the usage chart and the full history. */
import type { FastifyInstance } from 'fastify';
import type { BalanceSnapshot, LedgerEntry, LedgerPage } from '@cutline/contract/api';
import { CREDIT_TYPES } from '@cutline/contract/credit-types';
import { html, type Raw } from '../http/html';
import type { Ctx } from '../service/context';
import { balance, ledgerPage } from '../service/reads';
import { spentPerDay, type DaySpend } from '../service/usage';
import { TYPE_COLOR, usageChart } from './chart';
import { deviceLabel, entryWords, fmtDate, fmtDateTime, fmtInt, plural, sourceLabel, toolName, TYPE_LABEL } from './format';
import { seeOther, sendHtml, webPage, type Viewer } from './layout';
import { signInUrl, viewerOf } from './session';

export const HISTORY_PAGE = 50;

function balanceCard(v: Viewer, b: BalanceSnapshot): Raw {
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
  <p class="muted">Available to spend now, on every device. ${
    b.held > 0 ? html`<span data-held="${b.held}">${plural(b.held, 'credit')} more are held by AI actions still running.</span>` : html`<span data-held="0">Nothing is held.</span>`
  }</p>
  <div class="stats">${tiles}<div class="stat" data-type="held">Held<b>${fmtInt(b.held)}</b></div>${proUses}</div>
  <p class="muted">Plan: ${plan}${v.me.cycleEndsAt ? html`, this cycle ends ${fmtDateTime(v.me.cycleEndsAt)}` : ''}.
  ${b.nextExpiry ? html`Next expiry: ${plural(b.nextExpiry.amount, 'credit')} on ${fmtDateTime(b.nextExpiry.at)}.` : 'Nothing is due to expire.'}
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

function batchesCard(b: BalanceSnapshot): Raw {
  if (b.batches.length === 0) {
    return html`<section class="card" aria-labelledby="batches-h"><h2 id="batches-h">Credit batches</h2><p class="muted">You have no credits right now.</p></section>`;
  }
  const rows = b.batches.map(
    (x) => html`<tr data-batch="${x.id}">
  <td><span class="swatch" style="background:${TYPE_COLOR[x.type]}"></span>${TYPE_LABEL[x.type]}${x.scope === 'team' ? html` <span class="badge" title="Shared by everyone in your team">Team</span>` : ''}</td>
  <td>${sourceLabel(x.source)}</td>
  <td class="num">${fmtInt(x.remaining)}</td>
  <td>${fmtDate(x.grantedAt)}</td>
  <td>${x.expiresAt ? fmtDateTime(x.expiresAt) : 'Never'}</td></tr>`,
  );
  return html`<section class="card" aria-labelledby="batches-h"><h2 id="batches-h">Credit batches</h2>
  <p class="muted">Every batch with credits left, in the order they are spent.</p>
  <div class="table-wrap"><table><thead><tr><th>Type</th><th>Source</th><th class="num">Left</th><th>Granted</th><th>Expires</th></tr></thead>
  <tbody>${rows}</tbody></table></div></section>`;
}

function historyRow(e: LedgerEntry): Raw {
  const w = entryWords(e);
  const type = e.unit === 'proUses' ? 'Pro uses' : e.type ? TYPE_LABEL[e.type] : '';
  return html`<tr data-entry="${e.id}" data-kind="${e.kind}">
  <td>${fmtDateTime(e.at)}</td><td>${w.what}</td>
  <td class="num ${w.direction === 'none' ? '' : w.direction}">${w.amount}</td>
  <td>${type}</td><td>${toolName(e.tool)}</td><td>${deviceLabel(e.device)}</td></tr>`;
}

function historyCard(page: LedgerPage, before: string | undefined): Raw {
  const pager = html`<nav class="pager" aria-label="History pages">${before ? html`<a href="/credits#history">Newest</a>` : ''}${
    page.next ? html`<a href="/credits?before=${page.next}#history" rel="next">Older entries</a>` : ''
  }</nav>`;
  const body =
    page.entries.length === 0
      ? html`<p class="muted">${before ? 'No older entries.' : 'Nothing has happened on this account yet.'}</p>`
      : html`<div class="table-wrap"><table><thead><tr><th>When</th><th>What</th><th class="num">Amount</th><th>Type</th><th>Tool</th><th>Device</th></tr></thead>
  <tbody>${page.entries.map(historyRow)}</tbody></table></div>`;
  return html`<section class="card" id="history" aria-labelledby="history-h"><h2 id="history-h">History</h2>
  <p class="muted">Everything that moved credits or Pro uses, from every device, newest first.</p>${body}${pager}</section>`;
}

export async function creditsRoutes(app: FastifyInstance, ctx: Ctx): Promise<void> {
  app.get('/credits', async (req, reply) => {
    const viewer = await viewerOf(ctx, req);
    if (!viewer) return seeOther(reply, signInUrl('/credits'));
    const q = (req.query ?? {}) as Record<string, unknown>;
    const before = typeof q.before === 'string' && /^[0-9]{1,15}$/.test(q.before) ? q.before : undefined;
    const userId = viewer.session.userId;
    const [snap, history, days] = [await balance(ctx, userId), await ledgerPage(ctx, userId, HISTORY_PAGE, before), await spentPerDay(ctx, userId, 30)];
    const body = html`${balanceCard(viewer, snap)}${chartCard(days)}${batchesCard(snap)}${historyCard(history, before)}`;
    return sendHtml(reply, 200, webPage('Your credits', body, viewer, '/credits'));
  });
}
