/** How the web pages write numbers, money, dates and ledger vocabulary. Pure; output is text to escape. */
import type { Device, LedgerEntry } from '@cutline/contract/api';
import type { CreditType } from '@cutline/contract/credit-types';
import { findTool } from '@cutline/contract/tools';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');
const toMs = (t: number | string) => (typeof t === 'number' ? t : Date.parse(t));

/** "21 Dec 2026" (UTC). */
export function fmtDate(t: number | string): string {
  const d = new Date(toMs(t));
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** "21 Dec" (UTC), for chart axes. */
export function fmtDay(t: number): string {
  const d = new Date(t);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}

/** "21 Dec 2026, 01:52 UTC". */
export function fmtDateTime(t: number | string): string {
  const d = new Date(toMs(t));
  return `${fmtDate(t)}, ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`;
}

/** "1,200". */
export const fmtInt = (n: number): string => Math.trunc(n).toLocaleString('en-US');

/** "$19.99". */
export const money = (cents: number): string => `$${Math.floor(cents / 100)}.${two(cents % 100)}`;

export const plural = (n: number, one: string, many = `${one}s`): string => `${fmtInt(n)} ${n === 1 ? one : many}`;

export const TYPE_LABEL: Record<CreditType, string> = { subscription: 'Subscription', activity: 'Activity', purchased: 'Purchased' };

/** A batch's `source` in words. */
export function sourceLabel(source: string): string {
  if (source === 'cycle') return 'Plan, this billing cycle';
  if (source === 'exchange') return 'Exchanged Pro uses';
  const [head, ...rest] = source.split(':');
  const tail = rest.join(':');
  if (head === 'store' && tail) {
    const m = /^pack-(\d+)$/.exec(tail);
    return m ? `Web store, ${fmtInt(Number(m[1]))}-credit pack` : `Web store, ${tail}`;
  }
  if (head === 'campaign' && tail) return `Campaign: ${tail}`;
  if (head === 'reward' && tail) return `Reward: ${tail}`;
  if (head === 'support' && tail) return `Support: ${tail}`;
  return source;
}

export const toolName = (id: string | null): string => (id ? (findTool(id)?.name ?? id) : '');

export const platformName = (d: Device): string => (d.platform === 'desktop' ? 'Desktop' : d.platform === 'mobile' ? 'Mobile' : 'Web');

/** A short, stable tag for a device id: its last 6 letters or digits ("7f3a9c"). */
export const shortDeviceId = (id: string): string => id.replace(/[^A-Za-z0-9]/g, '').slice(-6);

/** "Mobile · 7f3a9c" — the platform and a short id (the full id goes in a tooltip). */
export function deviceLabel(d: Device | null): string {
  if (!d) return '';
  return `${platformName(d)} · ${shortDeviceId(d.id)}`;
}

/** What a ledger entry did, and its signed amount as the account saw it. */
export function entryWords(e: LedgerEntry): { what: string; amount: string; direction: 'in' | 'out' | 'none' } {
  const n = e.unit === 'proUses' ? plural(e.amount, 'Pro use') : plural(e.amount, 'credit');
  switch (e.kind) {
    case 'grant':
      return { what: e.unit === 'proUses' ? 'Pro uses for this cycle' : 'Credits granted', amount: `+${n}`, direction: 'in' };
    case 'purchase':
      return { what: 'Bought in the web store', amount: `+${n}`, direction: 'in' };
    case 'exchange':
      return e.unit === 'proUses'
        ? { what: 'Pro uses exchanged', amount: `−${n}`, direction: 'out' }
        : { what: 'Credits from the exchange', amount: `+${n}`, direction: 'in' };
    case 'hold':
      return { what: 'Held for an AI action', amount: `−${n}`, direction: 'out' };
    case 'capture':
      return { what: 'Spent (AI action succeeded)', amount: n, direction: 'none' };
    case 'release':
      return { what: 'Returned (AI action failed or was cancelled)', amount: `+${n}`, direction: 'in' };
    case 'expire':
      return { what: e.chargeId ? 'Expired while held' : 'Expired', amount: `−${n}`, direction: 'out' };
    default:
      return { what: String(e.kind), amount: n, direction: 'none' };
  }
}
