/**
 * `/team`: the team's pool and members' limits for team admins (limits edited inline, requests
 * approved or denied), a member's own limit and requests for a member. Forms post, then 303 back
 * to the page with what was done (`?done=`); a refused form comes back as the page with the
 * reason. Updated in place where JavaScript runs (the `/credits` live script: the page's account
 * changes with every pool movement, limit and request), whole without it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isTeamAdmin } from '@cutline/contract/credit-types';
import { text } from '@cutline/contract/text';
import { WebhookCreateSchema } from '@cutline/contract/webhooks';
import type { Ctx } from '../service/kernel/context';
import { ServiceError } from '../service/kernel/errors';
import { decideRequest, listRequests, requestMore } from '../service/teams/limit-requests';
import { MAX_LIMIT, setMemberLimit } from '../service/teams/limits';
import { teamView } from '../service/teams/view';
import { addWebhook, listWebhooks, removeWebhook, sendTestEvent, teamAdminActor, webhookDeliveries } from '../service/webhooks/subscriptions';
import { html } from '../http/html';
import { parse } from '../http/validate';
import { LIVE_PAGE_CSP, messagePage, seeOther, sendHtml, webPage, type Viewer } from './layout';
import { LIVE_SCRIPT_PATH } from './live';
import { requireForm, signInUrl, viewerOf } from './session';
import { teamBody, type TeamPageData } from './team-page';
import { DELIVERIES_SHOWN, type WebhooksSectionData } from './team-webhooks';
import { chosenPeriod, teamUsage, usageCard } from './usage-card';
import { zoneOf } from './time-zone';

/** Decided requests the page lists. */
const DECIDED_SHOWN = 20;

/** What `?done=` says after a form. */
const DONE: Record<string, string> = {
  limit: 'The limit is saved. The member sees it at once.',
  'no-limit': 'The limit is removed.',
  approved: 'Approved: the member’s limit is raised.',
  denied: 'Denied. The member is told.',
  requested: 'Your request is sent to the team admins. You will see their answer here and in the app.',
  'webhook-test': 'A test event is on its way. Its delivery is listed under the webhook.',
  'webhook-deleted': 'The webhook is deleted. Nothing more is sent to it.',
};

const Id = z.object({ id: text().min(1).max(128) });

/** The add-webhook form as typed (every field a string; events the boxes ticked). */
function typedWebhook(form: Record<string, unknown>): NonNullable<WebhooksSectionData['typed']> {
  const str = (v: unknown, max: number) => (typeof v === 'string' ? v.trim().slice(0, max) : '');
  const events = (Array.isArray(form.events) ? form.events : form.events === undefined ? [] : [form.events]).filter((e): e is string => typeof e === 'string');
  return { url: str(form.url, 2000), events, poolLowBelow: str(form.poolLowBelow, 12), memberNearPercent: str(form.memberNearPercent, 4) };
}

/** The typed form as the API's body: numbers where digits were typed, the rest left for the schema to refuse in words. */
function webhookBody(t: NonNullable<WebhooksSectionData['typed']>): Record<string, unknown> {
  const n = (s: string) => (/^[0-9]{1,10}$/.test(s) ? Number(s) : s === '' ? undefined : s);
  return { url: t.url, events: t.events, poolLowBelow: n(t.poolLowBelow), memberNearPercent: n(t.memberNearPercent) };
}

/** A refused webhook form in a sentence a person reads: the field, then what is wrong. */
const WEBHOOK_FIELD: Record<string, string> = { url: 'The receiver URL', events: 'The events', poolLowBelow: 'The pool-low threshold', memberNearPercent: 'The percent of a limit' };
const Member = z.object({ userId: text().min(1).max(128) });

/** What the page shows a team admin besides the team: usage by member in the chosen period, and the webhooks. */
type AdminParts = Pick<WebhooksSectionData, 'created' | 'typed'>;

