/**
 * Teams that manage their spending (docs/api.md § Teams): roles, `GET /v1/team`, per-member
 * limits on the pool, limit requests and their decisions, and the pushes each change makes — on
 * the store the run uses and, on PostgreSQL, across two instances of the service on one database
 * (changes made through one, read and streamed through the other).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, DEMO_BOB_LIMIT } from '../../src/seed';
import { admin, call, charge, DEMO_PASSWORD, signIn } from '../helpers/client';
import { openSse, type SseClient } from '../helpers/sse';
import { person as newPerson, teamOf, useTeamServers, type Person } from '../helpers/teams';

/** `a` takes the changes, `b` answers the reads and holds the streams: two instances on PostgreSQL, one on SQLite. */
const srv = useTeamServers();

const person = () => newPerson(srv.a.url);

/** A team with an owner, an admin and two members. */
async function crew(perCycle = 300) {
  const t = await teamOf(srv.a.url, perCycle, ['owner', 'admin', undefined, 'member']);
  const [owner, adm, m1, m2] = t.people;
  return { teamId: t.teamId, name: t.name, owner, adm, m1, m2 };
}

const get = (p: Person, path: string) => call(srv.b.url, 'GET', path, { token: p.token });
const put = (p: Person, path: string, body: unknown) => call(srv.a.url, 'PUT', path, { token: p.token, body });
const post = (p: Person, path: string, body?: unknown) => call(srv.a.url, 'POST', path, { token: p.token, body });
const setLimit = (by: Person, of: Person, credits: number | null) => put(by, `/v1/team/members/${of.id}/limit`, { credits });
const ask = (p: Person, body: unknown) => post(p, '/v1/team/limit-requests', body);

const streams: SseClient[] = [];
async function stream(p: Person): Promise<SseClient> {
  const s = await openSse(srv.b.url, p.token);
  streams.push(s);
  await s.waitFor((e) => e.event === 'balance');
  return s;
}
afterEach(() => {
  for (const s of streams.splice(0)) s.close();
});
const causeOf = (e: { data: string }) => JSON.parse(e.data).cause;

describe('roles', () => {
  it('POST /admin/v1/teams/:id/members takes a role (member by default) and /v1/me names the team and the role', async () => {
    const c = await crew();
    expect((await get(c.owner, '/v1/me')).body).toMatchObject({ plan: 'teams', teamId: c.teamId, team: { id: c.teamId, name: c.name, role: 'owner' } });
    expect((await get(c.adm, '/v1/me')).body.team).toEqual({ id: c.teamId, name: c.name, role: 'admin' });
    expect((await get(c.m1, '/v1/me')).body.team).toEqual({ id: c.teamId, name: c.name, role: 'member' });
    const alone = await person();
    expect((await get(alone, '/v1/me')).body).toMatchObject({ teamId: null, team: null });
  });

  it('adding a member again keeps their role unless one is given', async () => {
    const c = await crew();
    expect((await admin(srv.a.url, 'POST', `/admin/v1/teams/${c.teamId}/members`, { userId: c.adm.id })).body.team.role).toBe('admin');
    expect((await admin(srv.a.url, 'POST', `/admin/v1/teams/${c.teamId}/members`, { userId: c.adm.id, role: 'member' })).body.team.role).toBe('member');
  });

  it('PUT /admin/v1/teams/:id/members/:userId changes the role, answers the member and tells their devices to reload the account', async () => {
    const c = await crew();
    const sse = await stream(c.m1);
    const r = await admin(srv.a.url, 'PUT', `/admin/v1/teams/${c.teamId}/members/${c.m1.id}`, { role: 'admin' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id: c.m1.id, email: c.m1.email, role: 'admin', limit: null, spent: 0, held: 0 });
    const ev = await sse.waitFor((e) => causeOf(e).kind === 'role');
    expect(causeOf(ev)).toMatchObject({ kind: 'role', account: true });
    expect((await get(c.m1, '/v1/me')).body.team.role).toBe('admin');
    // now a team admin: sees every member
    expect((await get(c.m1, '/v1/team')).body.members).toHaveLength(4);
  });

  it('refuses a bad role (400), a user outside the team or an unknown team (404), a member of another team (409)', async () => {
    const c = await crew();
    const other = await crew();
    const bad = await admin(srv.a.url, 'PUT', `/admin/v1/teams/${c.teamId}/members/${c.m1.id}`, { role: 'boss' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'invalid_request', message: expect.stringContaining('role') });
    expect((await admin(srv.a.url, 'PUT', `/admin/v1/teams/${c.teamId}/members/${c.m1.id}`, {})).status).toBe(400);
    expect((await admin(srv.a.url, 'POST', `/admin/v1/teams/${c.teamId}/members`, { userId: c.m1.id, role: 'chief' })).status).toBe(400);
    const outside = await admin(srv.a.url, 'PUT', `/admin/v1/teams/${c.teamId}/members/${other.m1.id}`, { role: 'admin' });
    expect(outside.status).toBe(404);
    expect(outside.body.error).toBe('not_found');
    expect((await admin(srv.a.url, 'PUT', `/admin/v1/teams/t_nope/members/${c.m1.id}`, { role: 'admin' })).status).toBe(404);
    expect((await admin(srv.a.url, 'POST', `/admin/v1/teams/${c.teamId}/members`, { userId: other.m1.id, role: 'admin' })).status).toBe(409);
    expect((await get(other.m1, '/v1/me')).body.team.role).toBe('member');
  });
});

