/**
 * Asking for more: a member with a limit asks the team admins to raise it; an admin approves
 * (the limit grows by the request's credits) or denies. Each step is pushed, committed with it,
 * as `cause.kind: "limit_request"` with the request: to the member's streams, and to every team
 * admin's (their pending requests changed).
 */
import type { LimitRequest } from '@cutline/contract/api';
import { isTeamAdmin, type LimitRequestStatus } from '@cutline/contract/credit-types';
import type { Tx } from '../../db/db';
import type { Ctx } from '../kernel/context';
import { conflict, notFound, ServiceError } from '../kernel/errors';
import { newId } from '../kernel/ids';
import type { Journal } from '../kernel/journal';
import { mutate } from '../kernel/mutate';
import { ok } from '../kernel/outcome';
import { callerTeam, lockCallerTeam, lockMember, requireTeamAdmin } from './access';
import { queueTeamEvent } from '../webhooks/queue';
import { MAX_LIMIT } from './limits';
import {
  decideLimitRequest,
  insertLimitRequest,
  limitRequestById,
  limitRequestWire,
  listLimitRequests,
  pendingRequestCount,
  setLimit,
  teamAdminIds,
} from './records';

/** Pending requests one member may have at once: asking again and again does not flood the admins. */
export const MAX_PENDING_PER_MEMBER = 10;

async function announce(tx: Tx, journal: Journal, teamId: string, memberId: string, request: LimitRequest): Promise<void> {
  journal.describe({ request });
  journal.touchUser(memberId);
  for (const id of await teamAdminIds(tx, teamId)) journal.touchUser(id);
}

/** `POST /v1/team/limit-requests`: 404 outside a team, 409 without a limit (nothing to raise). */
export async function requestMore(ctx: Ctx, userId: string, credits: number, note: string | null): Promise<LimitRequest> {
  let webhooks = 0;
  const out = await mutate(ctx, { kind: 'limit_request' }, async (tx, journal, now) => {
    const { team } = await lockCallerTeam(tx, userId);
    const member = await lockMember(tx, team, userId);
    if (member.team_limit === null) throw conflict('you have no limit on the team pool, so there is nothing to raise');
    if ((await pendingRequestCount(tx, team.id, userId)) >= MAX_PENDING_PER_MEMBER) {
      throw conflict(`you already have ${MAX_PENDING_PER_MEMBER} requests waiting for a team admin; wait for an answer before asking again`);
    }
    const id = newId('lr');
    await insertLimitRequest(tx, { id, team_id: team.id, user_id: userId, credits, note, created_at: now });
    const request = limitRequestWire((await limitRequestById(tx, id))!);
    await announce(tx, journal, team.id, userId, request);
    // The team's webhooks hear of it in the same transaction (the outbox): once per request.
    webhooks = await queueTeamEvent(tx, team.id, { type: 'limit_request.created', data: () => ({ teamId: team.id, teamName: team.name, request }) }, now);
    return ok(request);
  });
  if (webhooks) ctx.wakeOutbox?.();
  return out.value;
}

/** `GET /v1/team/limit-requests`: every member's for a team admin, one's own otherwise. */
export function listRequests(ctx: Ctx, userId: string, status?: LimitRequestStatus): Promise<LimitRequest[]> {
  return ctx.db.read(async (tx) => {
    const { team, caller } = await callerTeam(tx, userId);
    const rows = await listLimitRequests(tx, { teamId: team.id, status, userId: isTeamAdmin(caller.team_role) ? undefined : userId });
    return rows.map(limitRequestWire);
  });
}

/**
 * Approve or deny (team admin): 403 for a member, 404 for a request of another team, 409 when it
 * was decided already or its member left the team. Approving raises the member's limit by the
 * request's credits (at most to the largest limit); a member whose limit was removed meanwhile
 * keeps no limit.
 */
export async function decideRequest(ctx: Ctx, callerId: string, requestId: string, decision: 'approved' | 'denied'): Promise<LimitRequest> {
  const out = await mutate(ctx, { kind: 'limit_request' }, async (tx, journal, now) => {
    const { team, caller } = await lockCallerTeam(tx, callerId);
    requireTeamAdmin(caller, decision === 'approved' ? 'approve a request' : 'deny a request');
    const req = await limitRequestById(tx, requestId);
    if (!req || req.team_id !== team.id) throw notFound('limit request');
    if (req.status !== 'pending') throw conflict(`this request was already ${req.status}`);
    const member = await lockMember(tx, team, req.user_id).catch((e: unknown) => {
      if (e instanceof ServiceError && e.code === 'not_found') throw conflict(`${req.email} is no longer a member of the team`);
      throw e;
    });
    if (decision === 'approved' && member.team_limit !== null) {
      await setLimit(tx, member.id, Math.min(MAX_LIMIT, member.team_limit + req.credits));
    }
    await decideLimitRequest(tx, req.id, decision, now, caller.id);
    const request = limitRequestWire((await limitRequestById(tx, req.id))!);
    await announce(tx, journal, team.id, member.id, request);
    return ok(request);
  });
  return out.value;
}
