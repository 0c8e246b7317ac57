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
  price: string;
  grants: string;
}

/** The published plans (shown on /pricing). */
export const PLAN_CATALOGUE: PlanInfo[] = [
  { id: 'free', name: 'Free', price: '$0', grants: 'The editor; AI tools with activity or purchased credits' },
  { id: 'pro-monthly', name: 'Pro (monthly)', price: '$9.99 / month', grants: '200 subscription credits every 30 days' },
  { id: 'pro-annual', name: 'Pro (annual)', price: '$89.99 / year', grants: '2,400 subscription credits every 365 days' },
  { id: 'teams', name: 'Teams', price: 'from $29.99 / month', grants: 'A shared pool of subscription credits for every member, each cycle' },
];
