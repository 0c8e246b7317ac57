/**
 * Open charges are durable (issue 18 item 2): the job's outcome is recorded in main before the
 * service is asked, and a capture or release the service could not receive is sent again — the
 * same charge id — when it answers, also by a core started after a restart (same data store).
 * The network is cut by a TCP proxy; the service itself keeps running.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChargeTarget } from '@cutline/contract/ipc';
import { JsonFileStore, MemoryStore } from '../../../src/main/core/key-value-store';
import { MemoryVault } from '../../../src/main/core/vault';
import { createAccount, secondDevice } from '../helpers/accounts';
import { useCoreSuite } from '../helpers/core-harness';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';
import { until } from '../helpers/wait';

let proxy: TcpProxy | null = null;
const suite = useCoreSuite({}, async () => {
  await proxy?.close();
  proxy = null;
});
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const target: ChargeTarget = { kind: 'clip', projectId: 'p1', clipId: 'c1', mediaId: 'interview' };
const actionId = () => `act_${randomBytes(8).toString('hex')}`;
/** Short pauses between tries, so a test waits for the service's answer, not for the backoff. */
const fast = { backoff: { baseMs: 20, maxMs: 200 } };

async function setup(credits = 100) {
  proxy = await startTcpProxy(suite.server.port);
  const account = await createAccount(suite.server.url, credits);
  const phone = await secondDevice(suite.server.url, account);
  const dataStore = new MemoryStore();
  const vault = new MemoryVault();
  const h = await suite.core({ ...fast, dataStore, vault }, proxy.url);
  await h.signIn(account.email, account.password);
  await until(() => h.core.balance.current?.total === credits, 'the starting balance');
  return { account, phone, dataStore, vault, h, proxy };
}

describe('open charges', () => {
  it('a capture the service could not receive is kept, and sent when it answers again: captured once, nothing left held', async () => {
    const { phone, h, proxy } = await setup(100);
    const held = await h.core.cutline.hold({ actionId: actionId(), tool: 'ai-portrait', target });
    if (!held.ok) throw new Error(held.error.message);
    expect(await h.core.cutline.listOpenCharges()).toMatchObject([{ charge: { id: held.value.id }, state: 'running', target }]);
    // the job runs: an update would wait for it
    const jobChanges: number[] = [];
    h.core.openCharges.onChange(() => jobChanges.push(h.core.openCharges.running()));
    expect(h.core.openCharges.running()).toBe(1);

    proxy.cut();
    const answer = await h.core.cutline.capture({ chargeId: held.value.id });
    expect(answer).toMatchObject({ ok: false, error: { code: 'settle_pending' } });
    expect(await h.core.cutline.listOpenCharges()).toMatchObject([{ state: 'settling', outcome: 'succeeded' }]);
    // its outcome is known and kept durably: no job runs any more, the listeners heard so
    expect(h.core.openCharges.running()).toBe(0);
    expect(jobChanges).toContain(0);
    expect(await phone.balance()).toMatchObject({ total: 85, held: 15 });

    const settled: unknown[] = [];
    h.core.cutline.onChargeSettled((c) => settled.push(c));
    proxy.restore();
    await until(() => settled.length > 0, 'the settlement announced');
    expect(settled[0]).toMatchObject({ charge: { id: held.value.id, status: 'captured' }, state: 'captured', target });
    expect(await phone.balance()).toMatchObject({ total: 85, held: 0 });

    // the window applied the result and says so: the charge is closed
    await h.core.cutline.acknowledgeCharge({ chargeId: held.value.id });
    expect(await h.core.cutline.listOpenCharges()).toEqual([]);
  });

  it('a cancelled job whose release could not be sent returns the credits when the service answers', async () => {
    const { phone, h, proxy } = await setup(40);
    const held = await h.core.cutline.hold({ actionId: actionId(), tool: 'premium-voiceover', target });
    if (!held.ok) throw new Error(held.error.message);
    proxy.cut();
    expect(await h.core.cutline.release({ chargeId: held.value.id, reason: 'cancelled' })).toMatchObject({ ok: false, error: { code: 'settle_pending' } });
    proxy.restore();
    await until(async () => (await h.core.cutline.listOpenCharges())[0]?.state === 'released', 'released');
    expect(await phone.balance()).toMatchObject({ total: 40, held: 0 });
    expect((await h.core.cutline.listOpenCharges())[0].charge).toMatchObject({ status: 'released', releaseReason: 'cancelled' });
  });

  it('survives a restart of the app: a new core on the same data file settles what the old one could not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutline-open-charges-'));
    dirs.push(dir);
    proxy = await startTcpProxy(suite.server.port);
    const account = await createAccount(suite.server.url, 100);
    const phone = await secondDevice(suite.server.url, account);
    const vault = new MemoryVault();
    const first = await suite.core({ ...fast, dataStore: new JsonFileStore(join(dir, 'data.json')), vault }, proxy.url);
    await first.signIn(account.email, account.password);
    const held = await first.core.cutline.hold({ actionId: actionId(), tool: 'smart-cutout', target });
    if (!held.ok) throw new Error(held.error.message);
    proxy.cut();
    expect(await first.core.cutline.capture({ chargeId: held.value.id })).toMatchObject({ ok: false, error: { code: 'settle_pending' } });
    first.stop(); // quit while the service was unreachable

    proxy.restore();
    const again = await suite.core({ ...fast, dataStore: new JsonFileStore(join(dir, 'data.json')), vault }, proxy.url);
    await until(async () => (await again.core.cutline.listOpenCharges())[0]?.state === 'captured', 'captured after the restart');
    expect(await phone.balance()).toMatchObject({ total: 92, held: 0 });
  });

  it('keeps each account to itself: another account signed in sees none of them', async () => {
    const { h } = await setup(100);
    const held = await h.core.cutline.hold({ actionId: actionId(), tool: 'auto-captions', target });
    if (!held.ok) throw new Error(held.error.message);
    const other = await createAccount(suite.server.url, 10);
    await h.signIn(other.email, other.password);
    expect(await h.core.cutline.listOpenCharges()).toEqual([]);
  });

  it('refuses a tool on media it does not apply to, before any request', async () => {
    const { h } = await setup(100);
    const audio = await h.core.cutline.quote({ tool: 'remove-background', mediaId: 'm-0000000000000000' });
    expect(audio).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const generate = await h.core.cutline.hold({ actionId: actionId(), tool: 'ai-image', target });
    expect(generate).toMatchObject({ ok: false, error: { code: 'not_applicable', message: 'AI Image makes a new clip; it does not run on one.' } });
    expect(await h.core.cutline.listOpenCharges()).toEqual([]);
    expect(h.core.balance.current?.held).toBe(0);
  });
});
