/**
 * What the window says out loud (its live regions, `components/LiveAnnouncer.tsx`) when the store
 * changes: the balance, whoever moved it (this device, a phone, a teammate, a purchase), and each
 * AI job starting and coming to its result. Pure: the previous and the new state in, sentences out.
 * Errors are urgent (an assertive region); everything else is polite.
 */
import type { BalanceSnapshot } from '@cutline/contract/api';
import { num } from './format';
import { balanceChipText } from './team-share';
import type { Job } from './store/types';

export interface Announcement {
  text: string;
  urgent: boolean;
}

/** The part of the store the announcements read. */
export interface Announced {
  balance: BalanceSnapshot | null;
  jobs: Job[];
}

/**
 * "Balance: 85 credits (15 fewer)." — the chip's own words, so a team member with a limit hears
 * their share of the pool ("60 of 420 team · 35 own"), not the pool. Null when nothing a person
 * sees changed (or signed out).
 */
export function balanceAnnouncement(before: BalanceSnapshot | null, after: BalanceSnapshot | null): string | null {
  if (!after) return null;
  const text = balanceChipText(after);
  if (before && balanceChipText(before) === text) return null;
  const delta = before ? after.total - before.total : 0;
  const change = delta === 0 ? '' : ` (${num(Math.abs(delta))} ${delta < 0 ? 'fewer' : 'more'})`;
  return `Balance: ${text}${change}.`;
}

const SETTLED: Job['status'][] = ['done', 'failed', 'cancelled', 'error', 'waiting'];

/** A job that started, or whose result (or trouble) arrived. */
export function jobAnnouncement(before: Job | undefined, after: Job): Announcement | null {
  if (!before) {
    return after.status === 'running' ? { text: `${after.toolName} started on ${after.label}.`, urgent: false } : null;
  }
  if (before.status === after.status && before.message === after.message) return null;
  if (!SETTLED.includes(after.status) || !after.message) return null;
  return { text: `${after.toolName} on ${after.label}: ${after.message}`, urgent: after.status === 'error' };
}

/** Everything to say about one change of the store, in order. */
export function announcements(before: Announced, after: Announced): Announcement[] {
  const out: Announcement[] = [];
  if (before.jobs !== after.jobs) {
    const previous = new Map(before.jobs.map((j) => [j.id, j]));
    for (const job of after.jobs) {
      const said = previous.get(job.id) === job ? null : jobAnnouncement(previous.get(job.id), job);
      if (said) out.push(said);
    }
  }
  if (before.balance !== after.balance) {
    const said = balanceAnnouncement(before.balance, after.balance);
    if (said) out.push({ text: said, urgent: false });
  }
  return out;
}
