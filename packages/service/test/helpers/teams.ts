/** Teams for tests, through the admin API: a team with its pool, people added with a role, and the service a team suite runs on. */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { expectBooksBalanced } from './audit';
import { admin, newUser, type Tokens } from './client';
import { createDatabase, dropDatabase } from './pg';
import { startTestServer, type TestServer } from './server';

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

/**
 * The service for a team suite: on PostgreSQL two instances on one database (`a` takes the
 * changes, `b` answers the reads and holds the streams), on SQLite one (`a` and `b` the same);
 * the books checked after every test. The fields are set once the suite's `beforeAll` ran.
 */
export function useTeamServers(): { a: TestServer; b: TestServer } {
  const servers = {} as { a: TestServer; b: TestServer };
  let pgUrl: string | null = null;
  beforeAll(async () => {
    pgUrl = process.env.CUTLINE_TEST_STORE === 'postgres' ? await createDatabase() : null;
    servers.a = await startTestServer(pgUrl ? { db: pgUrl } : {});
    servers.b = pgUrl ? await startTestServer({ db: pgUrl }) : servers.a;
  });
  afterEach(async () => {
    await expectBooksBalanced(servers.a.url);
  });
  afterAll(async () => {
    if (servers.b !== servers.a) await servers.b?.close();
    await servers.a?.close();
    if (pgUrl) await dropDatabase(pgUrl);
  });
  return servers;
}
