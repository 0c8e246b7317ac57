/** Creating batches: cycle grants, campaign awards, purchases, exchanges. */
import type { Batch } from '@cutline/contract/api';
import type { CreditType, LedgerKind } from '@cutline/contract/credit-types';
import type { Tx } from '../store/db';
import { newId } from './ids';
import type { Journal } from './journal';
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
