/**
 * `/team`'s *Webhooks* section (team admins): add a webhook (its signing secret shown once, right
 * after), each webhook with its events, *Send test event*, *Delete…* and its recent deliveries —
 * status, attempts, the receiver's last answer. Every form posts with the session's CSRF token and
 * works without JavaScript. Pure: data in, HTML out.
 */
import { WEBHOOK_EVENT_TYPES, type Webhook, type WebhookCreated, type WebhookDelivery, type WebhookEventType } from '@cutline/contract/webhooks';
import { html, type Raw } from '../http/html';
import { fmtInt, plural } from './format';
import { fmtZoned } from './time-zone';

export const EVENT_WORDS: Record<WebhookEventType, string> = {
  'pool.low': 'The pool falls below a number of credits',
  'pool.expiring': 'Pool credits expire within 72 hours',
  'member.limit_near': 'A member nears their limit',
  'member.limit_reached': 'A member reaches their limit',
  'limit_request.created': 'A member asks for more credits',
};

/** Deliveries shown under each webhook (the API lists more). */
export const DELIVERIES_SHOWN = 10;

export interface WebhooksSectionData {
  csrf: string;
  zone: string;
  hooks: { hook: Webhook; deliveries: WebhookDelivery[] }[];
  /** The webhook just made: its secret is shown this once. */
  created?: WebhookCreated;
  /** The add form came back refused: what was typed. */
  typed?: { url: string; events: string[]; poolLowBelow: string; memberNearPercent: string };
}

const csrfField = (d: WebhooksSectionData) => html`<input type="hidden" name="csrf" value="${d.csrf}">`;

const STATUS_WORDS: Record<WebhookDelivery['status'], string> = { pending: 'Retrying', delivered: 'Delivered', failed: 'Failed' };

function deliveryRow(x: WebhookDelivery, zone: string): Raw {
  const answer = x.lastStatus !== null ? `HTTP ${x.lastStatus}` : x.attempts === 0 ? 'Not sent yet' : 'No answer';
  const status = x.status === 'pending' && x.attempts === 0 ? 'Waiting' : STATUS_WORDS[x.status];
  return html`<tr data-delivery="${x.id}" data-status="${x.status}" data-attempts="${x.attempts}">
  <td>${x.type}</td><td>${status}</td><td class="num">${fmtInt(x.attempts)}</td>
  <td${x.lastError ? html` title="${x.lastError}"` : ''}>${answer}${x.lastError && x.status !== 'delivered' ? html`<br><small>${x.lastError}</small>` : ''}</td>
  <td class="when">${fmtZoned(x.createdAt, zone)}</td><td class="when">${x.deliveredAt ? fmtZoned(x.deliveredAt, zone) : ''}</td></tr>`;
}

function hookCard(d: WebhooksSectionData, hook: Webhook, deliveries: WebhookDelivery[]): Raw {
  const events = hook.events.map((e) => (e === 'pool.low' && hook.poolLowBelow !== null ? `${e} (below ${fmtInt(hook.poolLowBelow)})` : e === 'member.limit_near' ? `${e} (${hook.memberNearPercent} %)` : e));
  const shown = deliveries.slice(0, DELIVERIES_SHOWN);
  return html`<article class="webhook" data-webhook="${hook.id}" aria-label="Webhook ${hook.url}">
  <p><b class="url">${hook.url}</b><br><small class="muted">${events.join(', ')} · added ${fmtZoned(hook.createdAt, d.zone)}</small></p>
  <div class="actions">
    <form method="post" action="/team/webhooks/${hook.id}/test" class="inline">${csrfField(d)}<button type="submit" class="secondary">Send test event</button></form>
    <form method="post" action="/team/webhooks/${hook.id}/delete" class="inline">${csrfField(d)}<button type="submit" class="secondary" aria-label="Delete the webhook to ${hook.url}">Delete</button></form>
  </div>
  ${
    shown.length
      ? html`<div class="table-wrap"><table data-deliveries="${hook.id}"><caption>Recent deliveries</caption>
  <thead><tr><th>Event</th><th>Status</th><th class="num">Attempts</th><th>Last answer</th><th>Sent</th><th>Delivered</th></tr></thead>
  <tbody>${shown.map((x) => deliveryRow(x, d.zone))}</tbody></table></div>`
      : html`<p class="muted">Nothing sent yet.</p>`
  }</article>`;
}

function addForm(d: WebhooksSectionData): Raw {
  const t = d.typed;
  const checked = (e: WebhookEventType) => (t ? t.events.includes(e) : e === 'pool.low');
  return html`<form method="post" action="/team/webhooks" aria-label="Add a webhook">${csrfField(d)}
  <label for="wh-url">Receiver URL (https)</label><input id="wh-url" name="url" type="url" required maxlength="2000" placeholder="https://example.com/cutline-webhook" value="${t?.url ?? ''}">
  <fieldset><legend>Send these events</legend>${WEBHOOK_EVENT_TYPES.map(
    (e) => html`<label class="check"><input type="checkbox" name="events" value="${e}"${checked(e) ? html` checked` : ''}> <code>${e}</code> — ${EVENT_WORDS[e]}</label>`,
  )}</fieldset>
  <label for="wh-low">Pool low: below how many credits (for <code>pool.low</code>)</label><input id="wh-low" name="poolLowBelow" inputmode="numeric" pattern="[0-9]*" value="${t?.poolLowBelow ?? ''}">
  <label for="wh-near">Member near their limit at (percent, for <code>member.limit_near</code>)</label><input id="wh-near" name="memberNearPercent" inputmode="numeric" pattern="[0-9]*" value="${t?.memberNearPercent ?? '80'}">
  <button type="submit">Add webhook</button></form>`;
}

export function webhooksSection(d: WebhooksSectionData): Raw {
  const secret = d.created
    ? html`<div class="notice" role="status" data-new-secret><p>Webhook added. Its signing secret is shown only now — copy it into your receiver:</p>
  <p><code data-secret>${d.created.secret}</code></p>
  <p class="muted">Every delivery carries <code>webhook-id</code>, <code>webhook-timestamp</code> and <code>webhook-signature</code> (Standard Webhooks): verify them with this secret.</p></div>`
    : '';
  return html`<section class="card" id="webhooks" aria-labelledby="webhooks-h"><h2 id="webhooks-h">Webhooks</h2>
  <p class="muted">Cutline tells your systems when the team's credits need attention: a signed POST to each URL below, retried for a day until it answers. ${plural(d.hooks.length, 'webhook')}.</p>
  ${secret}${d.hooks.map((h) => hookCard(d, h.hook, h.deliveries))}
  <h3>Add a webhook</h3>${addForm(d)}</section>`;
}
