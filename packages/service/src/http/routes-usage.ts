/** `GET /v1/usage` and `GET /v1/usage.csv` (docs/api.md § Usage). */
import type { FastifyInstance } from 'fastify';
import { UsageQuerySchema } from '@cutline/contract/usage';
import type { Ctx } from '../service/kernel/context';
import { csvFileName, usageCsv } from '../service/usage/csv';
import { usageReport, usageRequest } from '../service/usage/report';
import { requireBearer } from './bearer';
import { parse } from './validate';

export async function usageRoutes(app: FastifyInstance, ctx: Ctx): Promise<void> {
  app.get('/v1/usage', async (req) => {
    const { userId } = await requireBearer(ctx, req);
    return usageReport(ctx, await usageRequest(ctx, userId, parse(UsageQuerySchema, req.query, 'query')));
  });

  app.get('/v1/usage.csv', async (req, reply) => {
    const { userId } = await requireBearer(ctx, req);
    const r = await usageRequest(ctx, userId, parse(UsageQuerySchema, req.query, 'query'));
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${csvFileName(r.period)}"`)
      .send(usageCsv(ctx, r.filter, r.period));
  });
}
