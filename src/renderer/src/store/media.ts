/**
 * The user's imported media: loaded from main at start, added by the file dialog / file input or
 * by dropping files. Each file is checked (type, size), read with the browser's media elements
 * (duration, thumbnail, waveform) and only then sent to main, which checks it again and keeps it;
 * a refused or unreadable file is named in an error and changes nothing.
 */
import { checkMediaFile } from '@cutline/contract/media-rules';
import { mediaItemOf, registerMedia, unregisterMedia } from '../media';
import type { Deps, Get, MediaSlice, Set } from './types';

export function createMediaSlice(deps: Deps, set: Set, get: Get): MediaSlice {
  const { api } = deps;

  const importOne = async (file: File): Promise<string | null> => {
    const check = checkMediaFile(file);
    if (!check.ok) {
      get().notify('error', check.message);
      return null;
    }
    const probed = await deps.probe(file, check.kind, file.name);
    if (!probed.ok) {
      get().notify('error', probed.message);
      return null;
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const stored = await api.importMedia({ name: file.name, type: check.mime, bytes, meta: probed.meta }).catch(() => null);
    if (!stored || !stored.ok) {
      get().notify('error', stored ? stored.error.message : `“${file.name}” could not be kept: Cutline's background process did not answer.`);
      return null;
    }
    const item = mediaItemOf(stored.value);
    registerMedia([item]);
    set((s) => ({ library: [...s.library, item] }));
    return item.id;
  };

  return {
    library: [],
    importing: 0,

    async loadMedia() {
      const records = await api.listMedia().catch(() => null);
      if (!records) {
        get().notify('error', 'Your imported media could not be loaded.');
        return;
      }
      const items = records.map(mediaItemOf);
      registerMedia(items);
      set({ library: items });
    },

    async importFiles(files) {
      const ids: string[] = [];
      set((s) => ({ importing: s.importing + files.length }));
      for (const file of files) {
        try {
          const id = await importOne(file);
          if (id) ids.push(id);
        } finally {
          set((s) => ({ importing: Math.max(0, s.importing - 1) }));
        }
      }
      if (ids.length > 0) {
        get().notify('success', ids.length === 1 ? `Imported “${get().library.at(-1)!.name}”.` : `Imported ${ids.length} files.`);
        get().selectMedia(ids.at(-1)!);
      }
      return ids;
    },

    async importToTimeline(files, index) {
      const ids = await get().importFiles(files);
      ids.forEach((id, i) => get().addClip(id, index + i));
    },

    clipsUsing(mediaId) {
      return get().projects.reduce((n, p) => n + p.clips.filter((c) => c.mediaId === mediaId).length, 0);
    },

    async removeMedia(mediaId) {
      const item = get().library.find((m) => m.id === mediaId);
      if (!item) return;
      const r = await api.removeMedia({ id: mediaId }).catch(() => null);
      if (!r || !r.ok) {
        get().notify('error', r ? r.error.message : `“${item.name}” could not be removed: Cutline's background process did not answer.`);
        return;
      }
      const used = get().clipsUsing(mediaId);
      get().removeClipsOf(mediaId);
      unregisterMedia(mediaId);
      set((s) => ({ library: s.library.filter((m) => m.id !== mediaId), selectedMediaId: s.selectedMediaId === mediaId ? null : s.selectedMediaId }));
      get().notify('success', used > 0 ? `Removed “${item.name}” and the ${used === 1 ? 'clip' : `${used} clips`} that used it.` : `Removed “${item.name}”.`);
    },

    async pickAndImport() {
      const picked = await api.pickMediaFiles().catch(() => null);
      if (!picked || !picked.ok) {
        get().notify('error', picked ? picked.error.message : 'The file dialog could not be opened.');
        return [];
      }
      const files: File[] = [];
      for (const f of picked.value) {
        if (f.refused) get().notify('error', f.refused);
        else files.push(new File([f.bytes as BlobPart], f.name, { type: f.type }));
      }
      return files.length ? get().importFiles(files) : [];
    },
  };
}
