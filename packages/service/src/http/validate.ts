import type { z } from 'zod';
import { ServiceError } from '../service/kernel/errors';

/** Parses untrusted input with a schema; failure is a 400 naming the first bad field. */
export function parse<S extends z.ZodType>(schema: S, data: unknown, what = 'body'): z.infer<S> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue?.path.length ? issue.path.join('.') : what;
  throw new ServiceError('invalid_request', `${path}: ${issue?.message ?? 'invalid'}`);
}
