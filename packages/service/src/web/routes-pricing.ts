/**
 * `/pricing`: the plans of PLAN_CATALOGUE and what each grants, what every AI tool costs (from the
 * tool catalogue), the credit packs and the Pro-uses exchange; public, and marks the viewer's plan.
 * Laid out so a price never breaks inside its figure and the plans fill their rows evenly (4, 2 + 2
 * or one per row, never 3 + 1).
 */
import type { FastifyInstance } from 'fastify';
import { EXCHANGE_RATE } from '@cutline/contract/credit-types';
import { GENERATE_TOOLS, TOOL_APPLIES_TO } from '@cutline/contract/tool-media';
import { TOOLS } from '@cutline/contract/tools';
import type { MediaKind } from '@cutline/contract/media-rules';
import { html } from '../http/html';
import { PLAN_CATALOGUE, type PlanInfo } from '../ledger/plans';
import { planView } from '../service/accounts/reads';
import type { Ctx } from '../service/kernel/context';
import { PACKS } from '../service/orders/store';
import { fmtInt, money, plural } from './format';
import { sendHtml, webPage, wideTable } from './layout';
import { viewerOf } from './session';

const PRICING_CSS = `
.plans{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:12px}
@media (max-width:760px){.plans{grid-template-columns:repeat(2,minmax(0,1fr))}}
@media (max-width:440px){.plans{grid-template-columns:minmax(0,1fr)}}
.price{margin:0 0 8px;line-height:1.2}.price .figure{font-size:32px;font-weight:700;white-space:nowrap}
.price .per,.price .from{white-space:nowrap;color:var(--muted)}.plan h3{margin-top:0}
.tools td:first-child{font-weight:600}
`;

const KIND_WORDS: Record<MediaKind, string> = { video: 'video', image: 'images', audio: 'audio' };
const worksOn = (id: string): string => {
  const makes = GENERATE_TOOLS[id];
  if (makes) return `Makes a new ${makes === 'image' ? 'image' : 'video'} clip`;
  const kinds = TOOL_APPLIES_TO[id] ?? [];
  const words = kinds.map((k) => KIND_WORDS[k]);
  return words.length ? `${words[0][0].toUpperCase()}${words.join(', ').slice(1)}` : '';
};

export async function pricingRoutes(app: FastifyInstance, ctx: Ctx): Promise<void> {
  app.get('/pricing', async (req, reply) => {
    const viewer = await viewerOf(ctx, req);
    const current = viewer ? (await planView(ctx, viewer.session.userId)).catalogueId : null;
    const price = (p: PlanInfo) =>
      // the spaces between the parts are where a narrow card may wrap; never inside a part
      html`<p class="price" data-price>${p.price.from ? html`<span class="from">from</span> ` : ''}<span class="figure">${p.price.amount}</span>${
        p.price.per ? html` <span class="per">/ ${p.price.per}</span>` : ''
      }</p>`;
    const card = (p: PlanInfo) => html`<div class="pack plan${p.id === current ? ' current' : ''}" data-plan="${p.id}">
  <h3>${p.name}${p.id === current ? html` <span class="badge">Your plan</span>` : ''}</h3>${price(p)}<p>${p.grants}</p>${choose(p)}</div>`;
    // Each plan leads somewhere: Pro to its checkout (which tells a Pro account it already is).
    const choose = (p: PlanInfo) => {
      if (p.id === current) return '';
      if (p.id === 'pro-monthly') return html`<a class="button" href="/upgrade?billing=monthly">Choose Pro monthly</a>`;
      if (p.id === 'pro-annual') return html`<a class="button" href="/upgrade?billing=annual">Choose Pro annual</a>`;
      if (p.id === 'teams') return html`<p class="muted">Teams are set up for you by Cutline: ask your team's admin to add you.</p>`;
      return '';
    };
    const packs = PACKS.map((p) => html`<li>${fmtInt(p.credits)} credits for ${money(p.priceCents)}</li>`);
    const tools = TOOLS.map(
      (t) => html`<tr data-tool="${t.id}"><td>${t.name}</td><td>${worksOn(t.id)}</td><td class="num" data-cost="${t.cost}">${plural(t.cost, 'credit')}</td></tr>`,
    );
    const body = html`<style>${PRICING_CSS}</style><section class="card"><h1>Plans</h1>
  <p class="muted">Every plan includes the editor. AI tools are paid with credits: subscription credits from a paid plan, activity credits from campaigns, and credits bought in the store.</p>
  <div class="plans">${PLAN_CATALOGUE.map(card)}</div></section>
  <section class="card" aria-labelledby="tools-h"><h2 id="tools-h">What each AI tool costs</h2>
  <p class="muted">Credits per use, the same on every plan and every device. A use is charged only when its result is delivered; a failed or cancelled one returns its credits.</p>
  ${wideTable('tools-h', html`<table class="tools"><thead><tr><th>Tool</th><th>Works on</th><th class="num">Price</th></tr></thead><tbody>${tools}</tbody></table>`)}</section>
  <section class="card"><h2>Credit packs</h2><p>On any plan you can buy credits in the web store; they stay valid for 2 years and are spent after your subscription and activity credits.</p>
  <ul>${packs}</ul><a class="button" href="/store">Go to the store</a></section>
  <section class="card"><h2>Pro uses (legacy Pro)</h2><p>Earlier Pro subscriptions came with a monthly number of Pro uses: one per AI action, whatever the tool.
  Such a subscriber can switch once to credits at ${EXCHANGE_RATE} credits per Pro use (50 Pro uses = 40 credits), valid until the end of the current cycle.</p></section>`;
    return sendHtml(reply, 200, webPage('Pricing', body, viewer, '/pricing'));
  });
}
