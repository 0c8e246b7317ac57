/** /v1/team: the caller's team, members' limits on the pool, and limit requests (docs/api.md § Teams). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { LimitRequestQuerySchema, NewLimitRequestSchema, SetLimitRequestSchema } from '@cutline/contract/api';
import { text } from '@cutline/contract/text';
import type { Ctx } from '../service/kernel/context';
import { decideRequest, listRequests, requestMore } from '../service/teams/limit-requests';
import { setMemberLimit } from '../service/teams/limits';
import { teamView } from '../service/teams/view';
import { requireBearer } from './bearer';
import { parse } from './validate';

const MemberParams = z.object({ userId: text().min(1).max(128) });
const RequestParams = z.object({ id: text().min(1).max(128) });
/** Approve and deny take no fields: no body, or an empty JSON object. */
const NoFields = z.strictObject({});

export async function teamRoutes(app: FastifyInstance, ctx: Ctx): Promise<void> {
  app.get('/v1/team', async (req) => teamView(ctx, (await requireBearer(ctx, req)).userId));

  app.put('/v1/team/members/:userId/limit', async (req) => {
    const { userId } = await requireBearer(ctx, req);
    const member = parse(MemberParams, req.params, 'path').userId;
    const body = parse(SetLimitRequestSchema, req.body ?? {});
    return setMemberLimit(ctx, userId, member, body.credits);
  });

  app.post('/v1/team/limit-requests', async (req, reply) => {
    const { userId } = await requireBearer(ctx, req);
    const body = parse(NewLimitRequestSchema, req.body ?? {});
    const note = body.note?.trim() || null;
    return reply.status(201).send(await requestMore(ctx, userId, body.credits, note));
  });

  app.get('/v1/team/limit-requests', async (req) => {
    const { userId } = await requireBearer(ctx, req);
    return listRequests(ctx, userId, parse(LimitRequestQuerySchema, req.query ?? {}, 'query').status);
  });

  for (const [action, decision] of [['approve', 'approved'], ['deny', 'denied']] as const) {
    app.post(`/v1/team/limit-requests/:id/${action}`, async (req) => {
      const { userId } = await requireBearer(ctx, req);
      const { id } = parse(RequestParams, req.params, 'path');
      parse(NoFields, req.body ?? {});
      return decideRequest(ctx, userId, id, decision);
    });
  }
}
