/**
 * `cutline://store/complete?order=…` and `cutline://exchange/complete` can be fired by any web
 * page. The real core against the real service shows "purchase complete" / "exchange complete"
 * only when the service confirms it; otherwise it resyncs quietly and logs why.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { admin } from '@cutline/service/test/helpers/client';
import { buyPack, exchangeOnWeb } from '@cutline/service/test/helpers/web-actions';
import { createAccount, type TestAccount } from '../helpers/accounts';
import { type CoreHarness, useCoreSuite } from '../helpers/core-harness';
import { until } from '../helpers/wait';

const suite = useCoreSuite();

const signedIn = (account: TestAccount) => suite.signedIn(account.email, account.password);

async function proUsesAccount(): Promise<TestAccount> {
  const email = `legacy-${randomBytes(6).toString('hex')}@cutline.test`;
  const password = 'password-123';
  const r = await admin(suite.server.url, 'POST', '/admin/v1/users', { email, password, plan: 'pro', billing: 'monthly', proUses: 50, teamId: null });
  if (r.status !== 201) throw new Error(`create user: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.id, email, password };
}

/** The core finished handling a link it did not believe: the warning is in its log. */
const refusal = (h: CoreHarness, message: string) =>
  until(() => h.logger.records.find((r) => r.level === 'warn' && r.message === message), message);

describe('store/complete', () => {
  it('a forged order id shows no notice, leaves the balance as it is, and the refusal is logged without the id', async () => {
    const account = await createAccount(suite.server.url, 10);
    const h = await signedIn(account);
    const versionBefore = h.core.balance.current!.version;
    const logged = h.logger.records.length;
    expect(h.router.receive('cutline://store/complete?order=ord_forged123', 'open-url')).toBe('delivered');
    const record = await refusal(h, 'store link not confirmed');
    expect(record.fields).toEqual({ reason: 'not_found' });
    expect(JSON.stringify(h.logger.records.slice(logged))).not.toContain('ord_forged123');
    expect(h.notices.filter((n) => n.kind === 'purchase-complete')).toEqual([]);
    expect(h.core.balance.current).toMatchObject({ total: 10, version: versionBefore });
  });

  it("another account's real order shows no notice either", async () => {
    const other = await createAccount(suite.server.url, 0);
    const otherOrder = await buyPack(suite.server.url, other.email, other.password);
    const account = await createAccount(suite.server.url, 10);
    const h = await signedIn(account);
    expect(h.router.receive(`cutline://store/complete?order=${otherOrder}`, 'open-url')).toBe('delivered');
    expect((await refusal(h, 'store link not confirmed')).fields).toEqual({ reason: 'not_found' });
    expect(h.notices.filter((n) => n.kind === 'purchase-complete')).toEqual([]);
    expect(h.core.balance.current?.total).toBe(10);
  });

  it('an order the account really placed shows "purchase complete" with the balance that includes it', async () => {
    const account = await createAccount(suite.server.url, 10);
    const h = await signedIn(account);
    const order = await buyPack(suite.server.url, account.email, account.password, 'pack-100');
    expect(h.router.receive(`cutline://store/complete?order=${order}`, 'open-url')).toBe('delivered');
    const notice = await until(() => h.notices.find((n) => n.kind === 'purchase-complete'), 'purchase notice');
    expect(notice).toMatchObject({ order, balance: { total: 110, byType: { purchased: 100 } } });
    expect(h.logger.records.filter((r) => r.message === 'store link not confirmed')).toEqual([]);
  });

  it('signed out: no notice, logged', async () => {
    const h = await suite.core();
    expect(h.router.receive('cutline://store/complete?order=ord_x1', 'open-url')).toBe('delivered');
    expect((await refusal(h, 'store link not confirmed')).fields).toEqual({ reason: 'signed out' });
    expect(h.notices).toEqual([]);
  });
});

describe('exchange/complete', () => {
  it('a forged exchange link for an account that has not exchanged shows no notice', async () => {
    const account = await proUsesAccount();
    const h = await signedIn(account);
    expect(h.router.receive('cutline://exchange/complete', 'second-instance')).toBe('delivered');
    expect((await refusal(h, 'exchange link not confirmed')).fields).toEqual({ reason: 'account not exchanged' });
    expect(h.notices.filter((n) => n.kind === 'exchange-complete')).toEqual([]);
    expect(h.core.getState().account).toMatchObject({ exchanged: false, proUses: { remaining: 50 } });
  });

  it('after a real exchange on the web the link shows "exchange complete" with the new credits', async () => {
    const account = await proUsesAccount();
    const h = await signedIn(account);
    await exchangeOnWeb(suite.server.url, account.email, account.password);
    expect(h.router.receive('cutline://exchange/complete', 'second-instance')).toBe('delivered');
    const notice = await until(() => h.notices.find((n) => n.kind === 'exchange-complete'), 'exchange notice');
    expect(notice.balance).toMatchObject({ byType: { subscription: 40 } });
    expect(h.core.getState().account).toMatchObject({ exchanged: true });
    expect(h.logger.records.filter((r) => r.message === 'exchange link not confirmed')).toEqual([]);
  });
});
