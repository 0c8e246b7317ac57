/**
 * `/exchange`: the one-time, irreversible exchange of legacy Pro uses for subscription credits
 * (docs/product.md § Pro uses). Overview → confirm step → POST → 303 → the result page with
 * `cutline://exchange/complete`. A second exchange, or an account without Pro uses, gets a
 * refusal page. The exchange itself is `exchangeProUses` (one transaction, pushed to every device).
 */
import type { FastifyInstance } from 'fastify';
import { EXCHANGE_RATE } from '@cutline/contract/credit-types';
import { exchangeTradeOff } from '@cutline/contract/pro-uses';
import { TOOL_APPLIES_TO } from '@cutline/contract/tool-media';
import { TOOLS } from '@cutline/contract/tools';
import { html, type Raw } from '../http/html';
import { exchangePreview, exchangeProUses } from '../service/accounts/exchange';
import type { Ctx } from '../service/kernel/context';
import { balance } from '../service/accounts/reads';
import { exchangeRecord } from '../service/accounts/usage';
import { fmtDateTime, fmtInt, plural } from './format';
import { messagePage, seeOther, sendHtml, webPage, type Viewer } from './layout';
import { requireForm, signInUrl, viewerOf } from './session';
import { returnHref } from './return-link';

type Preview = Awaited<ReturnType<typeof exchangePreview>>;

const WARNING = html`<p class="warning" role="note"><strong>This cannot be undone.</strong> After the exchange you have no Pro uses, and from your next billing cycle your plan grants subscription credits instead of Pro uses. You can exchange only once.</p>`;

/** What the exchange trades, with examples from the catalogue (the same words as the desktop's prompt). */
const tradeOff = (p: Preview) => html`<p class="tradeoff" data-tradeoff>${exchangeTradeOff(p.proUses, p.credits, TOOLS, Object.keys(TOOL_APPLIES_TO))}</p>`;

/** "50 Pro uses = 40 credits, valid until …". */
const equation = (p: Preview) => `${plural(p.proUses, 'Pro use')} = ${plural(p.credits, 'credit')}, valid until ${fmtDateTime(p.validUntil)}`;

async function refusal(ctx: Ctx, viewer: Viewer, preview: Preview): Promise<{ status: number; page: string }> {
  const done = viewer.me.exchanged ? await exchangeRecord(ctx, viewer.session.userId) : null;
  const detail = done
    ? ` You exchanged ${plural(done.proUses, 'Pro use')} for ${plural(done.credits, 'credit')} on ${fmtDateTime(done.at)}.`
    : '';
  return {
    status: viewer.me.exchanged ? 409 : 403,
    page: messagePage(viewer, 'No exchange possible', `${preview.reason ?? 'This account cannot exchange.'}${detail}`, html`<a class="button" href="/credits">Go to your credits</a><a href="/pricing">See plans</a>`),
  };
}

function confirmPage(viewer: Viewer, p: Preview, error?: string): string {
  const body = html`<section class="card" style="max-width:620px;margin:24px auto"><h1>Confirm the exchange</h1>
  ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
  <p class="equation" data-equation>${equation(p)}</p>
  ${tradeOff(p)}
  ${WARNING}
  <form method="post" action="/exchange">
    <input type="hidden" name="csrf" value="${viewer.session.csrf}">
    <input type="hidden" name="pro_uses" value="${p.proUses}">
    <p><label style="font-weight:400"><input type="checkbox" name="confirm" value="yes" required> I understand that exchanging is permanent and that I will have no Pro uses afterwards.</label></p>
    <div class="actions"><button type="submit">Exchange ${plural(p.proUses, 'Pro use')} for ${plural(p.credits, 'credit')}</button><a href="/credits">Keep my Pro uses</a></div>
  </form></section>`;
  return webPage('Confirm the exchange', body, viewer, '/exchange');
}