describe('GET /v1/team', () => {
  it('a team admin sees the pool and every member; a member sees only their own entry', async () => {
    const c = await crew(300);
    const forOwner = await get(c.owner, '/v1/team');
    expect(forOwner.status).toBe(200);
    expect(forOwner.body).toMatchObject({ id: c.teamId, name: c.name, creditsPerCycle: 300, cycleEndsAt: expect.any(String), role: 'owner', pool: { remaining: 300, held: 0 } });
    expect(forOwner.body.members.map((m: any) => [m.email, m.role])).toEqual([
      [c.owner.email, 'owner'],
      [c.adm.email, 'admin'],
      ...[[c.m1.email, 'member'], [c.m2.email, 'member']].sort((x, y) => x[0].localeCompare(y[0])),
    ]);
    for (const m of forOwner.body.members) expect(m).toEqual({ id: expect.any(String), email: expect.any(String), role: expect.any(String), limit: null, spent: 0, held: 0 });
    expect((await get(c.adm, '/v1/team')).body.members).toHaveLength(4);

    const forMember = await get(c.m1, '/v1/team');
    expect(forMember.body).toMatchObject({ role: 'member', pool: { remaining: 300, held: 0 } });
    expect(forMember.body.members).toEqual([{ id: c.m1.id, email: c.m1.email, role: 'member', limit: null, spent: 0, held: 0 }]);
  });

  it('counts what each member holds and spent from the pool this cycle; personal credits and other cycles do not count', async () => {
    const c = await crew(300);
    expect((await setLimit(c.owner, c.m1, 100)).status).toBe(200);
    const h1 = await charge(srv.a.url, c.m1.token, 'ai-portrait'); // 15 from the pool
    const h2 = await charge(srv.b.url, c.m1.token, 'ai-image'); // 20 from the pool
    expect([h1.status, h2.status]).toEqual([201, 201]);
    expect((await call(srv.a.url, 'POST', `/v1/charges/${h1.body.charge.id}/capture`, { token: c.m1.token })).status).toBe(200);
    await charge(srv.a.url, c.m2.token, 'smart-cutout'); // 8 held by another member

    const t = (await get(c.owner, '/v1/team')).body;
    expect(t.pool).toEqual({ remaining: 300 - 15 - 20 - 8, held: 28 });
    const m1 = t.members.find((m: any) => m.id === c.m1.id);
    expect(m1).toMatchObject({ spent: 15, limit: { credits: 100, used: 15, held: 20, remaining: 65 } });
    expect(t.members.find((m: any) => m.id === c.m2.id)).toMatchObject({ spent: 0, held: 8, limit: null });
    expect((await get(c.m1, '/v1/team')).body.members[0]).toEqual(m1);

    // released: no longer held; a renewal starts a new cycle: used back at 0
    expect((await call(srv.a.url, 'POST', `/v1/charges/${h2.body.charge.id}/release`, { token: c.m1.token, body: { reason: 'failed' } })).status).toBe(200);
    expect((await get(c.m1, '/v1/team')).body.members[0].limit).toEqual({ credits: 100, used: 15, held: 0, remaining: 85 });
    expect((await admin(srv.a.url, 'POST', `/admin/v1/users/${c.owner.id}/renew`)).status).toBe(200);
    expect((await get(c.m1, '/v1/team')).body.members[0]).toMatchObject({ spent: 0, limit: { credits: 100, used: 0, held: 0, remaining: 100 } });
  });

  it('outside a team: 404; without a token: 401', async () => {
    const alone = await person();
    const r = await get(alone, '/v1/team');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ error: 'not_found', message: expect.any(String) });
    expect((await call(srv.b.url, 'GET', '/v1/team')).status).toBe(401);
  });
});

