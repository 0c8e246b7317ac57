/**
 * Media: the user's imported files (Import media…, or drop files from the OS here or on the
 * timeline) and the sample clips. Select to preview, add (button, double-click or drag) to the
 * timeline; an imported file can be removed (a warning first when clips use it).
 */
import { useState, type DragEvent } from 'react';
import { duration } from '../format';
import { pictureOf, SAMPLE_MEDIA, type MediaItem } from '../media';
import { useApp } from '../store';
import { DangerDialog } from './Dialog';
import { LazyImage } from './LazyImage';

export const MEDIA_DRAG_TYPE = 'application/x-cutline-media';

const hasFiles = (e: DragEvent) => e.dataTransfer.types.includes('Files');

export function MediaPanel() {
  const library = useApp((s) => s.library);
  const importing = useApp((s) => s.importing);
  const pickAndImport = useApp((s) => s.pickAndImport);
  const importFiles = useApp((s) => s.importFiles);
  const [over, setOver] = useState(false);

  return (
    <section
      className={`panel media-panel ${over ? 'drop-target' : ''}`}
      aria-labelledby="media-title"
      data-testid="media-panel"
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setOver(false);
        void importFiles(Array.from(e.dataTransfer.files));
      }}
    >
      <h2 id="media-title" className="panel-title">
        Media
      </h2>
      <button type="button" className="import-button" onClick={() => void pickAndImport()} aria-keyshortcuts="Control+I">
        Import media…
      </button>
      <p className="panel-hint drop-hint">{importing > 0 ? `Importing ${importing} file${importing === 1 ? '' : 's'}…` : 'or drop video, audio and image files here'}</p>
      {library.length > 0 && (
        <>
          <h3 className="media-group">Your media</h3>
          <MediaList items={library} label="Your media" />
        </>
      )}
      <h3 className="media-group">Samples</h3>
      <MediaList items={SAMPLE_MEDIA} label="Sample media" />
    </section>
  );
}

function MediaList({ items, label }: { items: MediaItem[]; label: string }) {
  const selected = useApp((s) => s.selectedMediaId);
  const selectMedia = useApp((s) => s.selectMedia);
  const addClip = useApp((s) => s.addClip);
  const hasProject = useApp((s) => s.openProjectId !== null);
  const clipsUsing = useApp((s) => s.clipsUsing);
  const removeMedia = useApp((s) => s.removeMedia);
  const [removing, setRemoving] = useState<{ item: MediaItem; used: number } | null>(null);
  const askRemove = (item: MediaItem) => {
    const used = clipsUsing(item.id);
    if (used === 0) void removeMedia(item.id);
    else setRemoving({ item, used });
  };
  return (
    <>
    {removing && (
      <DangerDialog
        title={`Remove “${removing.item.name}”?`}
        confirmLabel={`Remove file and ${removing.used === 1 ? 'clip' : `${removing.used} clips`}`}
        onConfirm={() => void removeMedia(removing.item.id)}
        onCancel={() => setRemoving(null)}
      >
        <p className="dialog-warning" role="note">
          {removing.used === 1 ? '1 clip on your timelines uses' : `${removing.used} clips on your timelines use`} this file. Removing it removes{' '}
          {removing.used === 1 ? 'that clip' : 'those clips'} too, with any AI results on them (their credits stay spent). This cannot be undone.
        </p>
      </DangerDialog>
    )}
    <ul className="media-list" aria-label={label}>
      {items.map((m) => {
        const picture = pictureOf(m);
        return (
          <li
            key={m.id}
            className={`media-item ${selected === m.id ? 'selected' : ''}`}
            data-media-kind={m.kind}
            draggable
            onDragStart={(e) => {
              e.dataTransfer.setData(MEDIA_DRAG_TYPE, m.id);
              e.dataTransfer.effectAllowed = 'copy';
            }}
          >
            <button
              type="button"
              className="media-select"
              aria-pressed={selected === m.id}
              onClick={() => selectMedia(m.id)}
              onDoubleClick={() => hasProject && addClip(m.id)}
              title={m.corrupt ? 'This file looks damaged' : undefined}
            >
              {picture ? <LazyImage src={picture} alt="" /> : <span className="media-icon" aria-hidden="true">♪</span>}
              <span className="media-name">{m.name}</span>
              <span className="media-meta">
                {m.imported ? `${m.kind} · ` : ''}
                {duration(m.duration)}
                {m.corrupt && <span className="damaged"> · damaged</span>}
              </span>
            </button>
            <button
              type="button"
              className="media-add"
              aria-label={`Add ${m.name} to the timeline`}
              title="Add to the timeline"
              disabled={!hasProject}
              onClick={() => addClip(m.id)}
            >
              +
            </button>
            {m.imported && (
              <button type="button" className="media-remove" aria-label={`Remove ${m.name} from your media`} title="Remove from your media" onClick={() => askRemove(m)}>
                ×
              </button>
            )}
          </li>
        );
      })}
    </ul>
    </>
  );
}
