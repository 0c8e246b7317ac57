/**
 * The desktop core and a team's limits, against the real service: *Request more* sent from the
 * app, the member told live when a team admin decides, the admin's count of pending requests kept
 * live (the badge), `/team` opened signed in through the handoff, and a role change reaching the
 * app as an account change.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { admin, call, signIn } from '@cutline/service/test/helpers/client';
import { createAccount } from '../helpers/accounts';
import { useCoreSuite } from '../helpers/core-harness';
import { until } from '../helpers/wait';

const suite = useCoreSuite();

/** A team with an owner and a member (limit `limit`), each able to sign in. */
async function team(perCycle = 200, limit: number | null = 50) {
  const base = suite.server.url;
  const t = await admin(base, 'POST', '/admin/v1/teams', { name: `Core ${randomBytes(3).toString('hex')}`, creditsPerCycle: perCycle });
  const owner = await createAccount(base, 0);
  const member = await createAccount(base, 20);
  await admin(base, 'POST', `/admin/v1/teams/${t.body.id}/members`, { userId: owner.id, role: 'owner' });
  await admin(base, 'POST', `/admin/v1/teams/${t.body.id}/members`, { userId: member.id });
  const ownerToken = (await signIn(base, owner.email, owner.password)).access_token;
  if (limit !== null) await call(base, 'PUT', `/v1/team/members/${member.id}/limit`, { token: ownerToken, body: { credits: limit } });
  return { teamId: t.body.id as string, owner, member, ownerToken };
}

