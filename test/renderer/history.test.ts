/** The undo stack, and undo/redo of every edit in the store — AI results hidden, never refunded or charged again. */
import { describe, expect, it } from 'vitest';
import { UndoStack } from '../../src/renderer/src/editor/history';
import { addClips, advance, makeStore } from './harness';
import { FakeCutline, proAccount } from './fake-cutline';
import type { AppStore } from '../../src/renderer/src/store';

/** A Pro account's store with one clip of `mediaId` on the timeline and `tool` confirmed on it: the job runs. */
async function jobRunningOn(mediaId: string, tool: Parameters<AppStore['startAction']>[0]) {
  const h = await makeStore(proAccount(), { failRate: 0 });
  const s = () => h.store.getState();
  const [clip] = addClips(h, mediaId);
  await s().startAction(tool, { clipId: clip });
  await s().confirmFlow();
  return { h, s, clip };
}

describe('UndoStack', () => {
  it('undoes and redoes in order; a new edit clears redo; the oldest fall off past the limit', () => {
    const h = new UndoStack<number>(3);
    expect(h.undo()).toBeNull();
    for (let i = 1; i <= 4; i++) h.record({ label: `e${i}`, before: i - 1, after: i });
    expect(h.peek()).toEqual({ undo: 'e4', redo: null });
    expect(h.undo()?.before).toBe(3);
    expect(h.undo()?.before).toBe(2);
    expect(h.peek()).toEqual({ undo: 'e2', redo: 'e3' });
    expect(h.redo()?.after).toBe(3);
    h.record({ label: 'e5', before: 3, after: 5 });
    expect(h.canRedo).toBe(false);
    expect(h.undo()?.label).toBe('e5');
    expect(h.undo()?.label).toBe('e3');
    expect(h.undo()?.label).toBe('e2');
    expect(h.undo()).toBeNull(); // e1 fell off (limit 3)
  });
});

describe('undo and redo in the editor', () => {
  const names = (h: Awaited<ReturnType<typeof makeStore>>) => h.store.getState().projects.find((p) => p.id === h.store.getState().openProjectId)!.clips.map((c) => c.name);

  it('covers add, move, trim, rename and remove, and saves what it restores', async () => {
    const h = await makeStore(new FakeCutline());
    const s = () => h.store.getState();
    const [a, b] = addClips(h, 'sunrise', 'city-night');
    s().moveClip(b, 0);
    s().trimClip(a, { inPoint: 1, outPoint: 5 });
    expect(s().renameClip(a, 'Opening')).toBeNull();
    s().removeClip(b);
    expect(names(h)).toEqual(['Opening']);
    expect(s().historyLabels().undo).toBe('Remove “City at night”');

    s().undo();
    expect(names(h)).toEqual(['City at night', 'Opening']);
    s().undo();
    expect(names(h)).toEqual(['City at night', 'Sunrise over the bay']);
    s().undo();
    expect(s().projects[0].clips.find((c) => c.id === a)?.inPoint).toBeUndefined();
    s().undo();
    expect(names(h)).toEqual(['Sunrise over the bay', 'City at night']);
    s().redo();
    expect(names(h)).toEqual(['City at night', 'Sunrise over the bay']);
    await advance(h, 100);
    expect(h.api.projects.projects[0].clips.map((c) => c.name)).toEqual(['City at night', 'Sunrise over the bay']);
    // a new edit after undo drops the redo branch
    s().addClip('forest-trail');
    expect(s().historyLabels().redo).toBeNull();
  });

  it('undoing an AI result hides it on the clip; redo shows it again without a second charge', async () => {
    const { h, s, clip } = await jobRunningOn('sunrise', 'ai-portrait');
    await advance(h, 100 * 30);
    expect(s().projects[0].clips[0].effects).toEqual(['ai-portrait']);
    const charged = s().balance!.total;
    const holds = h.api.callsOf('hold').length;

    s().undo();
    const undone = s().projects[0].clips[0];
    expect(undone.effects).toEqual([]);
    expect(undone.hiddenEffects).toEqual(['ai-portrait']);
    expect(s().notices.at(-1)?.text).toBe(
      'Undid AI Portrait on “Sunrise over the bay”. The result is hidden, not refunded: its credits stay spent. Redo shows it again at no cost.',
    );
    s().redo();
    expect(s().projects[0].clips[0].effects).toEqual(['ai-portrait']);
    expect(s().notices.at(-1)?.text).toBe('Redid AI Portrait on “Sunrise over the bay” — shown again at no cost, nothing was charged.');
    expect(s().balance!.total).toBe(charged);
    expect(h.api.callsOf('hold')).toHaveLength(holds);
    expect(h.api.callsOf('release')).toEqual([]);

    // hidden results are never lost: after undo and another edit, "Show again" brings them back
    s().undo();
    s().addClip('city-night');
    expect(s().historyLabels().redo).toBeNull();
    s().showHiddenEffects(clip);
    expect(s().projects[0].clips[0]).toMatchObject({ effects: ['ai-portrait'] });
    expect(s().projects[0].clips[0].hiddenEffects).toBeUndefined();
  });

  it('removing a clip with AI results says so in a toast whose Undo brings it back', async () => {
    const { h, s, clip } = await jobRunningOn('interview', 'auto-captions');
    await advance(h, 100 * 30);
    s().removeClip(clip);
    expect(names(h)).toEqual([]);
    const toast = s().notices.at(-1)!;
    expect(toast.text).toBe('Removed “Interview — Maya” with its AI result. Undo (Ctrl+Z) brings it back at no cost.');
    expect(toast.action?.label).toBe('Undo');
    toast.action!.run();
    expect(s().projects[0].clips[0]).toMatchObject({ id: clip, effects: ['auto-captions'] });
  });

  it('deleting a project opens another one; deleting the last leaves a fresh one', async () => {
    const h = await makeStore(new FakeCutline());
    const s = () => h.store.getState();
    const first = s().openProjectId!;
    const second = s().createProject('Second');
    s().deleteProject(second);
    expect(s().projects.map((p) => p.id)).toEqual([first]);
    expect(s().openProjectId).toBe(first);
    s().deleteProject(first);
    expect(s().projects).toHaveLength(1);
    expect(s().projects[0].id).not.toBe(first);
    expect(s().openProjectId).toBe(s().projects[0].id);
  });
});

describe('undo while an AI job runs', () => {
  it('undoing the add of a clip whose job is running cancels the job: credits returned, nothing charged', async () => {
    const { h, s, clip } = await jobRunningOn('sunrise', 'ai-portrait');
    expect(s().jobForClip(clip)?.status).toBe('running');
    s().undo();
    await advance(h, 100 * 30);
    expect(s().projects[0].clips).toEqual([]);
    expect(h.api.callsOf('capture')).toEqual([]);
    expect(h.api.callsOf('release')).toEqual([{ chargeId: s().jobs[0].charge.id, reason: 'cancelled' }]);
    expect(s().balance!.total).toBe(355);
  });
});
