// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { mergeEntries } from '../../src/renderer/src/store/activity';
import { moveItem, nextProjectName } from '../../src/renderer/src/store/projects';
import { account, batch, FakeCutline, freeAccount, proAccount, proUsesAccount, randomSequence } from './fake-cutline';
import { addClips, advance, makeStore, settle } from './harness';
import { act } from '@testing-library/react';

describe('balance versions', () => {
  it('keeps the snapshot with the highest version and drops stale pushes', async () => {
    const h = await makeStore(proAccount());
    const s = () => h.store.getState();
    expect(s().balance?.total).toBe(355);
    const v = s().balance!.version;
    const newer = { ...h.api.snapshot(), version: v + 5, total: 300 };
    const stale = { ...h.api.snapshot(), version: v + 2, total: 999 };
    h.api.pushBalance(newer);
    h.api.pushBalance(stale);
    expect(s().balance?.total).toBe(300);
    expect(s().balance?.version).toBe(v + 5);
    // The same version again is not newer either.
    h.api.pushBalance({ ...newer, total: 1 });
    expect(s().balance?.total).toBe(300);
  });

  it('forgets the balance and activity of an account that signs out, and ignores pushes while signed out', async () => {
    const h = await makeStore(proAccount());
    expect(h.store.getState().balance).not.toBeNull();
    await h.store.getState().signOut();
    await settle();
    expect(h.store.getState().balance).toBeNull();
    expect(h.store.getState().ledger).toEqual([]);
    h.api.pushBalance({ ...h.api.snapshot(), version: 1000 });
    expect(h.store.getState().balance).toBeNull();
  });

  it("a new account starts from its own balance even when its versions are lower than the previous account's", async () => {
    const h = await makeStore(proAccount());
    h.api.pushBalance({ ...h.api.snapshot(), version: 500 });
    // Another account signs in: its counter starts low.
    h.api.version = 3;
    h.api.batches = [batch('purchased', 40, 700, 'p2')];
    h.api.setState({ account: account({ id: 'other', email: 'bob@cutline.test' }) });
    await settle();
    expect(h.store.getState().balance?.total).toBe(40);
    expect(h.store.getState().balance?.version).toBe(3);
  });

  it('resyncs balance and activity by itself when the connection comes back', async () => {
    const h = await makeStore(proAccount());
    h.api.setState({ connection: 'offline', offlineReason: 'The credit service cannot be reached.' });
    const before = h.api.callsOf('getBalance').length;
    const ledgerBefore = h.api.callsOf('getLedger').length;
    // Spent elsewhere while we were offline, and no push reached us.
    h.api.batches[0].remaining -= 50;
    h.api.version += 1;
    h.api.setState({ connection: 'online', offlineReason: null });
    await settle();
    expect(h.api.callsOf('getBalance').length).toBe(before + 1);
    expect(h.api.callsOf('getLedger').length).toBe(ledgerBefore + 1);
    expect(h.store.getState().balance?.total).toBe(305);
  });
});

