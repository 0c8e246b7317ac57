/**
 * The desktop's authorization request (`/oauth/authorize?…`) as a value: its query schema, and the
 * way back into it from the pages the sign-in page links to (sign-up, forgot password), which
 * carry it as `return=/oauth/authorize?…` and may only ever send the browser back to a valid
 * request of a registered client.
 */
import { z } from 'zod';
import { text } from '@cutline/contract/text';
import { checkClient } from '../service/auth/oauth';

export const AuthorizeQuery = z.object({
  response_type: z.literal('code'),
  client_id: text().min(1).max(64),
  redirect_uri: text().min(1).max(256),
  state: text().min(1).max(512),
  code_challenge: z.string().regex(/^[A-Za-z0-9_-]{43,128}$/, 'must be a base64url S256 challenge'),
  code_challenge_method: z.literal('S256'),
});
export type AuthorizeQuery = z.infer<typeof AuthorizeQuery>;

const PATH = '/oauth/authorize?';

/** The path back into an authorization request: `/oauth/authorize?` and its query. */
export function authorizePath(q: AuthorizeQuery): string {
  return PATH + new URLSearchParams(q).toString();
}

/** A `return` value that leads back into a valid authorization request, normalised; otherwise null. */
export function authorizeReturn(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2048 || !value.startsWith(PATH)) return null;
  const params = Object.fromEntries(new URLSearchParams(value.slice(PATH.length)));
  const q = AuthorizeQuery.safeParse(params);
  if (!q.success) return null;
  try {
    checkClient(q.data.client_id, q.data.redirect_uri);
  } catch {
    return null;
  }
  return authorizePath(q.data);
}
