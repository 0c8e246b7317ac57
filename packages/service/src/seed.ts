/** CUTLINE_SEED=demo: the demo accounts listed in the README (§ Demo accounts). Idempotent: skipped when present. */
import { DAY_MS } from './ledger/plans';
import { adminGrant } from './service/batches/grants';
import { addTeamMember, createTeam } from './service/accounts/teams';
import { createUser } from './service/accounts/users';
import type { Ctx } from './service/kernel/context';
import { ServiceError } from './service/kernel/errors';
import { requestMore } from './service/teams/limit-requests';
import { setMemberLimit } from './service/teams/limits';

export const DEMO_PASSWORD = 'cutline-demo';
export const DEMO_ACCOUNTS = {
  pro: 'pro@cutline.test',
  proUses: 'prouses@cutline.test',
  alice: 'alice@cutline.test',
  bob: 'bob@cutline.test',
  free: 'free@cutline.test',
} as const;

/** bob@'s limit on the Studio pool. */
export const DEMO_BOB_LIMIT = 150;

export async function seedDemo(ctx: Ctx): Promise<boolean> {
  const exists = await ctx.db.read((tx) => tx.get('SELECT id FROM users WHERE email = ?', [DEMO_ACCOUNTS.pro]));
  if (exists) return false;
  const now = ctx.clock.now();
  const base = { password: DEMO_PASSWORD, billing: 'monthly' as const, teamId: null };

  let pro;
  try {
    pro = await createUser(ctx, { ...base, email: DEMO_ACCOUNTS.pro, plan: 'pro', proUses: null }); // 200 subscription
  } catch (e) {
    // Another instance starting on the same database seeded first: the unique email decided it.
    if (e instanceof ServiceError && e.code === 'conflict') return false;
    throw e;
  }
  await adminGrant(ctx, { userId: pro.id, type: 'activity', amount: 30, expiresAt: now + 3 * DAY_MS, source: 'campaign:winter-challenge' });
  await adminGrant(ctx, { userId: pro.id, type: 'activity', amount: 25, expiresAt: null, source: 'reward:creator-badge' });
  await adminGrant(ctx, { userId: pro.id, type: 'purchased', amount: 100, expiresAt: now + 730 * DAY_MS, source: 'store:pack-100' });

  await createUser(ctx, { ...base, email: DEMO_ACCOUNTS.proUses, plan: 'pro', proUses: 50 });

  // Studio: alice owns it; bob is a member with a limit on the pool and a request waiting for alice.
  const team = await createTeam(ctx, 'Studio', 500);
  const alice = await createUser(ctx, { ...base, email: DEMO_ACCOUNTS.alice, plan: 'free', proUses: null });
  await addTeamMember(ctx, team.id, alice.id, 'owner');
  await adminGrant(ctx, { userId: alice.id, type: 'activity', amount: 20, expiresAt: now + 30 * DAY_MS, source: 'campaign:team-kickoff' });
  const bob = await createUser(ctx, { ...base, email: DEMO_ACCOUNTS.bob, plan: 'free', proUses: null });
  await addTeamMember(ctx, team.id, bob.id, 'member');
  await setMemberLimit(ctx, alice.id, bob.id, DEMO_BOB_LIMIT);
  await requestMore(ctx, bob.id, 50, 'The client wants two more versions of the trailer.');

  await createUser(ctx, { ...base, email: DEMO_ACCOUNTS.free, plan: 'free', proUses: null });
  return true;
}
