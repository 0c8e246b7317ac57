/**
 * `/upgrade`: Pro checkout on the web — choose monthly or annual, a clearly simulated payment,
 * confirm (CSRF, one form key per rendered form), then the result with *Return to Cutline*
 * (`cutline://upgrade/complete`). A Pro account is told it already is.
 */
import type { FastifyInstance } from 'fastify';
import { html } from '../http/html';
import { creditsPerCycle, cycleDays, type Billing } from '../ledger/plans';
import type { Ctx } from '../service/kernel/context';
import { balance, planView } from '../service/accounts/reads';
import { newFormKey } from '../service/orders/store';
import { PRO_PRICES, upgradeToPro } from '../service/orders/upgrade';
import { fmtDateTime, fmtInt, money, plural } from './format';
import { messagePage, seeOther, sendHtml, webPage } from './layout';
import { returnHref } from './return-link';
import { requireForm, signInUrl, viewerOf } from './session';

const SIMULATED = html`<p class="notice" role="note"><strong>Payment is simulated.</strong> This checkout takes no card details and no money: choosing <em>Pay and upgrade</em> switches your plan to Pro at once and adds its credits.</p>`;

const billingName = (b: Billing) => (b === 'annual' ? 'Pro (annual)' : 'Pro (monthly)');
const priceText = (b: Billing) => `${money(PRO_PRICES[b])} / ${b === 'annual' ? 'year' : 'month'}`;

export async function upgradeRoutes(app: FastifyInstance, ctx: Ctx): Promise<void> {
  app.get('/upgrade', async (req, reply) => {
    const viewer = await viewerOf(ctx, req);
    if (!viewer) return seeOther(reply, signInUrl('/upgrade'));
    const user = await planView(ctx, viewer.session.userId);
    if (user.plan === 'pro') {
      const what = user.onProUses ? 'legacy Pro, with Pro uses' : billingName(user.billing);
      return sendHtml(
        reply,
        200,
        messagePage(
          viewer,
          'You are already on Pro',
          `Your plan is ${what}${user.cycleEndsAt ? `; this cycle ends ${fmtDateTime(user.cycleEndsAt)}` : ''}. There is nothing to upgrade.`,
          html`<a class="button" href="/credits">Go to your credits</a><a href="/store">Buy more credits</a>`,
        ),
      );
    }
    if (user.plan === 'teams') {
      return sendHtml(reply, 200, messagePage(viewer, 'Your team pays for your credits', 'Your account is part of a team and gets its subscription credits from the team pool, so there is no Pro plan to buy here.', html`<a class="button" href="/credits">Go to your credits</a>`));
    }
    const q = (req.query ?? {}) as Record<string, unknown>;
    const chosen: Billing = q.billing === 'annual' ? 'annual' : 'monthly';
    const option = (b: Billing) => html`<label class="pack" style="display:block;font-weight:400">
  <input type="radio" name="billing" value="${b}"${b === chosen ? html` checked` : ''}> <strong>${billingName(b)}</strong> — ${priceText(b)}<br>
  <span class="muted">${fmtInt(creditsPerCycle('pro', b))} subscription credits every ${cycleDays(b)} days, starting now</span></label>`;
    const body = html`<section class="card" style="max-width:620px;margin:24px auto"><h1>Upgrade to Pro</h1>
  <p>Pro gives you subscription credits every cycle, spent before your other credits. Choose how you pay:</p>
  ${SIMULATED}
  <form method="post" action="/upgrade">
    <input type="hidden" name="csrf" value="${viewer.session.csrf}">
    <input type="hidden" name="form_key" value="${newFormKey()}">
    <fieldset style="border:0;padding:0;display:grid;gap:12px"><legend class="muted">Billing</legend>${option('monthly')}${option('annual')}</fieldset>
    <div class="actions"><button type="submit">Pay and upgrade (simulated)</button><a href="/pricing">Back to the plans</a></div>
  </form></section>`;
    return sendHtml(reply, 200, webPage('Upgrade to Pro', body, viewer, '/pricing'));
  });

  app.post('/upgrade', async (req, reply) => {
    const { viewer, form } = await requireForm(ctx, req);
    const billing = form.billing === 'annual' ? 'annual' : form.billing === 'monthly' ? 'monthly' : (String(form.billing ?? '') as Billing);
    await upgradeToPro(ctx, viewer.session.userId, billing, typeof form.form_key === 'string' ? form.form_key : '');
    return seeOther(reply, '/upgrade/complete');
  });

  app.get('/upgrade/complete', async (req, reply) => {
    const viewer = await viewerOf(ctx, req);
    if (!viewer) return seeOther(reply, signInUrl('/upgrade'));
    const user = await planView(ctx, viewer.session.userId);
    if (user.plan !== 'pro') return seeOther(reply, '/upgrade');
    const snap = await balance(ctx, viewer.session.userId);
    const credits = creditsPerCycle('pro', user.billing);
    const body = html`<section class="card" style="max-width:620px;margin:24px auto" data-upgraded="${user.billing}"><h1>Welcome to Pro</h1>
  <p class="ok">Your plan is now ${billingName(user.billing)}: ${plural(credits, 'subscription credit')} added for this cycle.</p>
  <table><tbody><tr><th>Plan</th><td>${billingName(user.billing)} — ${priceText(user.billing)} <span class="badge">simulated payment</span></td></tr>
  <tr><th>This cycle</th><td>until ${user.cycleEndsAt ? fmtDateTime(user.cycleEndsAt) : ''}</td></tr>
  <tr><th>Balance now</th><td data-total="${snap.total}">${plural(snap.total, 'credit')} (${fmtInt(snap.byType.subscription)} subscription)</td></tr></tbody></table>
  <p class="muted">The Cutline app on every device already shows your new plan and credits.</p>
  <div class="actions"><a class="button" href="${returnHref(ctx, req, 'cutline://upgrade/complete')}">Return to Cutline</a><a href="/credits">See your credits</a></div></section>`;
    return sendHtml(reply, 200, webPage('Welcome to Pro', body, viewer, '/pricing'));
  });
}
