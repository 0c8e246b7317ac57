/**
 * The user's imported media: loaded from main at start, added by the file dialog / file input or
 * by dropping files. Each file is checked (type, size), read with the browser's media elements
 * (duration, thumbnail, waveform) and only then sent to main, which checks it again and keeps it;
 * a refused or unreadable file is named in an error and changes nothing.
 */
import { checkMediaFile } from '@cutline/contract/media-rules';
import { mediaItemOf, registerMedia } from '../media';
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
