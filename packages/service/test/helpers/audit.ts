/** The books must add up: the admin audit of a running service, as an assertion. */
import { expect } from 'vitest';
import { admin } from './client';

export async function expectBooksBalanced(base: string): Promise<void> {
  const r = await admin(base, 'GET', '/admin/v1/audit');
  expect(r.status).toBe(200);
  expect(r.body.drifts, JSON.stringify(r.body.drifts)).toEqual([]);
  expect(r.body.ok).toBe(true);
}
