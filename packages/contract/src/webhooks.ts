/**
 * Webhooks for team admins (docs/api.md § Webhooks for team admins): the subscription a team admin
 * adds, what the service lists, and the deliveries it made. Deliveries follow Standard Webhooks
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature`), signed with the subscription's secret.
 */
import { z } from 'zod';
import { text } from './text';

/** The events a subscription can ask for; each fires once per crossing per team cycle. */
export const WEBHOOK_EVENT_TYPES = ['pool.low', 'pool.expiring', 'member.limit_near', 'member.limit_reached', 'limit_request.created'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Extension: the event *Send test event* delivers (to that one subscription, whatever it asked for). */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

const isoDate = z.string().datetime({ offset: true });

export const WebhookCreateSchema = z
  .strictObject({
    url: text().min(1).max(2000),
    events: z
      .array(z.enum(WEBHOOK_EVENT_TYPES))
      .min(1, 'name at least one event type')
      .refine((a) => new Set(a).size === a.length, 'each event type once'),
    poolLowBelow: z.number().int().min(1).max(1_000_000_000).optional(),
    memberNearPercent: z.number().int().min(1).max(99).default(80),
  })
  .refine((b) => !b.events.includes('pool.low') || b.poolLowBelow !== undefined, {
    message: 'poolLowBelow is needed for pool.low (the pool falls below how many credits?)',
    path: ['poolLowBelow'],
  });
export type WebhookCreate = z.infer<typeof WebhookCreateSchema>;

/** A subscription as listed (the secret is shown only when it is made). */
export const WebhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  /** Extension: the thresholds it was made with. */
  poolLowBelow: z.number().int().nullable(),
  memberNearPercent: z.number().int(),
  createdAt: isoDate,
});
export type Webhook = z.infer<typeof WebhookSchema>;

export const WebhookCreatedSchema = WebhookSchema.extend({ secret: z.string().regex(/^whsec_[A-Za-z0-9+/]+=*$/) });
export type WebhookCreated = z.infer<typeof WebhookCreatedSchema>;

export const WebhookDeliverySchema = z.object({
  /** The `webhook-id` every attempt of this event carries. */
  id: z.string(),
  type: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int().nonnegative(),
  /** The receiver's status on the last attempt; null when it gave none (refused, cut at 10 s, unreachable) or before the first. */
  lastStatus: z.number().int().nullable(),
  /** Extension: what went wrong on the last attempt, in words; null once delivered or before the first. */
  lastError: z.string().nullable(),
  createdAt: isoDate,
  deliveredAt: isoDate.nullable(),
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

/** What a receiver gets: `{"type", "timestamp", "data"}`. */
export const WebhookPayloadSchema = z.object({
  type: z.string(),
  timestamp: isoDate,
  data: z.record(z.string(), z.unknown()),
});
export type WebhookPayload = z.infer<typeof WebhookPayloadSchema>;
