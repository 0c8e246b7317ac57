/** The editor toolbar: AI Generate (AI Image, Script to Video) and the selected clip's AI Tools. */
import { useCallback, useRef, useState } from 'react';
import { useApp, useCutlineStore } from '../store';
import { CLIP_TOOL_IDS, GENERATE_TOOL_IDS } from '../tools';
import { toolItems } from './aiMenus';
import { Menu } from './Menu';

type Open = { which: 'generate' | 'clip'; x: number; y: number } | null;

export function Toolbar() {
  const store = useCutlineStore();
  const reason = useApp((s) => s.aiUnavailableReason());
  const selectedClip = useApp((s) => s.selectedClipId);
  useApp((s) => s.jobs);
  useApp((s) => s.balance);
  const [open, setOpen] = useState<Open>(null);
  const genRef = useRef<HTMLButtonElement>(null);
  const clipRef = useRef<HTMLButtonElement>(null);

  const show = (which: 'generate' | 'clip') => {
    const r = (which === 'generate' ? genRef : clipRef).current?.getBoundingClientRect();
    setOpen({ which, x: r?.left ?? 0, y: r ? r.bottom + 4 : 40 });
  };
  const close = useCallback(
    (restore: boolean) => {
      const which = open?.which;
      setOpen(null);
      if (restore) (which === 'generate' ? genRef : clipRef).current?.focus();
    },
    [open],
  );

  const s = store.getState();
  const items =
    open?.which === 'generate'
      ? toolItems(s, GENERATE_TOOL_IDS, (id) => void s.startAction(id))
      : open?.which === 'clip' && selectedClip
        ? toolItems(s, CLIP_TOOL_IDS, (id) => void s.startAction(id, { clipId: selectedClip }), selectedClip)
        : [];

  const menuButton = (which: 'generate' | 'clip', label: string, ref: React.RefObject<HTMLButtonElement | null>, disabledReason: string | null) => (
    <button
      ref={ref}
      type="button"
      className={`tool-button ${which === 'generate' ? 'primary' : ''}`}
      aria-haspopup="menu"
      aria-expanded={open?.which === which}
      aria-disabled={disabledReason ? true : undefined}
      title={disabledReason ?? undefined}
      onClick={() => {
        if (disabledReason) return;
        if (open?.which === which) setOpen(null);
        else show(which);
      }}
      onKeyDown={(e) => {
        if (!disabledReason && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
          e.preventDefault();
          show(which);
        }
      }}
    >
      {label} <span aria-hidden="true">▾</span>
    </button>
  );

  return (
    <div className="toolbar" role="toolbar" aria-label="Editor tools">
      {menuButton('generate', 'AI Generate', genRef, reason)}
      {menuButton('clip', 'AI Tools', clipRef, reason ?? (selectedClip ? null : 'Select a clip on the timeline first.'))}
      {reason && (
        <span className="toolbar-reason" data-testid="ai-reason">
          {reason}
        </span>
      )}
      {open && items.length > 0 && (
        <Menu label={open.which === 'generate' ? 'AI Generate' : 'AI Tools'} items={items} position={{ x: open.x, y: open.y }} onClose={close} anchor={open.which === 'generate' ? genRef : clipRef} />
      )}
    </div>
  );
}
