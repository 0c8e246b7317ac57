/** Teams for tests, through the admin API: a team with its pool, and people added with a role. */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { admin, newUser, type Tokens } from './client';

export interface Person {
  id: string;
  email: string;
  tokens: Tokens;
  token: string;
}

export async function person(base: string): Promise<Person> {
  const u = await newUser(base);
  return { ...u, token: u.tokens.access_token };
}

/** A new team whose pool gets `perCycle` credits, and one new person per role given (`undefined`: the default role). */
export async function teamOf<R extends (string | undefined)[]>(base: string, perCycle: number, roles: [...R]): Promise<{ teamId: string; name: string; people: Person[] }> {
  const t = await admin(base, 'POST', '/admin/v1/teams', { name: `Crew ${randomBytes(3).toString('hex')}`, creditsPerCycle: perCycle });
  expect(t.status).toBe(201);
  const people: Person[] = [];
  for (const role of roles) {
    const p = await person(base);
    const r = await admin(base, 'POST', `/admin/v1/teams/${t.body.id}/members`, role ? { userId: p.id, role } : { userId: p.id });
    expect(r.status).toBe(201);
    people.push(p);
  }
  return { teamId: t.body.id as string, name: t.body.name as string, people };
}
