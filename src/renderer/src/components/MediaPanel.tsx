/** The sample clips that ship with the app: select to preview, add (button, Enter, double-click or drag) to the timeline. */
import { duration } from '../format';
import { SAMPLE_MEDIA } from '../media';
import { useApp } from '../store';

export const MEDIA_DRAG_TYPE = 'application/x-cutline-media';

export function MediaPanel() {
  const selected = useApp((s) => s.selectedMediaId);
  const selectMedia = useApp((s) => s.selectMedia);
  const addClip = useApp((s) => s.addClip);
  const hasProject = useApp((s) => s.openProjectId !== null);

  return (
    <section className="panel media-panel" aria-labelledby="media-title">
      <h2 id="media-title" className="panel-title">
        Media
      </h2>
      <ul className="media-list">
        {SAMPLE_MEDIA.map((m) => (
          <li
            key={m.id}
            className={`media-item ${selected === m.id ? 'selected' : ''}`}
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
              <img src={m.url} alt="" draggable={false} />
              <span className="media-name">{m.name}</span>
              <span className="media-meta">
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
          </li>
        ))}
      </ul>
    </section>
  );
}
