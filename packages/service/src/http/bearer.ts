import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Ctx } from '../service/kernel/context';
import { ServiceError } from '../service/kernel/errors';
import { verifyAccess, type AccessGrant } from '../service/auth/oauth';

/** `Authorization: Bearer <token>`; the scheme name is case-insensitive (RFC 7235 §2.1). */
const BEARER = /^bearer +([A-Za-z0-9._~+/=-]{1,512})$/i;

/** The credentials of a Bearer `Authorization` header, or null. */
export function bearerToken(header: unknown): string | null {
  const m = BEARER.exec(String(header ?? ''));
  return m ? m[1] : null;
}

/** The bearer token's grant, or a 401. */
export async function requireBearer(ctx: Ctx, req: FastifyRequest): Promise<AccessGrant> {
  const token = bearerToken(req.headers.authorization);
  if (!token) throw new ServiceError('unauthorized', 'send an access token as "Authorization: Bearer <token>"');
  const grant = await verifyAccess(ctx, token);
  if (!grant) throw new ServiceError('unauthorized', 'the access token is invalid, expired or revoked');
  return grant;
}

/**
 * A check of `Authorization: Bearer <secret>` against a configured secret (the admin token, the
 * metrics token). Compared as SHA-256 digests: equal lengths always, so neither the bytes nor
 * the secret's length leak through timing.
 */
export function secretBearer(secret: string): (authorization: unknown) => boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const expected = digest(secret);
  return (authorization) => {
    const m = /^bearer +(.*)$/is.exec(String(authorization ?? ''));
    return timingSafeEqual(digest(m ? m[1] : ''), expected);
  };
}
