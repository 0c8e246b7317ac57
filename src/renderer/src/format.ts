/** Words and numbers the UI shows. Pure functions: tested directly. */
import type { Allocation, BalanceSnapshot, LedgerEntry, QuoteResponse } from '@cutline/contract/api';
import { CREDIT_TYPES, type CreditType, type Platform } from '@cutline/contract/credit-types';
import { expiredWithBatch, RELEASE_REASON_WORDS, type ReleaseReason } from '@cutline/contract/refunds';

const nf = new Intl.NumberFormat('en-US');

export function num(n: number): string {
  return nf.format(n);
}

/** "1 credit", "15 credits". */
export function credits(n: number): string {
  return `${num(n)} ${Math.abs(n) === 1 ? 'credit' : 'credits'}`;
}

/** "85 credits · 6 AI actions": what a project (or a tool in it) cost. */
export function costLine(total: { credits: number; actions: number }): string {
  return `${credits(total.credits)} · ${num(total.actions)} AI ${total.actions === 1 ? 'action' : 'actions'}`;
}

/** "1 Pro use", "50 Pro uses". */
export function proUses(n: number): string {
  return `${num(n)} Pro ${Math.abs(n) === 1 ? 'use' : 'uses'}`;
}

export const TYPE_LABEL: Record<CreditType, string> = {
  subscription: 'subscription',
  activity: 'activity',
  purchased: 'purchased',
};

export const TYPE_TITLE: Record<CreditType, string> = {
  subscription: 'Subscription',
  activity: 'Activity',
  purchased: 'Purchased',
};

/** "a", "a and b", "a, b and c". */
export function joinWords(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** Sum of a quote's or a charge's allocation per credit type, in consumption order. */
export function sumByType(plan: Allocation[]): Array<{ type: CreditType; amount: number }> {
  const sums = new Map<CreditType, number>();
  for (const a of plan) sums.set(a.type, (sums.get(a.type) ?? 0) + a.amount);
  return CREDIT_TYPES.filter((t) => (sums.get(t) ?? 0) > 0).map((t) => ({ type: t, amount: sums.get(t)! }));
}

/** "Using 10 subscription credits and 5 activity credits". */
export function usingTypes(plan: Allocation[]): string {
  const parts = sumByType(plan).map(({ type, amount }) => `${num(amount)} ${TYPE_LABEL[type]} ${amount === 1 ? 'credit' : 'credits'}`);
  return parts.length ? `Using ${joinWords(parts)}` : '';
}

/** The confirm dialog's question. */
export function confirmQuestion(quote: Pick<QuoteResponse, 'cost' | 'usesProUse'>): string {
  if (quote.usesProUse) return 'This will use 1 Pro use.';
  return `This will use ${credits(quote.cost)}. Continue?`;
}

/** What a release gave back: "5 credits returned", "1 Pro use returned". */
export function returnedText(charge: { cost: number; usesProUse: boolean }): string {
  return charge.usesProUse ? '1 Pro use returned' : `${credits(charge.cost)} returned`;
}

/** What a capture spent: "5 credits used", "1 Pro use used". */
export function spentText(charge: { cost: number; usesProUse: boolean }): string {
  return charge.usesProUse ? '1 Pro use used' : `${credits(charge.cost)} used`;
}

/** The chip's short text. */
export function chipText(b: BalanceSnapshot): string {
  if (b.proUses && (b.proUses.remaining > 0 || b.total === 0)) {
    return b.total > 0 ? `${proUses(b.proUses.remaining)} · ${credits(b.total)}` : proUses(b.proUses.remaining);
  }
  return credits(b.total);
}

const dateFmt = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric' });
const dateTimeFmt = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
});

const timeFmt = new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit' });

/** "3:45 PM". */
export function timeOfDay(iso: string): string {
  return timeFmt.format(new Date(iso));
}

export function date(iso: string): string {
  return dateFmt.format(new Date(iso));
}

export function dateTime(iso: string): string {
  return dateTimeFmt.format(new Date(iso));
}

/** "in 3 days", "in 5 hours", "in 12 minutes", "today". */
export function relativeFuture(iso: string, now: number = Date.now()): string {
  const ms = new Date(iso).getTime() - now;
  if (ms <= 0) return 'now';
  const min = Math.round(ms / 60_000);
  if (min < 60) return `in ${min} ${min === 1 ? 'minute' : 'minutes'}`;
  const h = Math.round(ms / 3_600_000);
  if (h < 48) return `in ${h} ${h === 1 ? 'hour' : 'hours'}`;
  const d = Math.round(ms / 86_400_000);
  return `in ${d} days`;
}

/** "Expires Dec 1, 2026 (in 3 days)" or "Never expires". */
export function expiryText(expiresAt: string | null, now: number = Date.now()): string {
  if (!expiresAt) return 'Never expires';
  return `Expires ${date(expiresAt)} (${relativeFuture(expiresAt, now)})`;
}

export const PLATFORM_LABEL: Record<Platform, string> = { desktop: 'Desktop', web: 'Web', mobile: 'Mobile' };

