/**
 * What operators and their tools read (docs/api.md § Operations): `/healthz` (the process
 * serves), `/readyz` (its database answers and is migrated), `/metrics` (Prometheus text).
 */
import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../service/kernel/context';
import { ServiceError } from '../service/kernel/errors';
import type { Metrics } from '../service/kernel/metrics';
import { readiness } from '../service/readiness';
import { secretBearer } from './bearer';

export interface OpsOptions {
  metrics: Metrics;
  /** When set, `/metrics` needs `Authorization: Bearer <token>`; otherwise it is open (see docs/operations.md § Metrics). */
  metricsToken: string | null;
}

export async function opsRoutes(app: FastifyInstance, ctx: Ctx, opts: OpsOptions): Promise<void> {
  const noStore = { 'cache-control': 'no-store' };

  app.get('/healthz', async (_req, reply) => reply.headers(noStore).send({ ok: true }));

  app.get('/readyz', async (req, reply) => {
    const r = await readiness(ctx);
    if (r.ready) return reply.headers(noStore).send(r);
    const { cause, message, ...shown } = r;
    req.log.warn({ problem: r.problem, err: cause, missingMigrations: r.missingMigrations }, `not ready: ${message}`);
    return reply.status(503).headers(noStore).send({ error: 'not_ready', message, ...shown });
  });

  const allowed = opts.metricsToken ? secretBearer(opts.metricsToken) : () => true;
  app.get('/metrics', async (req, reply) => {
    if (!allowed(req.headers.authorization)) {
      reply.header('www-authenticate', 'Bearer');
      throw new ServiceError('unauthorized', 'the metrics need "Authorization: Bearer $CUTLINE_METRICS_TOKEN"');
    }
    return reply.headers(noStore).type(opts.metrics.contentType).send(await opts.metrics.text());
  });
}