async function pageData(ctx: Ctx, req: FastifyRequest, viewer: Viewer, flash?: TeamPageData['flash'], typed?: TeamPageData['typed'], hooks: AdminParts = {}): Promise<TeamPageData> {
  const userId = viewer.session.userId;
  const team = await teamView(ctx, userId);
  const all = await listRequests(ctx, userId);
  const decided = all.filter((r) => r.status !== 'pending').slice(0, DECIDED_SHOWN);
  const zone = zoneOf(ctx, req);
  const d: TeamPageData = { viewer, team, pending: all.filter((r) => r.status === 'pending'), decided, zone, flash, typed };
  if (!isTeamAdmin(team.role)) return d;
  const period = chosenPeriod((req.method === 'GET' ? req.query : {}) as Record<string, unknown>, ctx.clock.now());
  d.usage = await usageCard(ctx, teamUsage(team.id), period);
  const list = await listWebhooks(ctx, team.id);
  const withDeliveries = await Promise.all(list.map(async (hook) => ({ hook, deliveries: (await webhookDeliveries(ctx, team.id, hook.id)).slice(0, DELIVERIES_SHOWN) })));
  d.webhooks = { csrf: viewer.session.csrf, zone, hooks: withDeliveries, ...hooks };
  return d;
}

function sendTeam(reply: FastifyReply, status: number, d: TeamPageData): FastifyReply {
  return sendHtml(reply, status, webPage(`Team ${d.team.name}`, teamBody(d), d.viewer, '/team', { script: LIVE_SCRIPT_PATH }), LIVE_PAGE_CSP);
}

/** The page again with the reason a form was refused (its status), or the error page outside a team. */
async function refused(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, viewer: Viewer, e: unknown, typed?: TeamPageData['typed']): Promise<FastifyReply> {
  if (!(e instanceof ServiceError) || e.code === 'not_found') throw e;
  const d = await pageData(ctx, req, viewer, { kind: 'error', text: sentence(e.message) }, typed);
  return sendTeam(reply, e.status, d);
}

const sentence = (m: string) => {
  const s = m.charAt(0).toUpperCase() + m.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
};

/** A whole number of credits typed in a form: '' is none; anything else must be 0–MAX (`min`). */
function creditsField(v: unknown, min: number): number | null | 'bad' {
  const s = typeof v === 'string' ? v.trim() : '';
  if (s === '') return null;
  if (!/^[0-9]{1,10}$/.test(s)) return 'bad';
  const n = Number(s);
  return n < min || n > MAX_LIMIT ? 'bad' : n;
}