describe('AI action flow and jobs', () => {
  it('quote → confirm → hold → job → capture: the clip shows the result and the balance drops by the price', async () => {
    const h = await makeStore(proAccount());
    const [clip] = addClips(h, 'interview');
    const s = () => h.store.getState();
    await s().startAction('ai-portrait', { clipId: clip });
    const f = s().flow;
    expect(f?.step).toBe('confirm');
    if (f?.step !== 'confirm') throw new Error('no confirm');
    expect(f.quote.cost).toBe(15);
    expect(f.quote.plan.map((a) => [a.type, a.amount])).toEqual([['subscription', 15]]);
    await s().confirmFlow();
    expect(s().flow).toBeNull();
    expect(s().jobs).toHaveLength(1);
    expect(s().jobs[0].status).toBe('running');
    expect(s().balance?.total).toBe(340);
    expect(s().balance?.held).toBe(15);
    await advance(h, 100 * 30);
    const job = s().jobs[0];
    expect(job.status).toBe('done');
    expect(job.message).toBe('AI Portrait applied. 15 credits used.');
    expect(h.api.callsOf('capture')).toEqual([{ chargeId: job.charge.id }]);
    expect(s().balance?.total).toBe(340);
    expect(s().balance?.held).toBe(0);
    const saved = s().projects[0].clips.find((c) => c.id === clip)!;
    expect(saved.effects).toEqual(['ai-portrait']);
  });

  it('a damaged clip always fails: the hold is released as failed and "N credits returned" is shown', async () => {
    const h = await makeStore(proAccount(), { failRate: 0 });
    const [clip] = addClips(h, 'drone-damaged');
    const s = () => h.store.getState();
    await s().startAction('remove-background', { clipId: clip });
    await s().confirmFlow();
    expect(s().balance?.total).toBe(350);
    await advance(h, 100 * 30);
    const job = s().jobs[0];
    expect(job.status).toBe('failed');
    expect(job.message).toBe("The clip's file is damaged, so it could not be processed. 5 credits returned.");
    expect(h.api.callsOf('release')).toEqual([{ chargeId: job.charge.id, reason: 'failed' }]);
    expect(h.api.callsOf('capture')).toEqual([]);
    expect(s().balance?.total).toBe(355);
    expect(s().projects[0].clips[0].effects).toEqual([]);
  });

  it('a healthy clip fails when the injected randomness says so', async () => {
    // steps draw, then the failure draw (0.01 < 0.5), then where it fails.
    const h = await makeStore(proAccount(), { failRate: 0.5, random: randomSequence(0, 0.01, 0.5) });
    const [clip] = addClips(h, 'sunrise');
    await h.store.getState().startAction('auto-captions', { clipId: clip });
    await h.store.getState().confirmFlow();
    await advance(h, 100 * 30);
    expect(h.store.getState().jobs[0].status).toBe('failed');
    expect(h.store.getState().jobs[0].message).toBe('The AI could not process this clip this time. 3 credits returned.');
  });

  it('cancel releases the hold as cancelled and says what came back', async () => {
    const h = await makeStore(proAccount());
    const [clip] = addClips(h, 'sunrise');
    const s = () => h.store.getState();
    await s().startAction('smart-cutout', { clipId: clip });
    await s().confirmFlow();
    await advance(h, 300);
    expect(s().jobs[0].progress).toBeGreaterThan(0);
    await act(() => s().cancelJob(s().jobs[0].id));
    expect(s().jobs[0].status).toBe('cancelled');
    expect(s().jobs[0].message).toBe('Cancelled. 8 credits returned.');
    expect(h.api.callsOf('release')).toEqual([{ chargeId: s().jobs[0].charge.id, reason: 'cancelled' }]);
    expect(s().balance?.total).toBe(355);
    // The simulation stopped: nothing is captured later.
    await advance(h, 100 * 30);
    expect(h.api.callsOf('capture')).toEqual([]);
  });

  it('a Pro-use charge says "1 Pro use returned"', async () => {
    const api = proUsesAccount();
    api.prefs.exchangePromptDismissed = true;
    const h = await makeStore(api);
    const [clip] = addClips(h, 'sunrise');
    const s = () => h.store.getState();
    await s().startAction('ai-portrait', { clipId: clip });
    const f = s().flow;
    expect(f?.step === 'confirm' && f.quote.usesProUse).toBe(true);
    await s().confirmFlow();
    expect(s().balance?.proUses?.remaining).toBe(49);
    await act(() => s().cancelJob(s().jobs[0].id));
    expect(s().jobs[0].message).toBe('Cancelled. 1 Pro use returned.');
    expect(s().balance?.proUses?.remaining).toBe(50);
  });

  it('runs several jobs at once on different clips, and refuses a second job on a busy clip', async () => {
    const h = await makeStore(proAccount());
    const [a, b] = addClips(h, 'sunrise', 'interview');
    const s = () => h.store.getState();
    await s().startAction('remove-background', { clipId: a });
    await s().confirmFlow();
    await s().startAction('auto-captions', { clipId: b });
    await s().confirmFlow();
    expect(s().jobs.filter((j) => j.status === 'running')).toHaveLength(2);
    expect(s().aiBlockedReason('ai-portrait', a)).toBe('An AI tool is already running on this clip.');
    await s().startAction('ai-portrait', { clipId: a });
    expect(s().flow).toBeNull();
    expect(s().notices.at(-1)?.text).toBe('An AI tool is already running on this clip.');
    await advance(h, 100 * 30);
    expect(s().jobs.map((j) => j.status)).toEqual(['done', 'done']);
    expect(s().balance?.total).toBe(355 - 5 - 3);
  });

  it('not enough credits: the quote leads to the not-enough step with the amounts, and nothing is held', async () => {
    const h = await makeStore(freeAccount());
    const [clip] = addClips(h, 'sunrise');
    await h.store.getState().startAction('ai-portrait', { clipId: clip });
    expect(h.store.getState().flow).toEqual({ step: 'not-enough', toolId: 'ai-portrait', cost: 15, available: 0, error: null });
    expect(h.api.callsOf('hold')).toEqual([]);
  });

  it('a hold refused for lack of credits (spent elsewhere meanwhile) also leads to not enough', async () => {
    const api = new FakeCutline().withAccount(account(), [batch('purchased', 20, 700, 'p')]);
    const h = await makeStore(api);
    const [clip] = addClips(h, 'sunrise');
    await h.store.getState().startAction('ai-portrait', { clipId: clip });
    expect(h.store.getState().flow?.step).toBe('confirm');
    api.spendFromOtherDevice('ai-image', 10);
    await h.store.getState().confirmFlow();
    expect(h.store.getState().flow).toMatchObject({ step: 'not-enough', cost: 15, available: 10 });
  });

  it('a failed hold keeps the dialog open with the message, and Continue again reuses the same action id', async () => {
    const h = await makeStore(proAccount());
    const [clip] = addClips(h, 'sunrise');
    const s = () => h.store.getState();
    await s().startAction('remove-background', { clipId: clip });
    h.api.fail('hold', { code: 'offline', message: 'Cutline cannot reach the credit service. Check your connection.' });
    await s().confirmFlow();
    const f = s().flow;
    expect(f?.step === 'confirm' && f.error).toBe('Cutline cannot reach the credit service. Check your connection.');
    await s().confirmFlow();
    const holds = h.api.callsOf('hold') as Array<{ actionId: string }>;
    expect(holds).toHaveLength(2);
    expect(holds[0].actionId).toBe(holds[1].actionId);
    expect(s().jobs).toHaveLength(1);
  });

  it('cancelling while the hold is on its way gives the credits straight back', async () => {
    const h = await makeStore(proAccount());
    const [clip] = addClips(h, 'sunrise');
    const s = () => h.store.getState();
    await s().startAction('remove-background', { clipId: clip });
    const pending = s().confirmFlow();
    s().cancelFlow();
    await pending;
    await settle();
    expect(s().jobs).toEqual([]);
    expect(h.api.callsOf('release')).toHaveLength(1);
    expect(h.api.snapshot().total).toBe(355);
  });

  it('offline or signed out: AI is blocked with a reason a person understands', async () => {
    const h = await makeStore(proAccount());
    h.api.setState({ connection: 'offline', offlineReason: 'No internet connection.' });
    expect(h.store.getState().aiUnavailableReason()).toBe('No internet connection.');
    h.api.setState({ connection: 'online', offlineReason: null, account: null });
    await settle();
    expect(h.store.getState().aiUnavailableReason()).toBe('Sign in to use AI tools.');
  });

  it('removing a clip with a running job cancels the job and returns its credits', async () => {
    const h = await makeStore(proAccount());
    const [clip] = addClips(h, 'sunrise');
    const s = () => h.store.getState();
    await s().startAction('remove-background', { clipId: clip });
    await s().confirmFlow();
    s().removeClip(clip);
    await settle();
    expect(s().jobs[0].status).toBe('cancelled');
    expect(h.api.snapshot().total).toBe(355);
  });

  it('AI Generate asks for a prompt, and success adds a generated clip to the timeline', async () => {
    const h = await makeStore(proAccount());
    const s = () => h.store.getState();
    await s().startAction('ai-image');
    expect(s().flow?.step).toBe('prompt');
    await s().submitPrompt('A neon street in the rain');
    expect(s().flow?.step).toBe('confirm');
    await s().confirmFlow();
    await advance(h, 100 * 30);
    const clips = s().projects[0].clips;
    expect(clips.at(-1)).toMatchObject({ mediaId: 'generated-image', name: 'A neon street in the rain', effects: ['ai-image'] });
  });
});

