/** Row ↔ domain ↔ wire mappings. Storage rows use snake_case and integer milliseconds. */
import type { Batch } from '@cutline/contract/api';
import type { CreditType, Plan, TeamRole } from '@cutline/contract/credit-types';
import type { Billing } from '../../ledger/plans';
import type { BatchState } from '../../ledger/types';

import { num } from '../../ledger-wire';

export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
/**
 * ISO text of an instant (ms). The same few instants recur on every snapshot (each live batch's
 * grant and expiry), so their texts are kept: a bounded map, emptied when full.
 */
const isoTexts = new Map<number, string>();
const ISO_TEXTS_MAX = 4096;
export const iso = (ms: number): string => {
  let t = isoTexts.get(ms);
  if (t === undefined) {
    t = new Date(ms).toISOString(); // throws RangeError for an invalid instant, as before
    if (isoTexts.size >= ISO_TEXTS_MAX) isoTexts.clear();
    isoTexts.set(ms, t);
  }
  return t;
};
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

export interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  plan: Plan;
  billing: Billing;
  team_id: string | null;
  pro_uses_remaining: number | null;
  pro_uses_per_cycle: number | null;
  exchanged: number;
  cycle_started_at: number | null;
  cycle_ends_at: number | null;
  version: number;
  /** Credits of the account's open (held) credit charges: kept by the charge steps, never summed. */
  held: number;
  /** When the address was confirmed, or null (a sign-up whose confirmation link was not opened yet). */
  email_verified_at: number | null;
  /** Role in the team (`owner`, `admin`, `member`); null outside a team. */
  team_role: TeamRole | null;
  /** The most pool credits the member may use in a team cycle; null: no limit. */
  team_limit: number | null;
  /** Pool credits this member's charges captured since the team's cycle started (kept by the charge engine). */
  pool_used: number;
  /** Pool credits in this member's open holds (kept by the charge engine). */
  pool_held: number;
  created_at: number;
}

export function userRow(r: Record<string, unknown>): UserRow {
  return {
    ...(r as unknown as UserRow),
    pro_uses_remaining: numOrNull(r.pro_uses_remaining),
    pro_uses_per_cycle: numOrNull(r.pro_uses_per_cycle),
    exchanged: num(r.exchanged),
    cycle_started_at: numOrNull(r.cycle_started_at),
    cycle_ends_at: numOrNull(r.cycle_ends_at),
    version: num(r.version),
    held: num(r.held ?? 0),
    email_verified_at: numOrNull(r.email_verified_at),
    team_role: (r.team_role ?? null) as TeamRole | null,
    team_limit: numOrNull(r.team_limit),
    pool_used: num(r.pool_used ?? 0),
    pool_held: num(r.pool_held ?? 0),
    created_at: num(r.created_at),
  };
}

export interface TeamRow {
  id: string;
  name: string;
  credits_per_cycle: number;
  cycle_days: number;
  cycle_started_at: number;
  cycle_ends_at: number;
  created_at: number;
}
export function teamRow(r: Record<string, unknown>): TeamRow {
  return {
    id: String(r.id),
    name: String(r.name),
    credits_per_cycle: num(r.credits_per_cycle),
    cycle_days: num(r.cycle_days),
    cycle_started_at: num(r.cycle_started_at),
    cycle_ends_at: num(r.cycle_ends_at),
    created_at: num(r.created_at),
  };
}

export function batchState(r: Record<string, unknown>): BatchState {
  return {
    id: String(r.id),
    ownerKind: r.owner_kind as 'user' | 'team',
    ownerId: String(r.owner_id),
    type: r.type as CreditType,
    amount: num(r.amount),
    remaining: num(r.remaining),
    grantedAt: num(r.granted_at),
    expiresAt: numOrNull(r.expires_at),
    source: String(r.source),
  };
}

export function batchWire(b: BatchState): Batch {
  return {
    id: b.id,
    type: b.type,
    scope: b.ownerKind,
    remaining: b.remaining,
    expiresAt: isoOrNull(b.expiresAt),
    grantedAt: iso(b.grantedAt),
    source: b.source,
  };
}