describe('PUT /v1/team/members/:userId/limit', () => {
  it('a team admin sets, changes and removes a limit; the member hears it at once (cause "limit")', async () => {
    const c = await crew();
    const sse = await stream(c.m1);
    const r = await setLimit(c.adm, c.m1, 120);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id: c.m1.id, email: c.m1.email, role: 'member', limit: { credits: 120, used: 0, held: 0, remaining: 120 }, spent: 0, held: 0 });
    const ev = await sse.waitFor((e) => causeOf(e).kind === 'limit');
    expect(Number(ev.id)).toBeGreaterThan(0);
    expect((await setLimit(c.owner, c.m1, 0)).body.limit).toEqual({ credits: 0, used: 0, held: 0, remaining: 0 });
    // an admin may limit themselves, and the owner
    expect((await setLimit(c.adm, c.adm, 50)).body.limit.credits).toBe(50);
    expect((await setLimit(c.adm, c.owner, 75)).body.limit.credits).toBe(75);
    const removed = await setLimit(c.owner, c.m1, null);
    expect(removed.status).toBe(200);
    expect(removed.body.limit).toBeNull();
    await sse.waitFor((e) => causeOf(e).kind === 'limit' && Number(e.id) > Number(ev.id) + 1);
    expect((await get(c.m1, '/v1/team')).body.members[0].limit).toBeNull();
  });

  it('a member → 403; a user outside the team or unknown → 404; a caller outside a team → 404; nothing changes', async () => {
    const c = await crew();
    const other = await crew();
    const byMember = await setLimit(c.m1, c.m2, 10);
    expect(byMember.status).toBe(403);
    expect(byMember.body).toMatchObject({ error: 'forbidden', message: expect.any(String) });
    expect((await setLimit(c.m1, c.m1, 1_000)).status).toBe(403);
    const outside = await setLimit(c.owner, other.m1, 10);
    expect(outside.status).toBe(404);
    expect((await put(c.owner, '/v1/team/members/u_nobody/limit', { credits: 10 })).status).toBe(404);
    expect((await setLimit(await person(), c.m1, 10)).status).toBe(404);
    expect((await get(other.owner, '/v1/team')).body.members.every((m: any) => m.limit === null)).toBe(true);
    expect((await get(c.owner, '/v1/team')).body.members.every((m: any) => m.limit === null)).toBe(true);
  });

  it('bad bodies are 400s that change nothing', async () => {
    const c = await crew();
    for (const body of [{}, { credits: -1 }, { credits: 1.5 }, { credits: 1_000_000_001 }, { credits: '10' }, { credits: 10, extra: 1 }]) {
      const r = await put(c.owner, `/v1/team/members/${c.m1.id}/limit`, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error).toBe('invalid_request');
    }
    expect((await call(srv.a.url, 'PUT', `/v1/team/members/${c.m1.id}/limit`, { token: c.owner.token, raw: '{"credits":' })).status).toBe(400);
    expect((await setLimit(c.owner, c.m1, 1_000_000_000)).body.limit.credits).toBe(1_000_000_000);
  });
});

