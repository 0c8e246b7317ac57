/**
 * The outbox topic `webhook`: one attempt to deliver one event to one subscription — the URL
 * checked again (address-check.ts: resolved now, refused if it resolves to a non-public address,
 * the connection pinned to the address checked), the body signed with the subscription's secret by
 * the `standardwebhooks` package (`webhook-id` the delivery's id on every attempt,
 * `webhook-timestamp` the attempt's time), POSTed with a time limit (deliver.ts). Any answer but a
 * 2xx is a failure: retried from `retryMs`, doubling, for 24 hours, then `failed`. Each attempt's
 * result lands on the delivery row in the transaction that settles its outbox row.
 *
 * Runs on one instance at a time (start.ts: `oneInstance`), so two instances never post the same
 * event at once.
 */
import { Webhook } from 'standardwebhooks';
import type { Ctx } from '../kernel/context';
import type { OutboxHandler } from '../outbox/worker';
import { checkTarget, WebhookUrlRefused, type AddressPolicy } from './address-check';
import { AttemptFailed, postOnce } from './deliver';
import { deliveryToSend, recordAttempt } from './records';
import { WEBHOOK_TOPIC, type WebhookJob } from './queue';

/** A delivery is tried for a day, then marked failed. */
export const WEBHOOK_GIVE_UP_MS = 86_400_000;

export interface WebhookDeliveryOptions extends AddressPolicy {
  /** First retry delay (CUTLINE_WEBHOOK_RETRY_MS); each next one doubles. */
  retryMs: number;
  /** How long an attempt may wait for the receiver's answer (10 s). */
  timeoutMs: number;
}

export function webhookHandler(ctx: Ctx, opts: WebhookDeliveryOptions): OutboxHandler {
  return {
    topic: WEBHOOK_TOPIC,
    retryMs: opts.retryMs,
    maxRetryMs: Number.MAX_SAFE_INTEGER, // doubling all the way; the last try is at the give-up time
    giveUpAfterMs: WEBHOOK_GIVE_UP_MS,
    async handle(payload, _row, signal) {
      const { deliveryId } = payload as WebhookJob;
      const d = await ctx.db.read((tx) => deliveryToSend(tx, deliveryId));
      if (!d) return null; // the subscription was deleted meanwhile: nothing to send
      let target;
      try {
        target = await checkTarget(d.url, opts);
      } catch (e) {
        if (e instanceof WebhookUrlRefused) throw new AttemptFailed(`not sent: ${e.message.replace(/^url: /, '')}`, null);
        throw e;
      }
      const at = new Date(ctx.clock.now());
      const headers = {
        'webhook-id': d.id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new Webhook(d.secret).sign(d.id, at, d.body),
      };
      return postOnce(target, d.body, headers, { timeoutMs: opts.timeoutMs, signal });
    },
    async settle(tx, payload, row, result) {
      const { deliveryId } = payload as WebhookJob;
      if (result.outcome === 'done') {
        if (result.value === null) return; // nothing was sent
        await recordAttempt(tx, deliveryId, { attempts: row.attempts, status: 'delivered', lastStatus: result.value as number, lastError: null, deliveredAt: result.at });
        return;
      }
      const e = result.error;
      await recordAttempt(tx, deliveryId, {
        attempts: row.attempts,
        status: result.outcome === 'failed' ? 'failed' : 'pending',
        lastStatus: e instanceof AttemptFailed ? e.status : null,
        lastError: e instanceof Error ? e.message : String(e),
        deliveredAt: null,
      });
    },
  };
}
