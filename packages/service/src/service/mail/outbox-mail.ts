/**
 * Mail goes through the outbox: `queueMail` writes the rendered mail in the caller's transaction
 * (so a mail exists exactly when the change that calls for it committed), and `mailHandler` is the
 * outbox topic that sends it through the configured transport, retrying with backoff.
 */
import type { Tx } from '../../db/db';
import { countHits } from '../auth/rate-counters';
import type { Ctx } from '../kernel/context';
import { enqueue } from '../outbox/records';
import type { OutboxHandler } from '../outbox/worker';
import type { Mail } from './templates';
import type { MailTransport } from './transport';

export const MAIL_TOPIC = 'mail';

/** Mails sent to one address because someone asked (a sign-up notice, a reset link): at most 5 per 15 minutes. */
export const MAIL_TO_LIMIT = { hits: 5, windowMs: 15 * 60_000 } as const;

/** One more mail to `email` on someone's request: false when the address had its share. */
export async function mayMail(ctx: Ctx, email: string): Promise<boolean> {
  const [hit] = await countHits(ctx, [`mail:to:${email}`], MAIL_TO_LIMIT.windowMs);
  return hit.hits <= MAIL_TO_LIMIT.hits;
}

/** A link to a page of this service, on its public origin (what mails carry). */
export function publicLink(ctx: Ctx, path: string, query: Record<string, string> = {}): string {
  const url = new URL(path, ctx.config.publicUrl);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url.toString();
}

export async function queueMail(tx: Tx, mail: Mail, now: number): Promise<void> {
  await enqueue(tx, MAIL_TOPIC, mail, now);
}

/** Retries for a day (the links inside may have lapsed by then, but a notice still matters), at most every 10 minutes. */
export function mailHandler(transport: MailTransport, retryMs: number): OutboxHandler {
  return {
    topic: MAIL_TOPIC,
    retryMs,
    maxRetryMs: 10 * 60_000,
    giveUpAfterMs: 86_400_000,
    handle: (payload) => transport.send(payload as Mail),
  };
}
