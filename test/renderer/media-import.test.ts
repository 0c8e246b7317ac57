/** Importing media in the store: checked, read, kept by main; a refused or unreadable file changes nothing. */
import { describe, expect, it } from 'vitest';
import { createAppStore, connectStore } from '../../src/renderer/src/store';
import type { Probe } from '../../src/renderer/src/editor/media-probe';
import { mediaById } from '../../src/renderer/src/media';
import { FakeCutline, ManualClock } from './fake-cutline';
import { settle } from './harness';

const okProbe: Probe = async (_file, kind) =>
  ({ ok: true, meta: kind === 'audio' ? { duration: 3.5, peaks: [0.2, 1, 0.5] } : { duration: 4.25, width: 320, height: 180 } });

async function setup(api = new FakeCutline(), probe: Probe = okProbe) {
  const clock = new ManualClock();
  let n = 0;
  const store = createAppStore({ api, probe, schedule: clock.schedule, newId: () => `id-${++n}`, saveDelayMs: 10 });
  await connectStore(store, api);
  await settle();
  return { api, store, s: () => store.getState() };
}

const file = (name: string, type: string, size = 64) => new File([new Uint8Array(size).fill(7)], name, { type });

describe('importing media', () => {
  it('keeps a readable file with its duration, lists it, and its clip on the timeline lasts that long', async () => {
    const { api, s } = await setup();
    const [id] = await s().importFiles([file('Beach day.webm', 'video/webm')]);
    expect(api.callsOf('importMedia')).toEqual([{ name: 'Beach day.webm', type: 'video/webm', size: 64 }]);
    expect(s().library.map((m) => [m.name, m.kind, m.duration])).toEqual([['Beach day', 'video', 4.25]]);
    expect(s().notices.at(-1)?.text).toBe('Imported “Beach day”.');
    const clip = s().addClip(id)!;
    expect(mediaById(id)?.url).toBe(`/media/${id}`);
    expect(s().totalSeconds()).toBe(4.25);
    expect(s().projects[0].clips[0]).toMatchObject({ id: clip, mediaId: id, name: 'Beach day' });
  });

  it('a file of another type is refused with a sentence and nothing is sent or listed', async () => {
    const { api, s } = await setup();
    expect(await s().importFiles([file('report.pdf', 'application/pdf')])).toEqual([]);
    expect(api.callsOf('importMedia')).toEqual([]);
    expect(s().library).toEqual([]);
    expect(s().notices.at(-1)).toMatchObject({ kind: 'error', text: expect.stringContaining('“report.pdf” can\'t be imported') });
  });

  it('a file the browser cannot read is refused and nothing is kept', async () => {
    const broken: Probe = async (_f, _k, name) => ({ ok: false, message: `“${name}” could not be read as a video.` });
    const { api, s } = await setup(new FakeCutline(), broken);
    await s().importFiles([file('broken.mp4', 'video/mp4'), file('fine.png', 'image/png')]);
    expect(api.callsOf('importMedia')).toEqual([]);
    expect(s().notices.map((n) => n.text)).toContain('“broken.mp4” could not be read as a video.');
  });

  it('the file dialog: chosen files are imported, refused ones named; media comes back after a restart', async () => {
    const api = new FakeCutline();
    api.nextPick = [
      { name: 'voice.mp3', type: 'audio/mpeg', bytes: new Uint8Array(10) },
      { name: 'huge.mov', type: '', bytes: new Uint8Array(0), refused: '“huge.mov” is 900 MB; Cutline imports files up to 512 MB.' },
    ];
    const { s } = await setup(api);
    const ids = await s().pickAndImport();
    expect(ids).toHaveLength(1);
    expect(s().library[0]).toMatchObject({ name: 'voice', kind: 'audio', peaks: [0.2, 1, 0.5] });
    expect(s().notices.map((n) => n.text)).toContain('“huge.mov” is 900 MB; Cutline imports files up to 512 MB.');

    const again = await setup(api);
    expect(again.s().library.map((m) => m.name)).toEqual(['voice']);
  });

  it('menu commands reach the editor: import, undo, zoom', async () => {
    const api = new FakeCutline();
    const { s } = await setup(api);
    s().addClip('sunrise');
    api.menu('undo');
    expect(s().projects[0].clips).toEqual([]);
    api.menu('redo');
    expect(s().projects[0].clips).toHaveLength(1);
    const zoom = s().pxPerSecond;
    api.menu('zoom-in');
    expect(s().pxPerSecond).toBeGreaterThan(zoom);
    api.menu('import-media');
    await settle();
    expect(api.callsOf('pickMediaFiles')).toHaveLength(1);
  });
});
