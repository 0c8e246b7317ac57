/** `/pricing`: the plans of PLAN_CATALOGUE and what each grants; public, and marks the viewer's plan. */
import type { FastifyInstance } from 'fastify';
import { EXCHANGE_RATE } from '@cutline/contract/credit-types';
import { html } from '../http/html';
import { PLAN_CATALOGUE, type PlanInfo } from '../ledger/plans';
import { planView } from '../service/accounts/reads';
import type { Ctx } from '../service/kernel/context';
import { PACKS } from '../service/orders/store';
import { fmtInt, money } from './format';
import { sendHtml, webPage } from './layout';
import { viewerOf } from './session';

export async function pricingRoutes(app: FastifyInstance, ctx: Ctx): Promise<void> {
  app.get('/pricing', async (req, reply) => {
    const viewer = await viewerOf(ctx, req);
    const current = viewer ? (await planView(ctx, viewer.session.userId)).catalogueId : null;
    const card = (p: PlanInfo) => html`<div class="pack plan${p.id === current ? ' current' : ''}" data-plan="${p.id}">
  <h3>${p.name}${p.id === current ? html` <span class="badge">Your plan</span>` : ''}</h3><p class="big">${p.price}</p><p>${p.grants}</p>${choose(p)}</div>`;
    // Each plan leads somewhere: Pro to its checkout (which tells a Pro account it already is).
    const choose = (p: PlanInfo) => {
      if (p.id === current) return '';
      if (p.id === 'pro-monthly') return html`<a class="button" href="/upgrade?billing=monthly">Choose Pro monthly</a>`;
      if (p.id === 'pro-annual') return html`<a class="button" href="/upgrade?billing=annual">Choose Pro annual</a>`;
      if (p.id === 'teams') return html`<p class="muted">Teams are set up for you by Cutline: ask your team's admin to add you.</p>`;
      return '';
    };
    const packs = PACKS.map((p) => html`<li>${fmtInt(p.credits)} credits for ${money(p.priceCents)}</li>`);
    const body = html`<section class="card"><h1>Plans</h1>
  <p class="muted">Every plan includes the editor. AI tools are paid with credits: subscription credits from a paid plan, activity credits from campaigns, and credits bought in the store.</p>
  <div class="plans">${PLAN_CATALOGUE.map(card)}</div></section>
  <section class="card"><h2>Credit packs</h2><p>On any plan you can buy credits in the web store; they stay valid for 2 years and are spent after your subscription and activity credits.</p>
  <ul>${packs}</ul><a class="button" href="/store">Go to the store</a></section>
  <section class="card"><h2>Pro uses (legacy Pro)</h2><p>Earlier Pro subscriptions came with a monthly number of Pro uses: one per AI action, whatever the tool.
  Such a subscriber can switch once to credits at ${EXCHANGE_RATE} credits per Pro use (50 Pro uses = 40 credits), valid until the end of the current cycle.</p></section>`;
    return sendHtml(reply, 200, webPage('Pricing', body, viewer, '/pricing'));
  });
}
