/** Creating batches: cycle grants, campaign awards, purchases, exchanges — and the admin's grant of one. */
import type { Batch } from '@cutline/contract/api';
import type { CreditType, LedgerKind } from '@cutline/contract/credit-types';
import type { Tx } from '../store/db';
import { lockAccount, lockTeam } from './account-state';
import type { Ctx } from './context';
import { invalid } from './errors';
import { newId } from './ids';
import type { Journal } from './journal';
import { mutate } from './mutate';
import { ok } from './outcome';
import { batchWire } from './rows';

export interface GrantSpec {
  ownerKind: 'user' | 'team';
  ownerId: string;
  type: CreditType;
  amount: number;
  expiresAt: number | null;
  source: string;
  /** The ledger kind recorded: grant (default), purchase or exchange. */
  kind?: LedgerKind;
  grantedAt?: number;
}

export async function insertBatch(tx: Tx, journal: Journal, spec: GrantSpec, now: number): Promise<Batch> {
  const id = newId('b');
  const grantedAt = spec.grantedAt ?? now;
  await tx.run(
    `INSERT INTO batches (id, owner_kind, owner_id, type, amount, remaining, granted_at, expires_at, source)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [id, spec.ownerKind, spec.ownerId, spec.type, spec.amount, spec.amount, grantedAt, spec.expiresAt, spec.source],
  );
  journal.add({
    userId: spec.ownerKind === 'user' ? spec.ownerId : null,
    scopeId: spec.ownerId,
    kind: spec.kind ?? 'grant',
    amount: spec.amount,
    unit: 'credits',
    type: spec.type,
    batchId: id,
  });
  if (spec.ownerKind === 'user') journal.touchUser(spec.ownerId);
  else journal.touchTeam(spec.ownerId);
  return batchWire({
    id,
    ownerKind: spec.ownerKind,
    ownerId: spec.ownerId,
    type: spec.type,
    amount: spec.amount,
    remaining: spec.amount,
    grantedAt,
    expiresAt: spec.expiresAt,
    source: spec.source,
  });
}

export interface AdminGrant {
  userId?: string;
  teamId?: string;
  type: CreditType;
  amount: number;
  expiresAt: number | null;
  source: string;
}

/** `POST /admin/v1/grants`: one batch for a user or a team, with its entry and push. */
export async function adminGrant(ctx: Ctx, g: AdminGrant): Promise<Batch> {
  const out = await mutate(ctx, { kind: 'grant' }, async (tx, journal, now) => {
    if (g.expiresAt !== null && g.expiresAt <= now) throw invalid('expiresAt must be in the future');
    const ownerKind = g.teamId ? 'team' : 'user';
    const ownerId = (g.teamId ?? g.userId)!;
    if (ownerKind === 'team') await lockTeam(tx, ownerId);
    else await lockAccount(tx, ownerId);
    return ok(await insertBatch(tx, journal, { ownerKind, ownerId, type: g.type, amount: g.amount, expiresAt: g.expiresAt, source: g.source }, now));
  });
  return out.value;
}