export async function teamRoutes(app: FastifyInstance, ctx: Ctx): Promise<void> {
  app.get('/team', async (req, reply) => {
    const viewer = await viewerOf(ctx, req);
    if (!viewer) return seeOther(reply, signInUrl('/team'));
    if (!viewer.me.team) {
      return sendHtml(
        reply,
        404,
        messagePage(viewer, 'You are not in a team', 'This page shows a team’s shared credits and its members’ limits. Your account is not a member of a team.', html`<a class="button" href="/credits">Go to your credits</a><a href="/pricing">See the Teams plan</a>`),
      );
    }
    const q = (req.query ?? {}) as Record<string, unknown>;
    const done = typeof q.done === 'string' ? DONE[q.done] : undefined;
    return sendTeam(reply, 200, await pageData(ctx, req, viewer, done ? { kind: 'ok', text: done } : undefined));
  });

  app.post('/team/members/:userId/limit', async (req, reply) => {
    const { viewer, form } = await requireForm(ctx, req);
    const { userId } = parse(Member, req.params, 'path');
    const credits = creditsField(form.credits, 0);
    const typed = { memberId: userId, value: typeof form.credits === 'string' ? form.credits.slice(0, 20) : '' };
    if (credits === 'bad') {
      if (!viewer.me.team) throw new ServiceError('not_found', 'You are not a member of a team.');
      const d = await pageData(ctx, req, viewer, { kind: 'error', text: `A limit is a whole number of credits from 0 to ${MAX_LIMIT.toLocaleString('en-US')}, or empty for no limit. Nothing was changed.` }, typed);
      return sendTeam(reply, 400, d);
    }
    try {
      await setMemberLimit(ctx, viewer.session.userId, userId, credits);
    } catch (e) {
      return refused(ctx, req, reply, viewer, e, typed);
    }
    return seeOther(reply, `/team?done=${credits === null ? 'no-limit' : 'limit'}#members`);
  });

  app.post('/team/requests', async (req, reply) => {
    const { viewer, form } = await requireForm(ctx, req);
    if (!viewer.me.team) throw new ServiceError('not_found', 'You are not a member of a team.');
    const credits = creditsField(form.credits, 1);
    const note = typeof form.note === 'string' ? form.note.trim() : '';
    if (credits === null || credits === 'bad' || note.length > 500) {
      const why = note.length > 500 ? 'The note can be at most 500 characters.' : `Ask for a whole number of credits from 1 to ${MAX_LIMIT.toLocaleString('en-US')}.`;
      return sendTeam(reply, 400, await pageData(ctx, req, viewer, { kind: 'error', text: `${why} Nothing was sent.` }));
    }
    try {
      await requestMore(ctx, viewer.session.userId, credits, note || null);
    } catch (e) {
      return refused(ctx, req, reply, viewer, e);
    }
    return seeOther(reply, '/team?done=requested#requests');
  });

  // Webhooks (team admins): add — the page again, with the secret shown this once —, send a test event, delete.
  app.post('/team/webhooks', async (req, reply) => {
    const { viewer, form } = await requireForm(ctx, req);
    const typed = typedWebhook(form);
    try {
      const actor = await teamAdminActor(ctx, viewer.session.userId);
      const body = WebhookCreateSchema.safeParse(webhookBody(typed));
      if (!body.success) {
        const issue = body.error.issues[0];
        const field = WEBHOOK_FIELD[String(issue.path[0])] ?? 'The form';
        throw new ServiceError('invalid_request', `${field}: ${issue.message}. Nothing was added`);
      }
      const created = await addWebhook(ctx, actor, body.data);
      return sendTeam(reply, 201, await pageData(ctx, req, viewer, { kind: 'ok', text: 'Webhook added.' }, undefined, { created }));
    } catch (e) {
      if (!(e instanceof ServiceError) || e.code === 'not_found') throw e;
      const text = sentence(e.message.replace(/^url: /, 'The receiver URL: '));
      return sendTeam(reply, e.status, await pageData(ctx, req, viewer, { kind: 'error', text }, undefined, { typed }));
    }
  });

  for (const [action, done] of [['test', 'webhook-test'], ['delete', 'webhook-deleted']] as const) {
    app.post(`/team/webhooks/:id/${action}`, async (req, reply) => {
      const { viewer } = await requireForm(ctx, req);
      const { id } = parse(Id, req.params, 'path');
      try {
        const actor = await teamAdminActor(ctx, viewer.session.userId);
        if (action === 'test') await sendTestEvent(ctx, actor, id);
        else await removeWebhook(ctx, actor.teamId, id);
      } catch (e) {
        return refused(ctx, req, reply, viewer, e);
      }
      return seeOther(reply, `/team?done=${done}#webhooks`);
    });
  }

  for (const [action, decision] of [['approve', 'approved'], ['deny', 'denied']] as const) {
    app.post(`/team/requests/:id/${action}`, async (req, reply) => {
      const { viewer } = await requireForm(ctx, req);
      const { id } = parse(Id, req.params, 'path');
      try {
        await decideRequest(ctx, viewer.session.userId, id, decision);
      } catch (e) {
        return refused(ctx, req, reply, viewer, e);
      }
      return seeOther(reply, `/team?done=${decision}#requests`);
    });
  }
}