describe('exchange prompt', () => {
  it('asks a Pro-uses account once, on its first eligible action; Not now is remembered and the action goes on', async () => {
    const h = await makeStore(proUsesAccount());
    const [clip] = addClips(h, 'sunrise');
    const s = () => h.store.getState();
    await s().startAction('remove-background', { clipId: clip });
    expect(s().flow?.step).toBe('exchange');
    await s().exchangeChoice('not-now');
    await settle();
    expect(h.api.callsOf('setPrefs')).toEqual([{ exchangePromptDismissed: true }]);
    expect(s().flow?.step).toBe('confirm');
    s().cancelFlow();
    await s().startAction('remove-background', { clipId: clip });
    expect(s().flow?.step).toBe('confirm');
  });

  it('is shown for Script to Video (eligible, as the exchange help page says)', async () => {
    const h = await makeStore(proUsesAccount());
    await h.store.getState().startAction('script-to-video');
    expect(h.store.getState().flow?.step).toBe('exchange');
  });

  it('is not shown for a tool the catalogue marks ineligible, nor to an account without them', async () => {
    const api = proUsesAccount();
    api.tools = api.tools.map((t) => (t.id === 'script-to-video' ? { ...t, eligibleForProUses: false } : t));
    const h = await makeStore(api);
    await h.store.getState().startAction('script-to-video');
    expect(h.store.getState().flow?.step).toBe('prompt');
    const h2 = await makeStore(proAccount());
    const [clip] = addClips(h2, 'sunrise');
    await h2.store.getState().startAction('remove-background', { clipId: clip });
    expect(h2.store.getState().flow?.step).toBe('confirm');
  });

  it('Learn More opens the exchange page and keeps the question; Exchange Now opens it and stops the action', async () => {
    const h = await makeStore(proUsesAccount());
    const [clip] = addClips(h, 'sunrise');
    const s = () => h.store.getState();
    await s().startAction('remove-background', { clipId: clip });
    await s().exchangeChoice('learn-more');
    expect(h.api.callsOf('openWeb')).toEqual([{ path: '/exchange' }]);
    expect(s().flow).toMatchObject({ step: 'exchange', opened: true });
    await s().exchangeChoice('exchange-now');
    expect(h.api.callsOf('openWeb')).toEqual([{ path: '/exchange' }, { path: '/exchange' }]);
    expect(s().flow).toBeNull();
    expect(h.api.callsOf('setPrefs')).toEqual([]);
    expect(h.api.callsOf('hold')).toEqual([]);
  });
});

