/** Help → Keyboard shortcuts (F1). */
import { Dialog } from './Dialog';

const SHORTCUTS: [string, string][] = [
  ['Space', 'Play / pause'],
  ['J · K · L', 'Back one second · pause · play'],
  ['← / →', 'Move the playhead a tenth of a second (Shift: one second); on a clip: select the previous / next clip'],
  ['Alt+← / Alt+→', 'Move the selected clip'],
  ['[ / ]', 'Trim the selected clip to start / end at the playhead'],
  ['Delete', 'Remove the selected clip'],
  ['Ctrl+Z', 'Undo'],
  ['Ctrl+Shift+Z or Ctrl+Y', 'Redo'],
  ['Ctrl + / Ctrl − / Ctrl+0', 'Zoom the timeline in / out / to fit (or Ctrl+wheel)'],
  ['Ctrl+I', 'Import media'],
  ['Shift+F10', 'The clip menu with AI Tools'],
];

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  return (
    <Dialog
      title="Keyboard shortcuts"
      onCancel={onClose}
      actions={
        <button type="button" data-autofocus onClick={onClose}>
          Close
        </button>
      }
    >
      <dl className="shortcuts">
        {SHORTCUTS.map(([keys, what]) => (
          <div key={keys}>
            <dt>
              <kbd>{keys}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
    </Dialog>
  );
}
