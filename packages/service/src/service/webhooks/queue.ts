/**
 * Webhook events are written in the transaction of the change that causes them (an outbox): a
 * delivery row per subscription that asked for the event, and an outbox row (topic `webhook`) that
 * the delivery worker (handler.ts) works from. A change that rolls back sends nothing; a committed
 * one is delivered at least once.
 *
 * A crossing (the pool falling below a threshold, a member nearing a limit, pool credits entering
 * the 72-hour window) fires once per subscription, subject and team cycle: `claimCrossing` records
 * it in the same transaction, so neither a repeat nor a race between instances fires it twice.
 */
import type { WebhookEventType } from '@cutline/contract/webhooks';
import type { Tx } from '../../db/db';
import { newId } from '../kernel/ids';
import { iso } from '../kernel/rows';
import { enqueue } from '../outbox/records';
import { claimCrossing, insertDelivery, teamWebhooks, type WebhookRow } from './records';

export const WEBHOOK_TOPIC = 'webhook';

/** The outbox row of one delivery: which delivery row to send. */
export interface WebhookJob {
  deliveryId: string;
}

/** Queues one event for one subscription (its body fixed now: every attempt sends the same bytes). */
export async function queueDelivery(tx: Tx, hook: Pick<WebhookRow, 'id'>, type: string, data: Record<string, unknown>, now: number): Promise<string> {
  const id = newId('msg');
  const body = JSON.stringify({ type, timestamp: iso(now), data });
  await insertDelivery(tx, { id, webhook_id: hook.id, type, body, created_at: now });
  await enqueue(tx, WEBHOOK_TOPIC, { deliveryId: id } satisfies WebhookJob, now);
  return id;
}

export interface TeamEvent {
  type: WebhookEventType;
  /** The event's data for a subscription, or null when this subscription's threshold was not crossed. */
  data(hook: WebhookRow): Record<string, unknown> | null;
  /** A crossing: fired once per subscription for this subject in the team cycle that started then. */
  crossing?: { subject: string; cycleStartedAt: number };
}

/**
 * Queues the event for each of the team's subscriptions that asked for it (`hooks`: the team's,
 * when the caller read them already); answers how many were queued.
 */
export async function queueTeamEvent(tx: Tx, teamId: string, event: TeamEvent, now: number, hooks?: readonly WebhookRow[]): Promise<number> {
  let queued = 0;
  for (const hook of hooks ?? (await teamWebhooks(tx, teamId))) {
    if (!hook.events.includes(event.type)) continue;
    const data = event.data(hook);
    if (data === null) continue;
    if (event.crossing && !(await claimCrossing(tx, hook.id, event.type, event.crossing.subject, event.crossing.cycleStartedAt, now))) continue;
    await queueDelivery(tx, hook, event.type, data, now);
    queued++;
  }
  return queued;
}