function overview(viewer: Viewer, p: Preview, perCycle: number): Raw {
  return html`<section class="card" style="max-width:620px;margin:24px auto"><h1>Switch from Pro uses to credits</h1>
  <p>You have <strong data-pro-uses="${p.proUses}">${plural(p.proUses, 'Pro use')}</strong> left this cycle (of ${fmtInt(perCycle)}).
  Each AI action takes one Pro use, whatever the tool. Credits work with every tool at its own price and can be combined with activity and purchased credits.</p>
  <p>The published rate is ${EXCHANGE_RATE} credits per Pro use, rounded down:</p>
  <p class="equation" data-equation>${equation(p)}</p>
  ${tradeOff(p)}
  ${p.proUses === 0 ? html`<p class="muted">You have no Pro uses left this cycle, so the exchange gives no credits now; it still switches your plan to subscription credits from the next cycle.</p>` : ''}
  ${WARNING}
  <div class="actions"><a class="button" href="/exchange/confirm">Continue</a><a href="/credits">Not now</a></div></section>`;
}

export async function exchangeRoutes(app: FastifyInstance, ctx: Ctx): Promise<void> {
  app.get('/exchange', async (req, reply) => {
    const viewer = await viewerOf(ctx, req);
    if (!viewer) return seeOther(reply, signInUrl('/exchange'));
    const p = await exchangePreview(ctx, viewer.session.userId);
    if (!p.eligible) {
      const r = await refusal(ctx, viewer, p);
      return sendHtml(reply, r.status, r.page);
    }
    return sendHtml(reply, 200, webPage('Exchange Pro uses', overview(viewer, p, viewer.me.proUses?.perCycle ?? p.proUses), viewer, '/exchange'));
  });

  app.get('/exchange/confirm', async (req, reply) => {
    const viewer = await viewerOf(ctx, req);
    if (!viewer) return seeOther(reply, signInUrl('/exchange'));
    const p = await exchangePreview(ctx, viewer.session.userId);
    if (!p.eligible) {
      const r = await refusal(ctx, viewer, p);
      return sendHtml(reply, r.status, r.page);
    }
    return sendHtml(reply, 200, confirmPage(viewer, p));
  });

  app.post('/exchange', async (req, reply) => {
    const { viewer, form } = await requireForm(ctx, req);
    const p = await exchangePreview(ctx, viewer.session.userId);
    if (!p.eligible) {
      const r = await refusal(ctx, viewer, p);
      return sendHtml(reply, r.status, r.page);
    }
    if (form.confirm !== 'yes') {
      return sendHtml(reply, 400, confirmPage(viewer, p, 'Tick the box to confirm that you understand the exchange is permanent.'));
    }
    if (String(form.pro_uses ?? '') !== String(p.proUses)) {
      // The count changed since the page was shown (an AI action used a Pro use meanwhile).
      return sendHtml(reply, 409, confirmPage(viewer, p, 'Your Pro uses changed since this page was shown. Check the new numbers and confirm again.'));
    }
    await exchangeProUses(ctx, viewer.session.userId); // refusals (second exchange, open Pro-use action) become pages
    return seeOther(reply, '/exchange/complete');
  });

  app.get('/exchange/complete', async (req, reply) => {
    const viewer = await viewerOf(ctx, req);
    if (!viewer) return seeOther(reply, signInUrl('/exchange/complete'));
    const done = viewer.me.exchanged ? await exchangeRecord(ctx, viewer.session.userId) : null;
    if (!done) return seeOther(reply, '/exchange');
    const snap = await balance(ctx, viewer.session.userId);
    const body = html`<section class="card" style="max-width:620px;margin:24px auto" data-exchanged><h1>Exchange complete</h1>
  <p class="ok">${plural(done.proUses, 'Pro use')} became ${plural(done.credits, 'subscription credit')}${done.validUntil ? html`, valid until ${fmtDateTime(done.validUntil)}` : ''}.</p>
  <table><tbody><tr><th>Pro uses left</th><td data-pro-uses="0">0</td></tr>
  <tr><th>Balance now</th><td data-total="${snap.total}">${plural(snap.total, 'credit')} (${fmtInt(snap.byType.subscription)} subscription)</td></tr>
  <tr><th>Exchanged</th><td>${fmtDateTime(done.at)}</td></tr></tbody></table>
  <p class="muted">From your next billing cycle your plan grants subscription credits. The Cutline app already shows the change.</p>
  <div class="actions"><a class="button" href="${returnHref(ctx, req, 'cutline://exchange/complete')}">Return to Cutline</a><a href="/credits">See your credits</a></div></section>`;
    return sendHtml(reply, 200, webPage('Exchange complete', body, viewer, '/exchange'));
  });
}
