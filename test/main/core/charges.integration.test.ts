/** The charge flow against the real service: quote, hold, capture, release, idempotency, 402, 409. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { call } from '@cutline/service/test/helpers/client';
import { createAccount, secondDevice } from '../helpers/accounts';
import { useCoreSuite } from '../helpers/core-harness';
import { until } from '../helpers/wait';

const suite = useCoreSuite();
const newActionId = () => `act_${randomBytes(8).toString('hex')}`;

/** A fetch that records every request it passes on to the real one. */
function recordingFetch(log: { url: string; method: string; headers: Headers }[], around?: (url: string, run: () => Promise<Response>) => Promise<Response>) {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    log.push({ url: request.url, method: request.method, headers: new Headers(request.headers) });
    const run = () => fetch(request);
    return around ? around(request.url, run) : run();
  };
}

async function signedInCore(credits = 100, overrides = {}) {
  const account = await createAccount(suite.server.url, credits);
  const h = await suite.core(overrides);
  await h.signIn(account.email, account.password);
  await until(() => h.core.balance.current?.total === credits && h.core.balance.current, 'starting balance');
  return { h, account };
}

describe('charge flow', () => {
  it('quote → hold → capture: the cost leaves the balance once, from the types the quote named', async () => {
    const { h } = await signedInCore(100);
    const quote = await h.core.cutline.quote({ tool: 'ai-portrait' });
    expect(quote).toMatchObject({ ok: true, value: { cost: 15, covered: true, usesProUse: false, plan: [{ type: 'activity', amount: 15 }] } });

    const held = await h.core.cutline.hold({ actionId: newActionId(), tool: 'ai-portrait' });
    if (!held.ok) throw new Error(held.error.message);
    expect(held.value).toMatchObject({ status: 'held', tool: 'ai-portrait', cost: 15 });
    expect(h.core.balance.current).toMatchObject({ total: 85, held: 15 });

    const captured = await h.core.cutline.capture({ chargeId: held.value.id });
    expect(captured).toMatchObject({ ok: true, value: { id: held.value.id, status: 'captured' } });
    expect(h.core.balance.current).toMatchObject({ total: 85, held: 0 });

    const ledger = await h.core.cutline.getLedger({ limit: 10 });
    if (!ledger.ok) throw new Error(ledger.error.message);
    const mine = ledger.value.entries.filter((e) => e.chargeId === held.value.id);
    expect(mine.map((e) => e.kind).sort()).toEqual(['capture', 'hold']);
    expect(mine.every((e) => e.device?.id === h.core.settings.deviceId && e.device.platform === 'desktop')).toBe(true);
  });

  it('release after a failed or cancelled job returns every credit', async () => {
    const { h } = await signedInCore(40);
    for (const reason of ['failed', 'cancelled'] as const) {
      const held = await h.core.cutline.hold({ actionId: newActionId(), tool: 'auto-captions' });
      if (!held.ok) throw new Error(held.error.message);
      expect(h.core.balance.current?.total).toBe(37);
      const released = await h.core.cutline.release({ chargeId: held.value.id, reason });
      expect(released).toMatchObject({ ok: true, value: { status: 'released', releaseReason: reason } });
      expect(h.core.balance.current).toMatchObject({ total: 40, held: 0 });
    }
  });

  it('the open project goes with the hold: stored with the charge, on its ledger entries, in the project’s cost', async () => {
    const { h } = await signedInCore(100);
    const project = { id: 'p-launch', name: 'Launch video' };
    const held = await h.core.cutline.hold({ actionId: newActionId(), tool: 'remove-background', project });
    if (!held.ok) throw new Error(held.error.message);
    expect(held.value.project).toEqual(project);
    expect(await h.core.cutline.capture({ chargeId: held.value.id })).toMatchObject({ ok: true, value: { project } });
    const ledger = await h.core.cutline.getLedger({ limit: 10 });
    if (!ledger.ok) throw new Error(ledger.error.message);
    expect(ledger.value.entries.filter((e) => e.chargeId === held.value.id).map((e) => e.project)).toEqual([project, project]);
    expect(await h.core.cutline.getProjectUsage({ projectId: project.id })).toMatchObject({ ok: true, value: { total: { credits: 5, actions: 1 } } });
  });

  it('asking again for the same action is the same charge, charged once', async () => {
    const { h } = await signedInCore(100);
    const actionId = newActionId();
    const first = await h.core.cutline.hold({ actionId, tool: 'smart-cutout' });
    const again = await h.core.cutline.hold({ actionId, tool: 'smart-cutout' });
    if (!first.ok || !again.ok) throw new Error('hold failed');
    expect(again.value.id).toBe(first.value.id);
    const other = await h.core.cutline.hold({ actionId: newActionId(), tool: 'smart-cutout' });
    if (!other.ok) throw new Error('hold failed');
    expect(other.value.id).not.toBe(first.value.id);
    await until(() => h.core.balance.current?.total === 84, 'two holds of 8');
  });

  it('retries a hold whose answer was lost with the same Idempotency-Key, and is charged once', async () => {
    const requests: { url: string; method: string; headers: Headers }[] = [];
    let lose = true;
    const fetchImpl = recordingFetch(requests, async (url, run) => {
      const response = await run();
      if (lose && url.endsWith('/v1/charges')) {
        lose = false; // the service did the work; the answer never arrives
        throw new TypeError('fetch failed: connection reset');
      }
      return response;
    });
    const { h, account } = await signedInCore(100, { fetch: fetchImpl });
    const held = await h.core.cutline.hold({ actionId: newActionId(), tool: 'premium-voiceover' });
    if (!held.ok) throw new Error(held.error.message);

    const posts = requests.filter((r) => r.method === 'POST' && r.url.endsWith('/v1/charges'));
    expect(posts).toHaveLength(2);
    const keys = posts.map((p) => p.headers.get('idempotency-key'));
    expect(keys[0]).toMatch(/^[\x21-\x7e]{1,128}$/);
    expect(keys[1]).toBe(keys[0]);

    const phone = await secondDevice(suite.server.url, account);
    expect(await phone.balance()).toMatchObject({ total: 90, held: 10 });
    const ledger = await call(suite.server.url, 'GET', '/v1/ledger?limit=50', { token: phone.tokens.access_token });
    expect(ledger.body.entries.filter((e: { kind: string }) => e.kind === 'hold')).toHaveLength(1);
  });

  it('not enough credits: insufficient_credits with the cost and what is available, nothing held', async () => {
    const { h, account } = await signedInCore(3);
    const held = await h.core.cutline.hold({ actionId: newActionId(), tool: 'ai-image' });
    expect(held).toMatchObject({ ok: false, error: { code: 'insufficient_credits', cost: 20, available: 3 } });
    if (held.ok) return;
    expect(held.error.message).toMatch(/Not enough credits/);
    const quote = await h.core.cutline.quote({ tool: 'ai-image' });
    expect(quote).toMatchObject({ ok: true, value: { covered: false, cost: 20 } });
    expect(await (await secondDevice(suite.server.url, account)).balance()).toMatchObject({ total: 3, held: 0 });
  });

  it('capturing a hold that was lost reports hold_lost once and does not retry', async () => {
    const requests: { url: string; method: string; headers: Headers }[] = [];
    const { h } = await signedInCore(100, { fetch: recordingFetch(requests) });
    const held = await h.core.cutline.hold({ actionId: newActionId(), tool: 'remove-background' });
    if (!held.ok) throw new Error(held.error.message);
    await h.core.cutline.release({ chargeId: held.value.id, reason: 'cancelled' });
    const captured = await h.core.cutline.capture({ chargeId: held.value.id });
    expect(captured).toMatchObject({ ok: false, error: { code: 'hold_lost' } });
    expect(requests.filter((r) => r.url.endsWith(`/v1/charges/${held.value.id}/capture`))).toHaveLength(1);
    expect(h.core.balance.current?.total).toBe(100);
  });

  it('releasing a captured charge is the service’s conflict with its reason, not hold_lost', async () => {
    const { h } = await signedInCore(100);
    const held = await h.core.cutline.hold({ actionId: newActionId(), tool: 'remove-background' });
    if (!held.ok) throw new Error(held.error.message);
    expect(await h.core.cutline.capture({ chargeId: held.value.id })).toMatchObject({ ok: true });
    const released = await h.core.cutline.release({ chargeId: held.value.id, reason: 'failed' });
    expect(released).toMatchObject({ ok: false, error: { code: 'conflict', reason: 'charge_captured' } });
    expect(h.core.balance.current?.total).toBe(95);
  });

  it('a late charge answer never overwrites the newer balance a push already brought', async () => {
    let releaseGate!: () => void;
    const gate = new Promise<void>((resolve) => (releaseGate = resolve));
    let gated = false;
    const fetchImpl = recordingFetch([], async (url, run) => {
      const response = await run();
      if (!gated && url.endsWith('/v1/charges')) {
        gated = true;
        await gate; // the answer is slow to arrive
      }
      return response;
    });
    const { h, account } = await signedInCore(100, { fetch: fetchImpl });
    const phone = await secondDevice(suite.server.url, account);

    const holding = h.core.cutline.hold({ actionId: newActionId(), tool: 'ai-portrait' });
    await until(async () => (await phone.balance()).held === 15, 'the hold is in the ledger');
    await phone.charge('auto-captions');
    const latest = await phone.balance();
    await until(() => h.core.balance.current?.version === latest.version, 'the push of the phone charge');

    releaseGate();
    const held = await holding;
    expect(held.ok).toBe(true);
    expect(h.core.balance.current).toMatchObject({ version: latest.version, total: 100 - 15 - 3, held: 18 });
    const versions = h.balances.map((b) => b.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('refuses AI actions while signed out', async () => {
    const h = await suite.core();
    expect(await h.core.cutline.hold({ actionId: newActionId(), tool: 'ai-portrait' })).toMatchObject({
      ok: false,
      error: { code: 'signed_out' },
    });
  });
});
