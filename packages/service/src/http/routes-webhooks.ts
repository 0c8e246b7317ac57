/**
 * `/v1/team/webhooks` (docs/api.md § Webhooks for team admins): a team admin adds, lists and
 * deletes the team's webhooks and reads each one's deliveries; `POST …/:id/test` (extension) sends
 * it a test event. A member → 403; outside a team → 404.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { text } from '@cutline/contract/text';
import { WebhookCreateSchema } from '@cutline/contract/webhooks';
import type { Ctx } from '../service/kernel/context';
import { addWebhook, listWebhooks, removeWebhook, sendTestEvent, teamAdminActor, webhookDeliveries } from '../service/webhooks/subscriptions';
import { requireBearer } from './bearer';
import { parse } from './validate';

const HookParams = z.object({ id: text().min(1).max(128) });
const NoFields = z.strictObject({});

export async function webhookRoutes(app: FastifyInstance, ctx: Ctx): Promise<void> {
  const actor = async (req: Parameters<typeof requireBearer>[1]) => teamAdminActor(ctx, (await requireBearer(ctx, req)).userId);

  app.post('/v1/team/webhooks', async (req, reply) => {
    const who = await actor(req);
    return reply.status(201).send(await addWebhook(ctx, who, parse(WebhookCreateSchema, req.body ?? {})));
  });

  app.get('/v1/team/webhooks', async (req) => listWebhooks(ctx, (await actor(req)).teamId));

  app.delete('/v1/team/webhooks/:id', async (req, reply) => {
    const who = await actor(req);
    await removeWebhook(ctx, who.teamId, parse(HookParams, req.params, 'path').id);
    return reply.status(204).send();
  });

  app.get('/v1/team/webhooks/:id/deliveries', async (req) => {
    const who = await actor(req);
    return webhookDeliveries(ctx, who.teamId, parse(HookParams, req.params, 'path').id);
  });

  app.post('/v1/team/webhooks/:id/test', async (req, reply) => {
    const who = await actor(req);
    const { id } = parse(HookParams, req.params, 'path');
    parse(NoFields, req.body ?? {});
    return reply.status(202).send(await sendTestEvent(ctx, who, id));
  });
}
