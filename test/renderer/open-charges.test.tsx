// @vitest-environment happy-dom
/**
 * The window's side of durable charges (issue 18 item 2): a result main settles later is applied
 * once, saved, then acknowledged; after a restart the account's open charges are picked up.
 */
import { act, cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Charge } from '@cutline/contract/api';
import type { OpenCharge } from '@cutline/contract/ipc';
import { proAccount } from './fake-cutline';
import { addClips, advance, makeStore, renderWith, settle } from './harness';

afterEach(cleanup);

const PENDING = "The credit service can't be reached right now. Cutline completes the charge as soon as it answers, then applies the result.";

function heldCharge(id: string, tool: string, cost: number, holdMs = 900_000): Charge {
  const at = Date.parse('2026-03-01T12:00:00.000Z');
  return {
    id, status: 'held', tool, quantity: 1, cost, usesProUse: false, allocation: [{ type: 'subscription', batchId: 'sub', amount: cost }],
    holdExpiresAt: new Date(at + holdMs).toISOString(), createdAt: new Date(at).toISOString(), device: null, releaseReason: null,
  };
}

describe('charges main settles later', () => {
  it('a capture that waits for the service: the card waits, then the result is applied once and acknowledged', async () => {
    const h = await makeStore(proAccount());
    await renderWith(h);
    const [clip] = addClips(h, 'interview');
    await act(() => h.store.getState().startAction('ai-portrait', { clipId: clip }));
    await act(() => h.store.getState().confirmFlow());
    h.api.fail('capture', { code: 'settle_pending', message: PENDING });
    await advance(h, 10_000);
    const job = () => screen.getByTestId('job');
    expect(job().getAttribute('data-status')).toBe('waiting');
    expect(job().textContent).toContain(PENDING);
    const clipNow = () => h.store.getState().projects[0].clips[0];
    expect(clipNow().effects).toEqual([]);

    const open = [...h.api.openCharges.values()][0];
    const settled: OpenCharge = { charge: { ...open.charge, status: 'captured' }, target: open.target, outcome: 'succeeded', state: 'captured', message: null };
    await act(async () => {
      h.api.announceSettled(settled);
      h.api.announceSettled(settled); // told twice: applied once
      await settle();
    });
    expect(job().getAttribute('data-status')).toBe('done');
    expect(clipNow().effects).toEqual(['ai-portrait']);
    expect(clipNow().charges).toEqual([open.charge.id]);
    await act(settle);
    // saved before main was told it may forget the charge
    const saved = h.api.projects.projects[0].clips[0];
    expect(saved.charges).toEqual([open.charge.id]);
    expect(h.api.callsOf('acknowledgeCharge')).toContainEqual({ chargeId: open.charge.id });
    expect(h.api.openCharges.size).toBe(0);
  });

  it('after a restart: a result main captured meanwhile is applied, a running job resumes, one whose hold is about to lapse returns its credits', async () => {
    const api = proAccount();
    api.projects = {
      openProjectId: 'p1',
      projects: [{ id: 'p1', name: 'Trip', createdAt: '2026-03-01T10:00:00.000Z', updatedAt: '2026-03-01T10:00:00.000Z', clips: [
        { id: 'c1', mediaId: 'interview', name: 'Interview', effects: [] },
        { id: 'c2', mediaId: 'sunrise', name: 'Sunrise', effects: [] },
        { id: 'c3', mediaId: 'forest-trail', name: 'Forest', effects: [] },
      ] }],
    };
    const mine = (c: Omit<OpenCharge, 'message'>) => api.openCharges.set(c.charge.id, { ...c, message: null, account: 'u1' });
    mine({ charge: { ...heldCharge('chA', 'ai-portrait', 15), status: 'captured' }, target: { kind: 'clip', projectId: 'p1', clipId: 'c1', mediaId: 'interview' }, outcome: 'succeeded', state: 'captured' });
    mine({ charge: heldCharge('chB', 'smart-cutout', 8), target: { kind: 'clip', projectId: 'p1', clipId: 'c2', mediaId: 'sunrise' }, outcome: null, state: 'running' });
    mine({ charge: heldCharge('chC', 'remove-background', 5, 10_000), target: { kind: 'clip', projectId: 'p1', clipId: 'c3', mediaId: 'forest-trail' }, outcome: null, state: 'running' });
    api.charges.set('chC', heldCharge('chC', 'remove-background', 5, 10_000));
    api.charges.set('chB', heldCharge('chB', 'smart-cutout', 8));

    const h = await makeStore(api);
    await renderWith(h);
    await act(settle);
    const clips = () => h.store.getState().projects[0].clips;
    expect(clips()[0].effects).toEqual(['ai-portrait']);
    const cards = () => screen.getAllByTestId('job');
    expect(cards()).toHaveLength(3);
    const card = (tool: string) => cards().find((c) => c.textContent?.includes(tool))!;
    expect(card('AI Portrait').getAttribute('data-status')).toBe('done');
    expect(card('Smart Cutout').getAttribute('data-status')).toBe('running');
    expect(card('Remove Background').getAttribute('data-status')).toBe('failed');
    expect(card('Remove Background').textContent).toContain('5 credits returned');
    expect(card('Remove Background').querySelector('button')?.textContent).toBe('Retry');

    await advance(h, 10_000);
    expect(card('Smart Cutout').getAttribute('data-status')).toBe('done');
    expect(clips()[1].effects).toEqual(['smart-cutout']);
    expect(h.api.callsOf('capture')).toEqual([{ chargeId: 'chB' }]);
    expect(clips()[2].effects).toEqual([]);
  });
});
