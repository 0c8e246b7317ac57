/**
 * A team member's credits as the window shows them: the team's pool (its own `remaining`, from
 * the team batches), their share of it under their limit, and their own credits — and, for one
 * action, how much of its quote would come from their own credits. Pure: snapshots and quotes in,
 * numbers and words out (the service decides; these only read what it said).
 */
import type { Allocation, BalanceSnapshot, QuoteResponse } from '@cutline/contract/api';
import { poolAllowance, poolSentence } from '@cutline/contract/team-limits';
import { chipText, credits, joinWords, num, sumByType, TYPE_LABEL } from './format';

/** What is left in the team's pool (every member's to share): the team batches' own `remaining`. */
export const poolOf = (b: BalanceSnapshot): number => b.batches.reduce((n, x) => (x.scope === 'team' ? n + x.remaining : n), 0);

/** The member's own credits (activity, purchased, and any subscription of their own). */
export const ownOf = (b: BalanceSnapshot): number => b.batches.reduce((n, x) => (x.scope === 'user' ? n + x.remaining : n), 0);

/** The parts of a quote that come from the member's own batches (the rest is the team's pool). */
export function personalParts(quote: Pick<QuoteResponse, 'plan' | 'balance'>, live?: BalanceSnapshot | null): Allocation[] {
  const scope = new Map<string, 'user' | 'team'>();
  for (const b of live?.batches ?? []) scope.set(b.id, b.scope);
  for (const b of quote.balance.batches) scope.set(b.id, b.scope);
  // a batch the snapshots no longer list (spent to 0 meanwhile): subscription credits of a member are the pool's
  return quote.plan.filter((p) => (scope.get(p.batchId) ?? (p.type === 'subscription' ? 'team' : 'user')) === 'user');
}

export const personalAmount = (quote: Pick<QuoteResponse, 'plan' | 'balance'>, live?: BalanceSnapshot | null): number =>
  personalParts(quote, live).reduce((n, p) => n + p.amount, 0);

/** "5 activity credits and 3 purchased credits". */
export function partsWords(parts: Allocation[]): string {
  return joinWords(sumByType(parts).map(({ type, amount }) => `${num(amount)} ${TYPE_LABEL[type]} ${amount === 1 ? 'credit' : 'credits'}`));
}

/** The chip's text: for a member with a limit their share of the pool, then their own ("60 of 420 team · 35 own"). */
export function balanceChipText(b: BalanceSnapshot): string {
  if (!b.limit) return chipText(b);
  const own = ownOf(b);
  const share = `${num(poolAllowance(poolOf(b), b.limit))} of ${num(poolOf(b))} team`;
  return own > 0 ? `${share} · ${num(own)} own` : share;
}

/** The details' first lines: the pool sentence, then the member's own credits. */
export function teamDetails(b: BalanceSnapshot): { pool: string; own: string } {
  const own = ownOf(b);
  const split = sumByType(b.batches.filter((x) => x.scope === 'user').map((x) => ({ type: x.type, batchId: x.id, amount: x.remaining })));
  const words = split.map(({ type, amount }) => `${num(amount)} ${TYPE_LABEL[type]}`);
  return {
    pool: poolSentence(poolOf(b), b.limit ?? null),
    own: own > 0 ? `Then ${credits(own)} of your own (${joinWords(words)}).` : 'You have no credits of your own.',
  };
}

/**
 * Why a team member cannot pay `cost` (the quote was not covered): their limit — the pool alone
 * had enough —, the pool is empty, or neither (simply too few credits).
 */
export function shortfall(b: BalanceSnapshot, cost: number, teamMember: boolean): 'member_limit' | 'pool_empty' | null {
  if (!teamMember) return null;
  const pool = poolOf(b);
  const own = ownOf(b);
  if (b.limit && poolAllowance(pool, b.limit) + own < cost && pool + own >= cost) return 'member_limit';
  if (pool === 0) return 'pool_empty';
  return null;
}
