// @vitest-environment happy-dom
/**
 * What the window says out loud: the balance (a spend here, a spend on another device) and each
 * AI job (started, its result; a problem in the assertive region), in the always-present live
 * regions of LiveAnnouncer; toasts in the polite notifications list, errors as alerts.
 */
import { act, cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { balanceAnnouncement, jobAnnouncement } from '../../src/renderer/src/announcements';
import type { Job } from '../../src/renderer/src/store/types';
import { account, batch, FakeCutline } from './fake-cutline';
import { addClips, advance, makeStore, renderWith } from './harness';

afterEach(cleanup);

const polite = () => screen.getByTestId('live-polite');
const urgent = () => screen.getByTestId('live-assertive');
const lines = (el: HTMLElement) => Array.from(el.querySelectorAll('p')).map((p) => p.textContent);

describe('the live regions', () => {
  it('are in the page before anything is said, polite and assertive', async () => {
    const h = await makeStore(new FakeCutline());
    await renderWith(h);
    expect(polite().getAttribute('aria-live')).toBe('polite');
    expect(urgent().getAttribute('aria-live')).toBe('assertive');
    expect(lines(polite())).toEqual([]);
  });

  it('say the balance when another device spends, and a job from its start to its result', async () => {
    const h = await makeStore(new FakeCutline().withAccount(account(), [batch('activity', 100, null)]));
    const [clip] = addClips(h, 'sunrise');
    await renderWith(h);
    const before = lines(polite()).length;

    await act(async () => h.api.spendFromOtherDevice('remove-background', 5, 'mobile'));
    expect(lines(polite()).slice(before)).toEqual(['Balance: 95 credits (5 fewer).']);

    await act(async () => {
      await h.store.getState().startAction('smart-cutout', { clipId: clip });
      await h.store.getState().confirmFlow();
    });
    expect(lines(polite())).toContain('Smart Cutout started on Sunrise over the bay.');
    expect(lines(polite())).toContain('Balance: 87 credits (8 fewer).');
    for (let i = 0; i < 40 && h.store.getState().jobs[0]?.status !== 'done'; i++) await advance(h, 100);
    expect(lines(polite()).at(-1)).toBe('Smart Cutout on Sunrise over the bay: Smart Cutout applied. 8 credits used.');
    expect(lines(urgent())).toEqual([]);
    // only the last few lines are kept
    expect(lines(polite()).length).toBeLessThanOrEqual(4);
  });

  it('toasts: errors are alerts, the others are added to a polite list that is always there', async () => {
    const h = await makeStore(new FakeCutline());
    await renderWith(h);
    const region = screen.getByRole('region', { name: 'Notifications' });
    const list = region.querySelector('[aria-live="polite"]')!;
    expect(list).not.toBeNull();
    await act(async () => {
      h.store.getState().notify('info', 'The store is open in your browser.');
      h.store.getState().notify('error', 'The service did not answer.');
    });
    expect(within(region).getByRole('alert').textContent).toContain('The service did not answer.');
    expect(list.textContent).toContain('The store is open in your browser.');
    expect(list.textContent).not.toContain('The service did not answer.');
  });
});

describe('the sentences', () => {
  const snap = (total: number, proUses: number | null = null) =>
    ({ total, proUses: proUses === null ? null : { remaining: proUses, perCycle: 50 } }) as Parameters<typeof balanceAnnouncement>[0] & object;
  it('the balance: with the change, nothing when what shows is the same, nothing when signed out', () => {
    expect(balanceAnnouncement(null, snap(100))).toBe('Balance: 100 credits.');
    expect(balanceAnnouncement(snap(100), snap(85))).toBe('Balance: 85 credits (15 fewer).');
    expect(balanceAnnouncement(snap(85), snap(585))).toBe('Balance: 585 credits (500 more).');
    expect(balanceAnnouncement(snap(85), snap(85))).toBeNull();
    expect(balanceAnnouncement(snap(0, 50), snap(0, 49))).toBe('Balance: 49 Pro uses.');
    expect(balanceAnnouncement(snap(85), null)).toBeNull();
  });

  it('a team member with a limit hears the chip\'s words: their share of the pool and their own credits, not the pool', () => {
    const member = (pool: number, remaining: number, own: number) =>
      ({
        total: Math.min(pool, remaining) + own,
        proUses: null,
        limit: { credits: 100, used: 100 - remaining, held: 0, remaining },
        batches: [
          { ...batch('subscription', pool, 20, 'pool'), scope: 'team' },
          { ...batch('purchased', own, null, 'own'), scope: 'user' },
        ],
      }) as unknown as Parameters<typeof balanceAnnouncement>[0] & object;
    expect(balanceAnnouncement(member(420, 60, 35), member(405, 45, 35))).toBe('Balance: 45 of 405 team · 35 own (15 fewer).');
    // a teammate's spend moves the pool, not what this member can spend: still said, the pool's new size
    expect(balanceAnnouncement(member(405, 45, 35), member(390, 45, 35))).toBe('Balance: 45 of 390 team · 35 own.');
  });

  it('a job: its start, its result; a problem is urgent; progress says nothing', () => {
    const job = { id: 'j', toolName: 'AI Portrait', label: 'Interview', status: 'running', progress: 0, message: null } as Job;
    expect(jobAnnouncement(undefined, job)).toEqual({ text: 'AI Portrait started on Interview.', urgent: false });
    expect(jobAnnouncement(job, { ...job, progress: 0.5 })).toBeNull();
    expect(jobAnnouncement(job, { ...job, status: 'cancelled', message: 'Cancelled. 15 credits returned.' })).toEqual({
      text: 'AI Portrait on Interview: Cancelled. 15 credits returned.',
      urgent: false,
    });
    expect(jobAnnouncement(job, { ...job, status: 'error', message: 'The charge could not be completed.' })?.urgent).toBe(true);
  });
});
