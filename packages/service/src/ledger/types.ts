import type { CreditType } from '@cutline/contract/credit-types';

/** One grant of credits. Times are integer milliseconds since the epoch; `expiresAt: null` is permanent. */
export interface BatchState {
  id: string;
  ownerKind: 'user' | 'team';
  ownerId: string;
  type: CreditType;
  amount: number;
  remaining: number;
  grantedAt: number;
  expiresAt: number | null;
  source: string;
}

/** What one hold took from one batch. */
export interface AllocationPart {
  batchId: string;
  type: CreditType;
  amount: number;
}