describe('limit requests', () => {
  it('a member with a limit asks (201 pending); the admins hear of it; approving raises the limit and tells the member', async () => {
    const c = await crew();
    await setLimit(c.owner, c.m1, 100);
    const mine = await stream(c.m1);
    const owners = await stream(c.owner);
    const made = await ask(c.m1, { credits: 40, note: 'Two more trailer cuts' });
    expect(made.status).toBe(201);
    expect(made.body).toEqual({
      id: expect.any(String), userId: c.m1.id, email: c.m1.email, credits: 40, note: 'Two more trailer cuts', status: 'pending',
      createdAt: expect.any(String), decidedAt: null, decidedBy: null,
    });
    const heard = await owners.waitFor((e) => causeOf(e).kind === 'limit_request');
    expect(causeOf(heard).request).toEqual(made.body);

    const approved = await post(c.adm, `/v1/team/limit-requests/${made.body.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ id: made.body.id, status: 'approved', decidedBy: c.adm.id, decidedAt: expect.any(String) });
    const told = await mine.waitFor((e) => causeOf(e).kind === 'limit_request' && causeOf(e).request.status === 'approved');
    expect(causeOf(told).request).toEqual(approved.body);
    expect((await get(c.m1, '/v1/team')).body.members[0].limit.credits).toBe(140);

    const twice = await post(c.owner, `/v1/team/limit-requests/${made.body.id}/deny`);
    expect(twice.status).toBe(409);
    expect(twice.body.error).toBe('conflict');
    expect((await post(c.owner, `/v1/team/limit-requests/${made.body.id}/approve`)).status).toBe(409);
    expect((await get(c.m1, '/v1/team')).body.members[0].limit.credits).toBe(140);
  });

  it('denying leaves the limit as it was and tells the member; the note is optional', async () => {
    const c = await crew();
    await setLimit(c.owner, c.m2, 30);
    const mine = await stream(c.m2);
    const made = await ask(c.m2, { credits: 5 });
    expect(made.body.note).toBeNull();
    const denied = await post(c.owner, `/v1/team/limit-requests/${made.body.id}/deny`, {});
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({ status: 'denied', decidedBy: c.owner.id });
    expect(causeOf(await mine.waitFor((e) => causeOf(e).request?.status === 'denied')).request.id).toBe(made.body.id);
    expect((await get(c.m2, '/v1/team')).body.members[0].limit.credits).toBe(30);
  });

  it('lists every member\'s requests for a team admin and one\'s own otherwise, newest first, by status', async () => {
    const c = await crew();
    await setLimit(c.owner, c.m1, 10);
    await setLimit(c.owner, c.m2, 10);
    const r1 = (await ask(c.m1, { credits: 1 })).body;
    const r2 = (await ask(c.m2, { credits: 2 })).body;
    const r3 = (await ask(c.m1, { credits: 3 })).body;
    await post(c.owner, `/v1/team/limit-requests/${r1.id}/deny`);

    const all = await get(c.adm, '/v1/team/limit-requests');
    expect(all.status).toBe(200);
    expect(all.body.map((r: any) => r.id).sort()).toEqual([r1.id, r2.id, r3.id].sort());
    expect(all.body.map((r: any) => r.createdAt)).toEqual([...all.body.map((r: any) => r.createdAt)].sort().reverse());
    expect((await get(c.owner, '/v1/team/limit-requests?status=pending')).body.map((r: any) => r.id).sort()).toEqual([r2.id, r3.id].sort());
    expect((await get(c.owner, '/v1/team/limit-requests?status=denied')).body).toEqual([expect.objectContaining({ id: r1.id, status: 'denied' })]);
    expect((await get(c.owner, '/v1/team/limit-requests?status=approved')).body).toEqual([]);
    expect((await get(c.m1, '/v1/team/limit-requests')).body.map((r: any) => r.id).sort()).toEqual([r1.id, r3.id].sort());
    expect((await get(c.m2, '/v1/team/limit-requests?status=pending')).body.map((r: any) => r.id)).toEqual([r2.id]);
    const bad = await get(c.owner, '/v1/team/limit-requests?status=maybe');
    expect(bad.status).toBe(400);
    expect((await get(await person(), '/v1/team/limit-requests')).status).toBe(404);
  });

  it('refusals: no limit → 409; outside a team → 404; bad credits or note → 400; a member deciding → 403; unknown or another team\'s request → 404', async () => {
    const c = await crew();
    const other = await crew();
    const noLimit = await ask(c.m1, { credits: 10 });
    expect(noLimit.status).toBe(409);
    expect(noLimit.body).toMatchObject({ error: 'conflict', message: expect.any(String) });
    expect((await ask(await person(), { credits: 10 })).status).toBe(404);
    await setLimit(c.owner, c.m1, 10);
    for (const body of [{}, { credits: 0 }, { credits: 1_000_000_001 }, { credits: 2.5 }, { credits: 5, note: 'x'.repeat(501) }, { credits: 5, note: 'bell\u0007' }, { credits: 5, other: true }]) {
      const r = await ask(c.m1, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    expect((await ask(c.m1, { credits: 5, note: 'x'.repeat(500) })).status).toBe(201);
    const req = (await ask(c.m1, { credits: 5 })).body;
    const byMember = await post(c.m2, `/v1/team/limit-requests/${req.id}/approve`);
    expect(byMember.status).toBe(403);
    expect((await post(c.m1, `/v1/team/limit-requests/${req.id}/approve`)).status).toBe(403);
    expect((await post(other.owner, `/v1/team/limit-requests/${req.id}/approve`)).status).toBe(404);
    expect((await post(c.owner, '/v1/team/limit-requests/lr_nope/approve')).status).toBe(404);
    expect((await post(c.owner, `/v1/team/limit-requests/${req.id}/approve`, { credits: 999 })).status).toBe(400);
    expect((await get(c.owner, '/v1/team/limit-requests?status=pending')).body.map((r: any) => r.id)).toContain(req.id);
    expect((await get(c.m1, '/v1/team')).body.members[0].limit.credits).toBe(10);
  });

  it('at most 10 pending requests per member (409 after that); deciding one makes room', async () => {
    const c = await crew();
    await setLimit(c.owner, c.m1, 10);
    const made = [];
    for (let i = 0; i < 10; i++) made.push((await ask(c.m1, { credits: i + 1 })).body);
    const eleventh = await ask(c.m1, { credits: 11 });
    expect(eleventh.status).toBe(409);
    await post(c.owner, `/v1/team/limit-requests/${made[0].id}/deny`);
    expect((await ask(c.m1, { credits: 11 })).status).toBe(201);
  });

  it('approving for a member whose limit was removed meanwhile approves and leaves no limit', async () => {
    const c = await crew();
    await setLimit(c.owner, c.m1, 10);
    const req = (await ask(c.m1, { credits: 5 })).body;
    await setLimit(c.owner, c.m1, null);
    expect((await post(c.owner, `/v1/team/limit-requests/${req.id}/approve`)).body.status).toBe('approved');
    expect((await get(c.m1, '/v1/team')).body.members[0].limit).toBeNull();
  });
});

describe('the demo team', () => {
  it('alice@ owns Studio; bob@ has a limit of 150 and a pending request', async () => {
    const alice = await signIn(srv.a.url, DEMO_ACCOUNTS.alice, DEMO_PASSWORD);
    const bob = await signIn(srv.a.url, DEMO_ACCOUNTS.bob, DEMO_PASSWORD);
    const me = (await call(srv.b.url, 'GET', '/v1/me', { token: alice.access_token })).body;
    expect(me.team).toMatchObject({ name: 'Studio', role: 'owner' });
    const team = (await call(srv.b.url, 'GET', '/v1/team', { token: alice.access_token })).body;
    const bobEntry = team.members.find((m: any) => m.email === DEMO_ACCOUNTS.bob);
    expect(bobEntry).toMatchObject({ role: 'member', limit: { credits: DEMO_BOB_LIMIT } });
    const pending = (await call(srv.b.url, 'GET', '/v1/team/limit-requests?status=pending', { token: alice.access_token })).body;
    expect(pending).toEqual([expect.objectContaining({ email: DEMO_ACCOUNTS.bob, status: 'pending' })]);
    expect((await call(srv.b.url, 'GET', '/v1/team', { token: bob.access_token })).body.members).toHaveLength(1);
  });
});
