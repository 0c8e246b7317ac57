/** Creating batches: cycle grants, campaign awards, purchases, exchanges — and the admin's grant of one. */
import type { Batch } from '@cutline/contract/api';
import type { CreditType, LedgerKind } from '@cutline/contract/credit-types';
import type { BatchState } from '../../ledger/types';
import type { Tx } from '../../db/db';
import { lockAccount, lockTeam } from '../accounts/state';
import { insertBatchRow } from './records';
import type { Ctx } from '../kernel/context';
import { invalid } from '../kernel/errors';
import { touchOwner } from './expiry';
import { newId } from '../kernel/ids';
import type { Journal } from '../kernel/journal';
import { mutate } from '../kernel/mutate';
import { ok } from '../kernel/outcome';
import { batchWire } from '../kernel/rows';

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
  const batch: BatchState = {
    id: newId('b'),
    ownerKind: spec.ownerKind,
    ownerId: spec.ownerId,
    type: spec.type,
    amount: spec.amount,
    remaining: spec.amount,
    grantedAt: spec.grantedAt ?? now,
    expiresAt: spec.expiresAt,
    source: spec.source,
  };
  await insertBatchRow(tx, batch);
  journal.add({
    userId: spec.ownerKind === 'user' ? spec.ownerId : null,
    scopeId: spec.ownerId,
    kind: spec.kind ?? 'grant',
    amount: spec.amount,
    unit: 'credits',
    type: spec.type,
    batchId: batch.id,
  });
  touchOwner(journal, spec);
  return batchWire(batch);
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
