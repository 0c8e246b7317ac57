/**
 * A team's webhook subscriptions as a team admin manages them (docs/api.md § Webhooks for team
 * admins): add (the URL checked — address-check.ts — and a signing secret made, shown only in this
 * answer), list, delete, the deliveries of one, and *Send test event*.
 */
import { randomBytes } from 'node:crypto';
import { WEBHOOK_TEST_EVENT, type Webhook, type WebhookCreate, type WebhookCreated, type WebhookDelivery } from '@cutline/contract/webhooks';
import type { Ctx } from '../kernel/context';
import { conflict, invalid, notFound } from '../kernel/errors';
import { newId } from '../kernel/ids';
import { iso } from '../kernel/rows';
import { callerTeam, requireTeamAdmin } from '../teams/access';
import { checkTarget, systemResolver, WebhookUrlRefused, type AddressPolicy } from './address-check';
import { queueDelivery } from './queue';
import {
  countTeamWebhooks,
  deleteWebhook,
  deliveryWire,
  insertWebhook,
  recentDeliveries,
  teamWebhook,
  teamWebhooks,
  webhookWire,
  type WebhookRow,
} from './records';

/** At most this many subscriptions per team. */
export const WEBHOOKS_PER_TEAM = 20;
/** The deliveries list shows this many, newest first. */
export const DELIVERIES_LISTED = 100;

/** Where the service may send webhooks: `ctx.webhookAddresses`, or public addresses through the system resolver. */
export const addressPolicy = (ctx: Ctx): AddressPolicy => ctx.webhookAddresses ?? { allowPrivate: false, resolve: systemResolver };

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** Whose team, and who acts for it (a team admin). */
export interface TeamActor {
  userId: string;
  teamId: string;
}

/** The caller as a team admin of their team: 404 outside a team, 403 for a member. */
export function teamAdminActor(ctx: Ctx, userId: string): Promise<TeamActor> {
  return ctx.db.read(async (tx) => {
    const { team, caller } = await callerTeam(tx, userId);
    requireTeamAdmin(caller, "manage the team's webhooks");
    return { userId, teamId: team.id };
  });
}

export async function addWebhook(ctx: Ctx, actor: TeamActor, body: WebhookCreate): Promise<WebhookCreated> {
  try {
    await checkTarget(body.url, addressPolicy(ctx));
  } catch (e) {
    if (e instanceof WebhookUrlRefused) throw invalid(e.message);
    throw e;
  }
  const row: WebhookRow = {
    id: newId('wh'),
    team_id: actor.teamId,
    url: new URL(body.url).toString(),
    events: body.events,
    secret: newWebhookSecret(),
    pool_low_below: body.poolLowBelow ?? null,
    member_near_percent: body.memberNearPercent,
    created_by: actor.userId,
    created_at: ctx.clock.now(),
  };
  await ctx.db.transaction(async (tx) => {
    if ((await countTeamWebhooks(tx, actor.teamId)) >= WEBHOOKS_PER_TEAM) throw conflict(`a team has at most ${WEBHOOKS_PER_TEAM} webhooks; delete one first`);
    await insertWebhook(tx, row);
  });
  return { ...webhookWire(row), secret: row.secret };
}

export function listWebhooks(ctx: Ctx, teamId: string): Promise<Webhook[]> {
  return ctx.db.read(async (tx) => (await teamWebhooks(tx, teamId)).map(webhookWire));
}

export async function removeWebhook(ctx: Ctx, teamId: string, id: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    if (!(await teamWebhook(tx, teamId, id))) throw notFound('webhook');
    await deleteWebhook(tx, id);
  });
}

export function webhookDeliveries(ctx: Ctx, teamId: string, id: string): Promise<WebhookDelivery[]> {
  return ctx.db.read(async (tx) => {
    if (!(await teamWebhook(tx, teamId, id))) throw notFound('webhook');
    return (await recentDeliveries(tx, id, DELIVERIES_LISTED)).map(deliveryWire);
  });
}

/** *Send test event*: a `webhook.test` event to this one subscription, delivered like any other. */
export async function sendTestEvent(ctx: Ctx, actor: TeamActor, id: string): Promise<WebhookDelivery> {
  const delivery = await ctx.db.transaction(async (tx) => {
    const hook = await teamWebhook(tx, actor.teamId, id);
    if (!hook) throw notFound('webhook');
    const now = ctx.clock.now();
    const deliveryId = await queueDelivery(tx, hook, WEBHOOK_TEST_EVENT, { teamId: actor.teamId, webhookId: hook.id, sentBy: actor.userId, message: 'A test event from Cutline.' }, now);
    return { id: deliveryId, type: WEBHOOK_TEST_EVENT, status: 'pending' as const, attempts: 0, lastStatus: null, lastError: null, createdAt: iso(now), deliveredAt: null };
  });
  ctx.wakeOutbox?.();
  return delivery;
}
