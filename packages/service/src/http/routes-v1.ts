/** /v1: account, balance, tools, history, quotes, charges, handoff (docs/api.md). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  ChargeRequestSchema,
  HandoffRequestSchema,
  IdempotencyKeySchema,
  LedgerQuerySchema,
  QuoteRequestSchema,
  ReleaseRequestSchema,
} from '@cutline/contract/api';
import { TOOLS } from '@cutline/contract/tools';
import { text } from '@cutline/contract/text';
import { capture, getCharge, hold, quote, release } from '../service/charges/steps';
import type { Ctx } from '../service/kernel/context';
import { ServiceError } from '../service/kernel/errors';
import { timedStep } from '../service/kernel/metrics';
import { createHandoff } from '../service/auth/oauth';
import { balance, ledgerPage, me } from '../service/accounts/reads';
import { orderForApi } from '../service/orders/store';
import { requireBearer } from './bearer';
import { parse } from './validate';

const ChargeParams = z.object({ id: text().min(1).max(128) });
const OrderParams = z.object({ id: text().min(1).max(128) });

export async function v1Routes(app: FastifyInstance, ctx: Ctx): Promise<void> {
  app.addHook('onSend', async (req, reply) => {
    if (req.url.startsWith('/v1/')) reply.header('cache-control', 'no-store');
  });

  app.get('/v1/me', async (req) => me(ctx, (await requireBearer(ctx, req)).userId));
  app.get('/v1/balance', async (req) => balance(ctx, (await requireBearer(ctx, req)).userId));
  app.get('/v1/tools', async () => TOOLS.map((t) => ({ ...t })));

  app.get('/v1/ledger', async (req) => {
    const { userId } = await requireBearer(ctx, req);
    const q = parse(LedgerQuerySchema, req.query, 'query');
    return ledgerPage(ctx, userId, q.limit, q.before);
  });

  app.post('/v1/quotes', async (req) => {
    const { userId } = await requireBearer(ctx, req);
    const body = parse(QuoteRequestSchema, req.body ?? {});
    return timedStep(ctx.metrics, 'quote', () => quote(ctx, userId, body.tool, body.quantity, body.personalCap));
  });

  app.post('/v1/charges', async (req, reply) => {
    const { userId } = await requireBearer(ctx, req);
    const rawKey = req.headers['idempotency-key'];
    if (rawKey === undefined) throw new ServiceError('invalid_request', 'the Idempotency-Key header is required');
    const key = parse(IdempotencyKeySchema, Array.isArray(rawKey) ? rawKey.join(',') : rawKey, 'Idempotency-Key');
    const body = parse(ChargeRequestSchema, req.body ?? {});
    const out = await hold(ctx, userId, key, body);
    return reply.status(out.replayed ? 200 : 201).send({ charge: out.charge, balance: out.balance });
  });

  app.get('/v1/charges/:id', async (req) => {
    const { userId } = await requireBearer(ctx, req);
    return getCharge(ctx, userId, parse(ChargeParams, req.params, 'path').id);
  });

  app.post('/v1/charges/:id/capture', async (req) => {
    const { userId } = await requireBearer(ctx, req);
    const { id } = parse(ChargeParams, req.params, 'path');
    if (req.body !== undefined && (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body))) {
      throw new ServiceError('invalid_request', 'body: expected a JSON object or nothing');
    }
    return capture(ctx, userId, id);
  });

  app.post('/v1/charges/:id/release', async (req) => {
    const { userId } = await requireBearer(ctx, req);
    const { id } = parse(ChargeParams, req.params, 'path');
    const body = parse(ReleaseRequestSchema, req.body ?? {});
    return release(ctx, userId, id, body.reason);
  });

  // extension: one of the caller's own store orders (docs/api.md § Store orders)
  app.get('/v1/orders/:id', async (req) => {
    const { userId } = await requireBearer(ctx, req);
    return orderForApi(ctx, userId, parse(OrderParams, req.params, 'path').id);
  });

  app.post('/v1/handoff', async (req) => {
    const { userId } = await requireBearer(ctx, req);
    const body = parse(HandoffRequestSchema, req.body ?? {});
    return { url: await createHandoff(ctx, userId, body.next, body.returnTo) };
  });
}
