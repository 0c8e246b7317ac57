import { createHash, randomBytes } from 'node:crypto';

/** A random, unguessable identifier with a readable prefix (`ch_…`, `b_…`). */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

/** A high-entropy secret (codes, tokens): 256 bits. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Secrets are stored only as their SHA-256. */
export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('base64url');
}
