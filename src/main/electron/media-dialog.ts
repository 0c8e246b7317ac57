/** The native "Import media…" dialog: `dialog.showOpenDialog` for video, audio and image files. */
import type { BrowserWindow, Dialog } from 'electron';
import { MEDIA_TYPES } from '@cutline/contract/media-rules';

const extensionsOf = (kind: string) => [...new Set(Object.values(MEDIA_TYPES).filter((t) => t.kind === kind).map((t) => t.ext))];

export const MEDIA_FILTERS = [
  { name: 'Video, audio and images', extensions: [...extensionsOf('video'), 'm4v', ...extensionsOf('audio'), ...extensionsOf('image'), 'jpeg'] },
  { name: 'Video', extensions: [...extensionsOf('video'), 'm4v'] },
  { name: 'Audio', extensions: extensionsOf('audio') },
  { name: 'Images', extensions: [...extensionsOf('image'), 'jpeg'] },
];

/** The core's `pickFiles` port: the chosen paths, [] when cancelled. */
export function createFilePicker(dialog: Pick<Dialog, 'showOpenDialog'>, getWindow: () => BrowserWindow | null): () => Promise<string[]> {
  return async () => {
    const options = { title: 'Import media', properties: ['openFile', 'multiSelections'] as ('openFile' | 'multiSelections')[], filters: MEDIA_FILTERS };
    const window = getWindow();
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return result.canceled ? [] : result.filePaths;
  };
}