/** One row of the activity panel. */
export interface ActivityRow {
  id: string;
  at: string;
  /** For a charge, its latest step (hold → capture or release). */
  kind: LedgerEntry['kind'];
  /** A charge's row (hold, capture, release of one AI action), rather than a single movement. */
  charge: boolean;
  /** Magnitude: the ledger's amounts are positive; `kind` says which way they went. */
  amount: number;
  unit: LedgerEntry['unit'];
  types: CreditType[];
  tool: string | null;
  chargeId: string | null;
  platform: Platform | null;
  /** Who caused it, for a team-pool movement (extension `member`). */
  member: { id: string; email: string } | null;
  /** The project the charge was for (extension `project`). */
  project: { id: string; name: string } | null;
  /** Why a charge's credits came back (its release's `reason`). */
  reason: ReleaseReason | null;
  /** Of those, what went back to a batch that had expired meanwhile, and expired with it. */
  expiredWithBatch: number;
  entryIds: string[];
}

/**
 * Groups ledger entries (newest first) into rows: all the entries of one charge (its hold, and
 * then its capture or release, each possibly across several batches) become one row showing the
 * charge's latest step; every other entry is its own row.
 */
export function groupActivity(entries: LedgerEntry[]): ActivityRow[] {
  const rows: ActivityRow[] = [];
  const byCharge = new Map<string, ActivityRow>();
  for (const e of entries) {
    const existing = e.chargeId ? byCharge.get(e.chargeId) : undefined;
    if (existing) {
      existing.entryIds.push(e.id);
      // Only the latest step's entries make up the amount (the hold's and capture's are the same credits).
      if (e.kind === existing.kind && e.unit === existing.unit) {
        existing.amount += Math.abs(e.amount);
        if (e.type && !existing.types.includes(e.type)) existing.types.push(e.type);
      }
      if (!existing.platform && e.device) existing.platform = e.device.platform;
      if (!existing.member && e.member) existing.member = e.member;
      if (!existing.project && e.project) existing.project = e.project;
      if (e.kind === 'release' && e.reason) existing.reason = e.reason;
      if (e.kind === 'expire') existing.expiredWithBatch += Math.abs(e.amount);
      continue;
    }
    const row: ActivityRow = {
      id: e.id,
      at: e.at,
      kind: e.kind,
      // A charge's own movements — an expiry among them: a part that went back to a batch which had expired meanwhile.
      charge: e.chargeId !== null && (e.kind === 'hold' || e.kind === 'capture' || e.kind === 'release' || e.kind === 'expire'),
      amount: Math.abs(e.amount),
      unit: e.unit,
      types: e.type ? [e.type] : [],
      tool: e.tool,
      chargeId: e.chargeId,
      platform: e.device?.platform ?? null,
      member: e.member ?? null,
      project: e.project ?? null,
      reason: e.kind === 'release' || e.kind === 'expire' ? (e.reason ?? null) : null,
      expiredWithBatch: e.chargeId && e.kind === 'expire' ? Math.abs(e.amount) : 0,
      entryIds: [e.id],
    };
    if (e.chargeId) byCharge.set(e.chargeId, row);
    rows.push(row);
  }
  for (const r of rows) r.types.sort((a, b) => CREDIT_TYPES.indexOf(a) - CREDIT_TYPES.indexOf(b));
  return rows;
}

/** What a row says happened: "Spent", "On hold", "Returned", "Granted", … */
export function activityLabel(r: Pick<ActivityRow, 'kind' | 'charge' | 'unit'>): string {
  switch (r.kind) {
    case 'hold':
      return 'On hold';
    case 'capture':
      return 'Spent';
    case 'release':
      return 'Returned';
    case 'grant':
      return r.unit === 'proUses' ? 'Pro uses for this cycle' : 'Granted';
    case 'purchase':
      return 'Bought';
    case 'exchange':
      return r.unit === 'proUses' ? 'Pro uses exchanged' : 'From the exchange';
    case 'expire':
      return r.charge ? 'Expired while held' : 'Expired';
  }
}

/**
 * Why a charge's credits came back, for its row: "The AI action failed." — and, when part went
 * back to a batch that had expired meanwhile, that it expired with it. Null for other rows.
 */
export function refundNote(r: Pick<ActivityRow, 'charge' | 'kind' | 'reason' | 'expiredWithBatch' | 'unit'>): string | null {
  if (!r.charge || (r.kind !== 'release' && r.kind !== 'expire')) return null;
  const why = r.reason ? RELEASE_REASON_WORDS[r.reason] : null;
  const first = why ? `Returned: ${why}.` : null;
  if (!r.expiredWithBatch) return first;
  const lost = `${expiredWithBatch(r.unit === 'proUses' ? proUses(r.expiredWithBatch) : credits(r.expiredWithBatch))}.`;
  return first ? `${first} ${lost.charAt(0).toUpperCase()}${lost.slice(1)}` : lost.charAt(0).toUpperCase() + lost.slice(1);
}

/** Which way a row moved the balance. */
export function activityDirection(r: Pick<ActivityRow, 'kind' | 'unit'>): 'in' | 'out' | 'none' {
  switch (r.kind) {
    case 'grant':
    case 'purchase':
      return 'in';
    case 'exchange':
      return r.unit === 'proUses' ? 'out' : 'in';
    case 'hold':
    case 'capture':
    case 'expire':
      return 'out';
    case 'release':
      return 'none';
  }
}

/** "−15 credits", "+100 credits", "1 Pro use". */
export function signedAmount(amount: number, unit: LedgerEntry['unit'], direction: 'in' | 'out' | 'none' = 'none'): string {
  const abs = Math.abs(amount);
  const sign = direction === 'in' ? '+' : direction === 'out' ? '−' : '';
  return `${sign}${unit === 'proUses' ? proUses(abs) : credits(abs)}`;
}

/** "0:12" from seconds. */
export function duration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return `${m}:${String(s).padStart(2, '0')}`;
}
