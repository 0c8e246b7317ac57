/**
 * The admin token's check, for the admin API and the admin pages: `Authorization: Bearer
 * $CUTLINE_ADMIN_TOKEN` (`secretBearer`: compared as SHA-256 digests in constant time). Pages a
 * browser opens also take HTTP Basic with the token as the password, and a refusal asks the
 * browser for it (`WWW-Authenticate`).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError } from '../service/kernel/errors';
import { secretBearer } from './bearer';

/** A Basic header's password as a Bearer header, so one comparison serves both. */
function basicAsBearer(header: string): string {
  const credentials = /^basic +([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!credentials) return '';
  const decoded = Buffer.from(credentials[1], 'base64').toString('utf8');
  return `Bearer ${decoded.slice(decoded.indexOf(':') + 1)}`;
}

/** An `onRequest` hook that lets only the admin token through. */
export function adminAuth(token: string, options: { basic?: boolean } = {}) {
  const isAdmin = secretBearer(token);
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = String(req.headers.authorization ?? '');
    if (isAdmin(header) || (options.basic === true && isAdmin(basicAsBearer(header)))) return;
    if (options.basic) reply.header('www-authenticate', 'Basic realm="Cutline admin", charset="UTF-8"');
    throw new ServiceError('unauthorized', 'the admin API needs "Authorization: Bearer $CUTLINE_ADMIN_TOKEN"');
  };
}
