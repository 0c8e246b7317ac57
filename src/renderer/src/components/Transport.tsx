/** Play/pause and the time under the playhead, undo/redo, and the timeline's zoom — the same commands as the app menu. */
import { timecode } from '../editor/timeline-math';
import { useApp, useCutlineStore } from '../store';

export function Transport() {
  const store = useCutlineStore();
  const playing = useApp((s) => s.playing);
  const playhead = useApp((s) => s.playhead);
  const total = useApp((s) => s.totalSeconds());
  const px = useApp((s) => s.pxPerSecond);
  useApp((s) => s.historyVersion);
  const labels = store.getState().historyLabels();
  const s = store.getState;

  return (
    <div className="transport" role="toolbar" aria-label="Playback and editing">
      <button type="button" className="transport-play" onClick={() => s().togglePlay()} disabled={total <= 0} aria-keyshortcuts="Space">
        {playing ? 'Pause' : 'Play'}
      </button>
      <span className="timecode" data-testid="current-time" aria-label="Current time" role="timer">
        {timecode(playhead)}
      </span>
      <span className="timecode-total">/ {timecode(total)}</span>
      <span className="transport-sep" />
      <button type="button" onClick={() => s().undo()} disabled={!labels.undo} title={labels.undo ? `Undo: ${labels.undo}` : 'Nothing to undo'} aria-keyshortcuts="Control+Z">
        Undo
      </button>
      <button type="button" onClick={() => s().redo()} disabled={!labels.redo} title={labels.redo ? `Redo: ${labels.redo}` : 'Nothing to redo'} aria-keyshortcuts="Control+Shift+Z Control+Y">
        Redo
      </button>
      <span className="transport-sep" />
      <button type="button" aria-label="Zoom out" title="Zoom out (Ctrl −)" onClick={() => s().zoom(-1)}>
        −
      </button>
      <span className="zoom-level" data-testid="zoom-level" aria-label="Zoom">
        {px} px/s
      </span>
      <button type="button" aria-label="Zoom in" title="Zoom in (Ctrl +)" onClick={() => s().zoom(1)}>
        +
      </button>
      <button type="button" title="Fit the timeline (Ctrl 0)" onClick={() => window.dispatchEvent(new CustomEvent('cutline:zoom-fit'))}>
        Fit
      </button>
    </div>
  );
}
