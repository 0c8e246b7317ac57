/**
 * The wire form of a ledger entry (docs/api.md § Account and balance, `LedgerEntry`) and of a device, built from storage
 * rows. Neutral: the service's history reads and the event log (storage, which rebuilds an event's
 * entries from the ledger) both build entries with it, so an entry reads the same everywhere.
 */
import type { Device, LedgerEntry } from '@cutline/contract/api';
import type { CreditType, Platform } from '@cutline/contract/credit-types';

/** A numeric column as a number (PostgreSQL's BIGINT arrives as text). */
export const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

export function deviceOf(id: unknown, platform: unknown): Device | null {
  return id && platform ? { id: String(id), platform: platform as Platform } : null;
}

/** A `ledger` row (with its user's email joined as `member_email`) as the wire shows it. */
export function ledgerWire(r: Record<string, unknown>): LedgerEntry {
  return {
    id: `le_${r.seq}`,
    at: new Date(num(r.at)).toISOString(),
    kind: r.kind as LedgerEntry['kind'],
    amount: num(r.amount),
    type: (r.type as CreditType | null) ?? null,
    batchId: (r.batch_id as string | null) ?? null,
    chargeId: (r.charge_id as string | null) ?? null,
    tool: (r.tool as string | null) ?? null,
    device: deviceOf(r.device_id, r.device_platform),
    unit: r.unit as LedgerEntry['unit'],
    // Extension: who caused a charge's movement (read with the user's email joined as member_email).
    member: r.charge_id && r.user_id && r.member_email ? { id: String(r.user_id), email: String(r.member_email) } : null,
  };
}
