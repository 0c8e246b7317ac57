import type { FastifyRequest } from 'fastify';
import type { Ctx } from '../service/context';
import { ServiceError } from '../service/errors';
import { verifyAccess, type AccessGrant } from '../service/oauth';

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]{1,512})$/;

/** The bearer token's grant, or a 401. */
export async function requireBearer(ctx: Ctx, req: FastifyRequest): Promise<AccessGrant> {
  const m = BEARER.exec(String(req.headers.authorization ?? ''));
  if (!m) throw new ServiceError('unauthorized', 'send an access token as "Authorization: Bearer <token>"');
  const grant = await verifyAccess(ctx, m[1]);
  if (!grant) throw new ServiceError('unauthorized', 'the access token is invalid, expired or revoked');
  return grant;
}