describe('team limits in the desktop core', () => {
  it('Request more from the app reaches the admins; the admin’s badge count follows live; the member is told of the decision', async () => {
    const t = await team();
    const admin_ = await suite.signedIn(t.owner.email, t.owner.password);
    await until(() => admin_.core.getState().pendingLimitRequests === 0, "the admin's count");
    const member = await suite.signedIn(t.member.email, t.member.password);
    expect(member.core.getState().account?.team).toMatchObject({ role: 'member' });
    await until(() => member.core.getState().pendingLimitRequests === 0, "the member's own count");

    const sent = await member.core.cutline.requestMoreCredits({ credits: 30, note: '  Final grade  ' });
    if (!sent.ok) throw new Error(sent.error.message);
    expect(sent.value).toMatchObject({ credits: 30, note: 'Final grade', status: 'pending', userId: t.member.id });
    await until(() => member.core.getState().pendingLimitRequests === 1, "the member's pending request");
    // the admin's app hears of it by push: the badge shows 1
    await until(() => admin_.core.getState().pendingLimitRequests === 1, "the admin's badge");

    const approved = await call(suite.server.url, 'POST', `/v1/team/limit-requests/${sent.value.id}/approve`, { token: t.ownerToken });
    expect(approved.status).toBe(200);
    const told = await until(() => member.notices.find((n) => n.kind === 'limit-request'), 'the decision notice');
    expect(told).toMatchObject({ kind: 'limit-request', request: { id: sent.value.id, status: 'approved', decidedBy: t.owner.id } });
    await until(() => admin_.core.getState().pendingLimitRequests === 0, "the admin's badge cleared");
    await until(() => member.core.getState().pendingLimitRequests === 0, "the member's request decided");
    // only the member whose request it was is told; the admin gets no notice
    expect(admin_.notices.some((n) => n.kind === 'limit-request')).toBe(false);
  });

  it('a denied request is told too; asking without a limit is refused with the service’s reason', async () => {
    const t = await team(200, null);
    const member = await suite.signedIn(t.member.email, t.member.password);
    const refused = await member.core.cutline.requestMoreCredits({ credits: 10 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('no limit') } });

    await call(suite.server.url, 'PUT', `/v1/team/members/${t.member.id}/limit`, { token: t.ownerToken, body: { credits: 5 } });
    const sent = await member.core.cutline.requestMoreCredits({ credits: 10 });
    if (!sent.ok) throw new Error(sent.error.message);
    await call(suite.server.url, 'POST', `/v1/team/limit-requests/${sent.value.id}/deny`, { token: t.ownerToken });
    const told = await until(() => member.notices.find((n) => n.kind === 'limit-request'), 'the denial');
    expect(told).toMatchObject({ request: { status: 'denied' } });
  });

  it('the badge opens /team already signed in (a handoff link on the allowlist)', async () => {
    const t = await team();
    const h = await suite.signedIn(t.owner.email, t.owner.password);
    const opened = await h.core.cutline.openWeb({ path: '/team' });
    expect(opened).toEqual({ ok: true, value: undefined });
    const url = new URL(h.opened.at(-1)!);
    expect(url.pathname).toBe('/handoff');
    expect(url.searchParams.get('next')).toBe('/team');
  });

  it('a role given by an operator reaches the app as an account change, with the count of the team’s requests', async () => {
    const t = await team();
    const other = await createAccount(suite.server.url, 0);
    await admin(suite.server.url, 'POST', `/admin/v1/teams/${t.teamId}/members`, { userId: other.id });
    const h = await suite.signedIn(other.email, other.password);
    await until(() => h.core.getState().pendingLimitRequests === 0, 'a member with nothing pending');
    await call(suite.server.url, 'POST', '/v1/team/limit-requests', { token: (await signIn(suite.server.url, t.member.email, t.member.password)).access_token, body: { credits: 5 } });
    expect(h.core.getState().pendingLimitRequests).toBe(0); // not theirs, and they are no admin
    await admin(suite.server.url, 'PUT', `/admin/v1/teams/${t.teamId}/members/${other.id}`, { role: 'admin' });
    await until(() => h.core.getState().account?.team?.role === 'admin', 'the new role');
    await until(() => h.core.getState().pendingLimitRequests === 1, "the team's pending request");
  });

  it('a hold the limit stops is refused in the member’s words; their own credits pay past the limit; the balance shows the limit live', async () => {
    const t = await team(200, 0);
    const h = await suite.signedIn(t.member.email, t.member.password);
    await until(() => h.core.balance.current?.limit?.credits === 0, 'the limit in the balance');
    expect(h.core.balance.current?.total).toBe(20); // their own 20; none of the pool
    const refused = await h.core.cutline.hold({ actionId: `act_${randomBytes(8).toString('hex')}`, tool: 'ai-portrait', personalCap: 0 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'insufficient_credits', reason: 'member_limit', cost: 15, message: expect.stringContaining('limit') } });
    // the admin raises the limit: the app's balance follows by push, and the hold goes through
    await call(suite.server.url, 'PUT', `/v1/team/members/${t.member.id}/limit`, { token: t.ownerToken, body: { credits: 10 } });
    await until(() => h.core.balance.current?.limit?.remaining === 10, 'the raised limit, pushed');
    expect(h.core.balance.current?.total).toBe(30);
    const held = await h.core.cutline.hold({ actionId: `act_${randomBytes(8).toString('hex')}`, tool: 'ai-portrait', personalCap: 5 });
    if (!held.ok) throw new Error(held.error.message);
    expect(held.value.allocation.map((p) => [p.type, p.amount])).toEqual([
      ['subscription', 10],
      ['activity', 5],
    ]);
  });

  it('a hold that would need more of their own credits than agreed is refused as such (personal_cap), nothing held', async () => {
    const t = await team(0, null); // an empty pool: everything would come from their own 20
    const h = await suite.signedIn(t.member.email, t.member.password);
    await until(() => h.core.balance.current?.total === 20, 'their own credits');
    const refused = await h.core.cutline.hold({ actionId: `act_${randomBytes(8).toString('hex')}`, tool: 'ai-portrait', personalCap: 5 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'insufficient_credits', reason: 'personal_cap', cost: 15, available: 5, message: expect.stringContaining('agreed') } });
    const b = await call(suite.server.url, 'GET', '/v1/balance', { token: (await signIn(suite.server.url, t.member.email, t.member.password)).access_token });
    expect(b.body).toMatchObject({ total: 20, held: 0 });
  });

  it('signed out: no count, and asking needs an account', async () => {
    const h = await suite.core();
    expect(h.core.getState().pendingLimitRequests).toBeNull();
    expect(await h.core.cutline.requestMoreCredits({ credits: 5 })).toMatchObject({ ok: false, error: { code: 'signed_out' } });
  });
});
