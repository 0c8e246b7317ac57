/**
 * The admin token's check, for the admin API and the admin pages: `Authorization: Bearer
 * $CUTLINE_ADMIN_TOKEN`, compared as SHA-256 digests (equal lengths always, so neither the bytes
 * nor the token's length leak through timing). Pages a browser opens also take HTTP Basic with the
 * token as the password, and a refusal asks the browser for it (`WWW-Authenticate`).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError } from '../service/kernel/errors';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The presented secret: a Bearer token, or (when `basic`) a Basic password. */
function presented(header: string, basic: boolean): string {
  const bearer = /^bearer +(.*)$/is.exec(header);
  if (bearer) return bearer[1];
  const credentials = basic ? /^basic +([A-Za-z0-9+/=]+)$/i.exec(header) : null;
  if (!credentials) return '';
  const decoded = Buffer.from(credentials[1], 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1);
}

/** An `onRequest` hook that lets only the admin token through. */
export function adminAuth(token: string, options: { basic?: boolean } = {}) {
  const expected = digest(token);
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const got = digest(presented(String(req.headers.authorization ?? ''), options.basic === true));
    if (timingSafeEqual(got, expected)) return;
    if (options.basic) reply.header('www-authenticate', 'Basic realm="Cutline admin", charset="UTF-8"');
    throw new ServiceError('unauthorized', 'the admin API needs "Authorization: Bearer $CUTLINE_ADMIN_TOKEN"');
  };
}
