/**
 * The web history as a person reads it: one row per action. A charge's hold, capture and release
 * entries — and the expiry of a part that went back to a batch which had expired meanwhile — become
 * one row ("Spent", "Returned" and why, "Running") with signed amounts and the charge's project;
 * every other entry is its own row. Pure: entries in (newest first), rows out.
 */
import type { LedgerEntry } from '@cutline/contract/api';
import { expiredWithBatch, RELEASE_REASON_WORDS } from '@cutline/contract/refunds';
import { plural } from './format';

export interface HistoryRow {
  key: string;
  at: string;
  kind: LedgerEntry['kind'] | 'charge';
  /** What happened, in words. */
  what: string;
  /** Signed amount(s), e.g. "−15 credits" or "−15 → +15 credits". */
  amount: string;
  direction: 'in' | 'out' | 'none';
  type: string;
  tool: string | null;
  device: LedgerEntry['device'];
  member: { id: string; email: string } | null;
  /** The charge's project, when it was made for one. */
  project: LedgerEntry['project'] | null;
  entries: LedgerEntry[];
}

const units = (n: number, unit: LedgerEntry['unit']) => (unit === 'proUses' ? plural(n, 'Pro use') : plural(n, 'credit'));

/**
 * `settledElsewhere`: charges whose later steps are on a newer page (a page boundary between a
 * hold and its capture): their row is shown there, not again here.
 */
export function historyRows(entries: readonly LedgerEntry[], describeSingle: (e: LedgerEntry) => Omit<HistoryRow, 'key' | 'entries' | 'tool' | 'device' | 'member' | 'project' | 'at' | 'kind'>, settledElsewhere: ReadonlySet<string> = new Set()): HistoryRow[] {
  const rows: HistoryRow[] = [];
  const byCharge = new Map<string, LedgerEntry[]>();
  for (const e of entries) {
    const grouped = e.chargeId && (e.kind === 'hold' || e.kind === 'capture' || e.kind === 'release' || e.kind === 'expire');
    if (!grouped) {
      rows.push({ key: e.id, at: e.at, kind: e.kind, tool: e.tool, device: e.device, member: e.member ?? null, project: null, entries: [e], ...describeSingle(e) });
      continue;
    }
    const list = byCharge.get(e.chargeId!);
    if (list) {
      list.push(e);
      continue;
    }
    if (settledElsewhere.has(e.chargeId!)) continue;
    const group = [e];
    byCharge.set(e.chargeId!, group);
    rows.push({ key: e.chargeId!, at: e.at, kind: 'charge', tool: e.tool, device: e.device, member: e.member ?? null, project: e.project ?? null, entries: group, what: '', amount: '', direction: 'none', type: '' });
  }
  for (const row of rows) {
    if (row.kind !== 'charge') continue;
    const sum = (k: string) => row.entries.filter((x) => x.kind === k).reduce((s, x) => s + x.amount, 0);
    const unit = row.entries[0].unit;
    const held = sum('hold') || sum('capture') || sum('release');
    const types = [...new Set(row.entries.map((x) => (x.unit === 'proUses' ? 'Pro uses' : x.type ?? '')))].filter(Boolean);
    row.type = types.map((t) => t.charAt(0).toUpperCase() + t.slice(1)).join(', ');
    const hold = row.entries.find((x) => x.kind === 'hold');
    if (hold) row.at = hold.at; // the action's time: when it started
    if (row.entries.some((x) => x.kind === 'release')) {
      const back = sum('release');
      const reason = row.entries.find((x) => x.kind === 'release')?.reason;
      const lost = sum('expire');
      const why = `Held, then returned (${reason ? RELEASE_REASON_WORDS[reason] : 'the AI action failed or was cancelled'})`;
      Object.assign(row, {
        what: lost ? `${why}. ${expiredWithBatch(units(lost, unit))}` : why,
        amount: `−${units(held, unit)} → +${units(back, unit)}${lost ? `, −${units(lost, unit)} expired` : ''}`,
        direction: 'none',
      });
    } else if (row.entries.some((x) => x.kind === 'capture')) {
      Object.assign(row, { what: 'Spent (held, then the AI action succeeded)', amount: `−${units(held, unit)}`, direction: 'out' });
    } else {
      Object.assign(row, { what: 'Held for an AI action still running', amount: `−${units(held, unit)}`, direction: 'out' });
    }
  }
  return rows;
}