describe('projects', () => {
  it('creates, renames, opens, and persists through saveProjects', async () => {
    const h = await makeStore(new FakeCutline());
    const s = () => h.store.getState();
    expect(s().projects.map((p) => p.name)).toEqual(['My first project']);
    const id = s().createProject();
    expect(s().openProjectId).toBe(id);
    expect(s().renameProject(id, '  ')).toBe('A project needs a name.');
    expect(s().renameProject(id, 'Trailer')).toBeNull();
    addClips(h, 'sunrise', 'forest-trail', 'interview');
    await advance(h, 100);
    const saved = h.api.projects;
    expect(saved.openProjectId).toBe(id);
    const p = saved.projects.find((x) => x.id === id)!;
    expect(p.name).toBe('Trailer');
    expect(p.clips.map((c) => c.mediaId)).toEqual(['sunrise', 'forest-trail', 'interview']);
    // A new run loads what was saved.
    const h2 = await makeStore(h.api);
    expect(h2.store.getState().openProjectId).toBe(id);
    expect(h2.store.getState().projects.find((x) => x.id === id)?.clips).toHaveLength(3);
  });

  it('a failed save is reported in words', async () => {
    const h = await makeStore(new FakeCutline());
    h.api.fail('saveProjects', { code: 'internal', message: 'The disk is full.' });
    h.store.getState().createProject('X');
    await advance(h, 100);
    expect(h.store.getState().saveState).toBe('error');
    expect(h.store.getState().saveError).toBe('The disk is full.');
  });

  it('a failed save is tried again by itself, and nothing edited meanwhile is lost', async () => {
    const h = await makeStore(new FakeCutline());
    h.api.fail('saveProjects', { code: 'internal', message: 'The Cutline host went away.' });
    const id = h.store.getState().createProject('Kept');
    await advance(h, 100);
    expect(h.store.getState().saveState).toBe('error');
    await advance(h, 1_000);
    expect(h.store.getState().saveState).toBe('saved');
    expect(h.api.projects.projects.map((p) => p.id)).toContain(id);
  });

  it('moveItem and nextProjectName', () => {
    expect(moveItem(['a', 'b', 'c'], 0, 2)).toEqual(['b', 'c', 'a']);
    expect(moveItem(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
    expect(moveItem(['a', 'b', 'c'], 1, 9)).toEqual(['a', 'c', 'b']);
    const p = (name: string) => ({ id: name, name, createdAt: '', updatedAt: '', clips: [] });
    expect(nextProjectName([p('Untitled project'), p('Untitled project 2')])).toBe('Untitled project 3');
  });
});

describe('activity', () => {
  it('merges pages and pushes newest first without duplicates', () => {
    const e = (id: string, at: string) => ({
      id,
      at,
      kind: 'hold' as const,
      amount: -1,
      type: 'activity' as const,
      batchId: 'b',
      chargeId: 'c',
      tool: null,
      device: null,
      unit: 'credits' as const,
    });
    const merged = mergeEntries([e('2', '2026-01-02T00:00:00.000Z'), e('1', '2026-01-01T00:00:00.000Z')], [
      e('3', '2026-01-03T00:00:00.000Z'),
      e('2', '2026-01-02T00:00:00.000Z'),
    ]);
    expect(merged.map((x) => x.id)).toEqual(['3', '2', '1']);
  });

  it('adds entries pushed from another device as they arrive', async () => {
    const h = await makeStore(proAccount());
    h.api.spendFromOtherDevice('ai-image', 20, 'mobile');
    const first = h.store.getState().ledger[0];
    expect(first.device?.platform).toBe('mobile');
    expect(first.tool).toBe('ai-image');
    expect(h.store.getState().balance?.total).toBe(335);
  });
});
