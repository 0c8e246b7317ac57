/**
 * "Commit, then refuse" — the one idiom for a change that must stand even though the request is
 * refused (a lapsed hold released, a replayed code burned and its tokens revoked, …).
 *
 * A transaction's body returns an `Outcome`: `ok(value)` (`okRevoking(hashes)` for a sign-out), or
 * `refusedAfterCommit(error, revoke)`.
 * Either way the transaction COMMITS (`mutate` with its journal, `transact` without one); only
 * then does `afterCommit` publish what the commit made true — the journal's events, the token
 * hashes to revoke — and return the value or throw the refusal. A body that throws instead rolls
 * everything back: throwing is "refuse before any change", returning a refusal is "refuse after".
 */
import type { Ctx } from './context';
import type { ServiceError } from './errors';
import type { HubEvent } from '../../events';
import type { Tx } from '../../db/db';

/**
 * `revoke`: access-token hashes whose open streams must end once the transaction committed;
 * `revokeUsers`: accounts all of whose streams must end (every token revoked: a password reset).
 */
export type Outcome<T> =
  | { readonly ok: true; readonly value: T; readonly revoke: readonly string[]; readonly revokeUsers?: readonly string[] }
  | { readonly ok: false; readonly refusal: ServiceError; readonly revoke: readonly string[]; readonly revokeUsers?: readonly string[] };

export function ok(): Outcome<void>;
export function ok<T>(value: T): Outcome<T>;
export function ok<T>(value?: T): Outcome<T | undefined> {
  return { ok: true, value, revoke: [] };
}

/** Success that revoked tokens (a sign-out): their streams end after the commit. */
export const okRevoking = (revoke: readonly string[]): Outcome<void> => ({ ok: true, value: undefined, revoke });

/** Success that revoked every token of these accounts: all their streams end after the commit, on every instance. */
export const okRevokingUsers = <T>(value: T, users: readonly string[]): Outcome<T> => ({ ok: true, value, revoke: [], revokeUsers: users });

/** Commit what was done, then answer with `refusal` (and end the streams of the `revoke` tokens). */
export const refusedAfterCommit = (refusal: ServiceError, revoke: readonly string[] = []): Outcome<never> => ({ ok: false, refusal, revoke });

/**
 * The one unwrapping, run once the outcome's transaction has committed: publishes the committed
 * events, revokes the listed tokens, then returns the value or throws the refusal.
 */
export function afterCommit<T>(hub: Ctx['hub'], outcome: Outcome<T>, events: readonly HubEvent[] = []): T {
  if (events.length) hub.publish(events);
  for (const h of outcome.revoke) hub.revoke(h);
  for (const u of outcome.revokeUsers ?? []) hub.revokeUser(u);
  if (outcome.ok) return outcome.value;
  throw outcome.refusal;
}

/** A plain write transaction (no journal, no ledger) whose body returns an `Outcome`: committed, then unwrapped. */
export async function transact<T>(ctx: Ctx, fn: (tx: Tx, now: number) => Promise<Outcome<T>>): Promise<T> {
  const outcome = await ctx.db.transaction((tx) => fn(tx, ctx.clock.now()));
  return afterCommit(ctx.hub, outcome);
}
