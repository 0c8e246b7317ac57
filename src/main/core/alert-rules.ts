/**
 * Which credit alerts are due (issue 12 § Alerts) — pure: the balance, the cheapest tool, the
 * user's settings, what was already shown and the time go in; the alerts that hold now (the
 * chip's badge), the ones to announce now, and the new memory come out. I/O lives in `alerts.ts`.
 *
 * - **Expiring**: a live batch with credits left that expires within 72 hours. Announced once per
 *   batch ("30 activity credits expire on Thursday").
 * - **Low balance**: the available credits fall below the price of the cheapest tool, or below the
 *   user's own threshold. Announced once per crossing: the memory forgets a limit once the
 *   balance is back at or above it, so the next fall announces again. An account whose Pro uses
 *   still cover tools is not low on credits.
 */
import type { BalanceSnapshot } from '@cutline/contract/api';
import type { CreditType } from '@cutline/contract/credit-types';

export const EXPIRY_WINDOW_MS = 72 * 3_600_000;

export interface AlertSettings {
  enabled: boolean;
  /** Also alert when the balance falls below this many credits; null: only the cheapest tool. */
  lowBalanceThreshold: number | null;
}

export const DEFAULT_ALERT_SETTINGS: AlertSettings = { enabled: true, lowBalanceThreshold: null };

/** What was already announced, per account. */
export interface AlertMemory {
  /** Batches whose expiry was announced. */
  expiring: string[];
  /** Low-balance limits crossed and announced, not yet recovered from. */
  low: string[];
}

export const EMPTY_MEMORY: AlertMemory = { expiring: [], low: [] };

export type Alert =
  | { kind: 'expiring'; key: string; batchId: string; type: CreditType; amount: number; at: string; text: string }
  | { kind: 'low-balance'; key: string; limit: number; reason: 'cheapest-tool' | 'threshold'; text: string };

export interface AlertInput {
  balance: BalanceSnapshot | null;
  cheapestTool: { name: string; cost: number } | null;
  settings: AlertSettings;
  memory: AlertMemory;
  now: number;
  /** For the weekday in "expire on Thursday"; the machine's zone when omitted. */
  timeZone?: string;
}

export interface AlertDecision {
  /** Every alert whose condition holds now (the badge). */
  active: Alert[];
  /** The ones to announce now (not announced before). */
  due: Alert[];
  memory: AlertMemory;
}

const credits = (n: number) => `${n} ${n === 1 ? 'credit' : 'credits'}`;

function dayWords(at: number, now: number, timeZone: string | undefined): string {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  if (day.format(at) === day.format(now)) return 'today';
  if (day.format(at) === day.format(now + 86_400_000)) return 'tomorrow';
  return `on ${new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'long' }).format(at)}`;
}

export function decideAlerts(input: AlertInput): AlertDecision {
  const { balance, settings, memory, now } = input;
  if (!settings.enabled || !balance) return { active: [], due: [], memory };
  const active: Alert[] = [];

  for (const b of balance.batches) {
    if (b.remaining <= 0 || !b.expiresAt) continue;
    const at = Date.parse(b.expiresAt);
    if (at <= now || at - now > EXPIRY_WINDOW_MS) continue;
    const verb = b.remaining === 1 ? 'expires' : 'expire';
    active.push({
      kind: 'expiring',
      key: `expiry:${b.id}`,
      batchId: b.id,
      type: b.type,
      amount: b.remaining,
      at: b.expiresAt,
      text: `${b.remaining} ${b.type} ${b.remaining === 1 ? 'credit' : 'credits'} ${verb} ${dayWords(at, now, input.timeZone)}`,
    });
  }

  const coveredByProUses = (balance.proUses?.remaining ?? 0) > 0;
  const lowKeys: string[] = [];
  if (!coveredByProUses) {
    const cheapest = input.cheapestTool;
    if (cheapest && balance.total < cheapest.cost) {
      const key = `low:cheapest:${cheapest.cost}`;
      lowKeys.push(key);
      active.push({
        kind: 'low-balance',
        key,
        limit: cheapest.cost,
        reason: 'cheapest-tool',
        text: `Your balance is ${credits(balance.total)}: not enough for any AI tool (the cheapest, ${cheapest.name}, needs ${credits(cheapest.cost)})`,
      });
    }
    const threshold = settings.lowBalanceThreshold;
    if (threshold !== null && balance.total < threshold) {
      const key = `low:threshold:${threshold}`;
      lowKeys.push(key);
      active.push({
        kind: 'low-balance',
        key,
        limit: threshold,
        reason: 'threshold',
        text: `Your balance fell below ${credits(threshold)}: ${credits(balance.total)} left`,
      });
    }
  }

  const liveBatchKeys = new Set(active.filter((a) => a.kind === 'expiring').map((a) => a.key));
  const fresh = active.filter((a) => (a.kind === 'expiring' ? !memory.expiring.includes(a.key) : !memory.low.includes(a.key)));
  // Two low-balance limits crossed by one change: one announcement, the most urgent (the tool's).
  const freshLow = fresh.filter((a) => a.kind === 'low-balance');
  const due = [...fresh.filter((a) => a.kind === 'expiring'), ...freshLow.slice(0, 1)];
  return {
    active,
    due,
    memory: {
      // announced batches stay remembered while they are still in the balance (they may leave the
      // 72-hour window only by expiring or being spent, and then they are gone)
      expiring: [
        ...memory.expiring.filter((k) => liveBatchKeys.has(k) || balance.batches.some((b) => `expiry:${b.id}` === k)),
        ...fresh.filter((a) => a.kind === 'expiring').map((a) => a.key),
      ],
      low: lowKeys,
    },
  };
}
