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

/**
 * What a ledger read joins to every row (`ledger l`, its user `u`, its charge `c`): the member's
 * email, and the charge's project and release reason (`ledgerWire`'s `project` and `reason`).
 */
export const LEDGER_JOINS = {
  columns: 'l.*, u.email AS member_email, c.project_id, c.project_name, c.release_reason',
  from: 'ledger l LEFT JOIN users u ON u.id = l.user_id LEFT JOIN charges c ON c.id = l.charge_id',
} as const;

/** A `ledger` row (with `LEDGER_JOINS`' columns) as the wire shows it. */
export function ledgerWire(r: Record<string, unknown>): LedgerEntry {
  const kind = r.kind as LedgerEntry['kind'];
  // Why a charge's credits came back: on its release entries, and on the expiry of a part whose batch had expired meanwhile.
  const reason = r.charge_id && (kind === 'release' || kind === 'expire') && r.release_reason ? (r.release_reason as LedgerEntry['reason']) : undefined;
  return {
    id: `le_${r.seq}`,
    at: new Date(num(r.at)).toISOString(),
    kind,
    amount: num(r.amount),
    type: (r.type as CreditType | null) ?? null,
    batchId: (r.batch_id as string | null) ?? null,
    chargeId: (r.charge_id as string | null) ?? null,
    tool: (r.tool as string | null) ?? null,
    device: deviceOf(r.device_id, r.device_platform),
    unit: r.unit as LedgerEntry['unit'],
    // Extension: who caused a charge's movement (read with the user's email joined as member_email).
    member: r.charge_id && r.user_id && r.member_email ? { id: String(r.user_id), email: String(r.member_email) } : null,
    // Extensions (docs/api.md § Usage), only when they say something: a charge's project and why its credits came back.
    ...(r.charge_id && r.project_id && r.project_name ? { project: { id: String(r.project_id), name: String(r.project_name) } } : {}),
    ...(reason ? { reason } : {}),
  };
}
