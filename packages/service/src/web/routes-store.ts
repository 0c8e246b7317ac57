/**
 * `/store`: credit packs, a checkout with simulated payment, and the order page with the
 * *Return to Cutline* link. POST /store/checkout → 303 → GET /store/orders/:id, and the form's
 * idempotency key makes a repeated submission find the same order.
 */
import type { FastifyInstance } from 'fastify';
import { html, type Raw } from '../http/html';
import { PURCHASED_VALID_MS } from '../ledger/plans';
import type { Ctx } from '../service/kernel/context';
import { ServiceError } from '../service/kernel/errors';
import { balance } from '../service/accounts/reads';
import { findPack, newFormKey, PACKS, placeOrder, recentOrders, getOrder, type Order, type Pack } from '../service/orders/store';
import { fmtDateTime, fmtInt, money, plural } from './format';
import { messagePage, seeOther, sendHtml, webPage } from './layout';
import { returnHref } from './return-link';
import { requireForm, signInUrl, viewerOf } from './session';

const SIMULATED = html`<p class="notice" role="note"><strong>Payment is simulated.</strong> This store takes no card details and no money: choosing <em>Pay</em> records the order and adds the credits at once.</p>`;

const packTitle = (p: Pack) => `${fmtInt(p.credits)} credits`;
const validYears = Math.round(PURCHASED_VALID_MS / (365 * 86_400_000));

function packCard(p: Pack): Raw {
  const perCredit = (p.priceCents / p.credits).toFixed(1);
  return html`<div class="pack" data-pack="${p.id}"><h3>${packTitle(p)}</h3><p class="big">${money(p.priceCents)}</p>
  <p class="muted">${perCredit}¢ per credit · valid ${validYears} years from purchase</p>
  <a class="button" href="/store/checkout?pack=${p.id}">Buy ${packTitle(p)}</a></div>`;
}

function orderRow(o: Order): Raw {
  return html`<li><a href="/store/orders/${o.id}">${fmtDateTime(o.createdAt)}: ${plural(o.credits, 'credit')} for ${money(o.priceCents)}</a></li>`;
}

export async function storeRoutes(app: FastifyInstance, ctx: Ctx): Promise<void> {
  app.get('/store', async (req, reply) => {
    const viewer = await viewerOf(ctx, req);
    if (!viewer) return seeOther(reply, signInUrl('/store'));
    const userId = viewer.session.userId;
    const [snap, orders] = [await balance(ctx, userId), await recentOrders(ctx, userId, 5)];
    const body = html`<section class="card"><h1>Buy credits</h1>
  <p>You have <strong data-total="${snap.total}">${plural(snap.total, 'credit')}</strong>, ${fmtInt(snap.byType.purchased)} of them purchased.
  Purchased credits are spent last, after subscription and activity credits, and last ${validYears} years.</p>${SIMULATED}
  <div class="packs">${PACKS.map(packCard)}</div></section>
  ${orders.length ? html`<section class="card"><h2>Your recent orders</h2><ul>${orders.map(orderRow)}</ul></section>` : ''}`;
    return sendHtml(reply, 200, webPage('Store', body, viewer, '/store'));
  });

  app.get('/store/checkout', async (req, reply) => {
    const q = (req.query ?? {}) as Record<string, unknown>;
    const packId = typeof q.pack === 'string' ? q.pack : '';
    const viewer = await viewerOf(ctx, req);
    if (!viewer) return seeOther(reply, signInUrl(findPack(packId) ? `/store/checkout?pack=${packId}` : '/store'));
    const pack = findPack(packId);
    if (!pack) {
      return sendHtml(reply, 404, messagePage(viewer, 'No such pack', 'That credit pack does not exist. Choose one in the store.', html`<a class="button" href="/store">Go to the store</a>`));
    }
    // A fresh key per rendered form: submitting this form any number of times buys once.
    const recent = (await recentOrders(ctx, viewer.session.userId, 5)).find((o) => o.pack === pack.id && ctx.clock.now() - o.createdAt < 10 * 60_000);
    const body = html`<section class="card" style="max-width:560px;margin:24px auto"><h1>Checkout</h1>
  <table><tbody><tr><th>Pack</th><td>${packTitle(pack)}</td></tr><tr><th>Price</th><td>${money(pack.priceCents)}</td></tr>
  <tr><th>Valid</th><td>${validYears} years from purchase</td></tr></tbody></table>
  ${SIMULATED}
  ${recent ? html`<p class="warning">You bought this pack ${fmtDateTime(recent.createdAt)} (<a href="/store/orders/${recent.id}">order ${recent.id}</a>). Paying again buys it a second time.</p>` : ''}
  <form method="post" action="/store/checkout">
    <input type="hidden" name="csrf" value="${viewer.session.csrf}">
    <input type="hidden" name="pack" value="${pack.id}">
    <input type="hidden" name="form_key" value="${newFormKey()}">
    <div class="actions"><button type="submit">Pay ${money(pack.priceCents)} (simulated)</button><a href="/store">Cancel</a></div>
  </form></section>`;
    return sendHtml(reply, 200, webPage('Checkout', body, viewer, '/store'));
  });

  app.post('/store/checkout', async (req, reply) => {
    const { viewer, form } = await requireForm(ctx, req);
    const pack = typeof form.pack === 'string' ? form.pack : '';
    const formKey = typeof form.form_key === 'string' ? form.form_key : '';
    const { order } = await placeOrder(ctx, viewer.session.userId, pack, formKey);
    return seeOther(reply, `/store/orders/${order.id}`);
  });

  app.get('/store/orders/:id', async (req, reply) => {
    const { id } = req.params as { id: string };
    const viewer = await viewerOf(ctx, req);
    if (!viewer) return seeOther(reply, signInUrl(/^ord_[A-Za-z0-9_-]{1,64}$/.test(id) ? `/store/orders/${id}` : '/store'));
    const order = await getOrder(ctx, viewer.session.userId, id);
    if (!order) throw new ServiceError('not_found', 'There is no such order on this account.');
    const snap = await balance(ctx, viewer.session.userId);
    const back = returnHref(ctx, req, `cutline://store/complete?${new URLSearchParams({ order: order.id })}`);
    const body = html`<section class="card" style="max-width:620px;margin:24px auto" data-order="${order.id}">
  <h1>Thank you: ${plural(order.credits, 'credit')} added</h1>
  <p class="ok">Order ${order.id} is complete. ${plural(order.credits, 'purchased credit')} ${order.expiresAt ? html`are valid until ${fmtDateTime(order.expiresAt)}` : ''}.</p>
  <table><tbody><tr><th>Pack</th><td>${plural(order.credits, 'credit')}</td></tr>
  <tr><th>Paid</th><td>${money(order.priceCents)} <span class="badge">simulated payment</span></td></tr>
  <tr><th>Ordered</th><td>${fmtDateTime(order.createdAt)}</td></tr>
  <tr><th>Balance now</th><td data-total="${snap.total}">${plural(snap.total, 'credit')} (${fmtInt(snap.byType.purchased)} purchased)</td></tr></tbody></table>
  <p class="muted">Your balance is already updated in the Cutline app on every device.</p>
  <div class="actions"><a class="button" href="${back}">Return to Cutline</a><a href="/credits">See your credits</a><a href="/store">Back to the store</a></div>
</section>`;
    return sendHtml(reply, 200, webPage('Order complete', body, viewer, '/store'));
  });
}
