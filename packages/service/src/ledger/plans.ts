import type { Plan } from '@cutline/contract/credit-types';

export const DAY_MS = 86_400_000;
export type Billing = 'monthly' | 'annual';

/** Cycle length of a billing period (docs/product.md § Three types: 30 days monthly, 365 annual). */
export function cycleDays(billing: Billing): number {
  return billing === 'annual' ? 365 : 30;
}

/** Subscription credits a personal plan grants at the start of each cycle. */
export function creditsPerCycle(plan: Plan, billing: Billing): number {
  if (plan !== 'pro') return 0; // free grants nothing; teams' credits belong to the team
  return billing === 'annual' ? 2400 : 200;
}

/** Purchased credits stay valid 2 years from purchase (docs/product.md § Three types). */
export const PURCHASED_VALID_MS = 730 * DAY_MS;

export interface PlanInfo {
  id: string;
  name: string;
  /** The figure and what it is per (null: once, or nothing), kept apart so a page never breaks the figure. */
  price: { from?: true; amount: string; per: 'month' | 'year' | null };
  grants: string;
}

/** The published plans (shown on /pricing). */
export const PLAN_CATALOGUE: PlanInfo[] = [
  { id: 'free', name: 'Free', price: { amount: '$0', per: null }, grants: 'The editor; AI tools with activity or purchased credits' },
  { id: 'pro-monthly', name: 'Pro (monthly)', price: { amount: '$9.99', per: 'month' }, grants: '200 subscription credits every 30 days' },
  { id: 'pro-annual', name: 'Pro (annual)', price: { amount: '$89.99', per: 'year' }, grants: '2,400 subscription credits every 365 days' },
  { id: 'teams', name: 'Teams', price: { from: true, amount: '$29.99', per: 'month' }, grants: 'A shared pool of subscription credits for every member, each cycle' },
];
