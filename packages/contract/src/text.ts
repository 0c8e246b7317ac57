/**
 * The one rule for untrusted strings: no control characters (C0, DEL). A NUL in particular is
 * not storable in PostgreSQL text, and none of them belongs in an email, an id, a name or a form
 * field. Every string schema of the API is built on `text()`, and the service applies
 * `findControlChar` to every body, query, path parameter and form field before a route runs.
 */
import { z } from 'zod';

// eslint-disable-next-line no-control-regex -- finding control characters is this rule's purpose
export const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
export const CONTROL_CHAR_MESSAGE = 'must not contain control characters';

/** A string without control characters; chain `.min()`, `.max()`, `.trim()` as with `z.string()`. */
// eslint-disable-next-line no-control-regex -- see CONTROL_CHARS
export const text = () => z.string().regex(/^[^\u0000-\u001f\u007f]*$/, CONTROL_CHAR_MESSAGE);

/** The shared schema itself, for values of any length. */
export const TextSchema = text();

/**
 * The path (`email`, `device.id`, `[key]`) of the first string in `value` — keys included — that
 * `TextSchema` refuses, or null when there is none. Walks objects and arrays to a bounded depth.
 */
export function findControlChar(value: unknown, path = '', depth = 0): string | null {
  if (typeof value === 'string') return TextSchema.safeParse(value).success ? null : path || 'value';
  if (depth > 32 || value === null || typeof value !== 'object') return null;
  for (const [k, v] of Object.entries(value)) {
    const here = path ? `${path}.${k}` : k;
    if (!TextSchema.safeParse(k).success) return `${path ? `${path}.` : ''}[key]`;
    const bad = findControlChar(v, here, depth + 1);
    if (bad) return bad;
  }
  return null;
}
