/** Accounts for core tests, made through the service's admin API, and a second device's calls. */
import { randomBytes } from 'node:crypto';
import { admin, call, signIn, type Tokens } from '@cutline/service/test/helpers/client';

export interface TestAccount {
  id: string;
  email: string;
  password: string;
}

/** A free account with `credits` permanent activity credits (deterministic numbers per test). */
export async function createAccount(base: string, credits = 100): Promise<TestAccount> {
  const email = `core-${randomBytes(6).toString('hex')}@cutline.test`;
  const password = 'password-123';
  const created = await admin(base, 'POST', '/admin/v1/users', { email, password, plan: 'free', billing: 'monthly', proUses: null, teamId: null });
  if (created.status !== 201) throw new Error(`create user: ${created.status} ${JSON.stringify(created.body)}`);
  if (credits > 0) {
    const grant = await admin(base, 'POST', '/admin/v1/grants', { userId: created.body.id, type: 'activity', amount: credits, expiresAt: null, source: 'test' });
    if (grant.status !== 201) throw new Error(`grant: ${grant.status} ${JSON.stringify(grant.body)}`);
  }
  return { id: created.body.id, email, password };
}

/** Another device of the same account (a phone), talking to the service directly. */
export async function secondDevice(base: string, account: { email: string; password: string }) {
  const tokens: Tokens = await signIn(base, account.email, account.password);
  const device = { id: `phone-${randomBytes(4).toString('hex')}`, platform: 'mobile' as const };
  return {
    tokens,
    device,
    balance: async () => (await call(base, 'GET', '/v1/balance', { token: tokens.access_token })).body as { version: number; total: number; held: number },
    charge: async (tool: string) => {
      const r = await call(base, 'POST', '/v1/charges', {
        token: tokens.access_token,
        body: { tool, quantity: 1, device },
        headers: { 'idempotency-key': `phone-${randomBytes(8).toString('hex')}` },
      });
      if (r.status !== 201) throw new Error(`phone charge: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.charge as { id: string };
    },
    capture: (chargeId: string) => call(base, 'POST', `/v1/charges/${chargeId}/capture`, { token: tokens.access_token, body: {} }),
  };
}
