/**
 * The timeline: clips in order. Select (click, ←/→, Home/End), reorder (drag, Alt+←/→), remove
 * (Delete), and the context menu (right-click, the ContextMenu key or Shift+F10) with AI Tools.
 */
import { useCallback, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import type { Tool } from '@cutline/contract/api';
import type { Clip } from '@cutline/contract/ipc';
import { duration } from '../format';
import { mediaById } from '../media';
import { useApp, useCutlineStore } from '../store';
import { CLIP_TOOL_IDS } from '../tools';
import { toolItems } from './aiMenus';
import { MEDIA_DRAG_TYPE } from './MediaPanel';
import { Menu, type MenuItemSpec } from './Menu';
import { EffectBadges, Thumb } from './Thumb';

const CLIP_DRAG_TYPE = 'application/x-cutline-clip';

/** The index a dragged clip ends at when dropped before position `before` of the original list. */
export function dropIndex(from: number, before: number): number {
  return from < before ? before - 1 : before;
}

export function Timeline() {
  const store = useCutlineStore();
  const project = useApp((s) => s.projects.find((p) => p.id === s.openProjectId));
  const selectedId = useApp((s) => s.selectedClipId);
  const selectClip = useApp((s) => s.selectClip);
  const moveClip = useApp((s) => s.moveClip);
  const removeClip = useApp((s) => s.removeClip);
  const addClip = useApp((s) => s.addClip);
  // Re-render menu reasons and job overlays as these change.
  useApp((s) => s.jobs);
  useApp((s) => s.app);
  useApp((s) => s.tools);
  useApp((s) => s.balance);
  const tools = useApp((s) => s.tools);

  const [menu, setMenu] = useState<{ clipId: string; x: number; y: number } | null>(null);
  const [dropAt, setDropAt] = useState<number | null>(null);
  const clipRefs = useRef(new Map<string, HTMLLIElement>());

  const clips = project?.clips ?? [];
  const focusClip = (id: string) => clipRefs.current.get(id)?.focus();

  const openMenuFor = (clipId: string, at?: { x: number; y: number }) => {
    selectClip(clipId);
    let pos = at;
    if (!pos) {
      const r = clipRefs.current.get(clipId)?.getBoundingClientRect();
      pos = r ? { x: r.left + 12, y: r.top + 24 } : { x: 40, y: 40 };
    }
    setMenu({ clipId, ...pos });
  };

  const closeMenu = useCallback(
    (restore: boolean) => {
      const id = menu?.clipId;
      setMenu(null);
      if (restore && id) clipRefs.current.get(id)?.focus();
    },
    [menu],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLLIElement>, clip: Clip, index: number) => {
    const alt = e.altKey || e.ctrlKey || e.metaKey;
    let handled = true;
    if ((e.key === 'F10' && e.shiftKey) || e.key === 'ContextMenu') {
      openMenuFor(clip.id);
    } else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      const delta = e.key === 'ArrowLeft' ? -1 : 1;
      if (alt) {
        moveClip(clip.id, index + delta);
        requestAnimationFrame(() => focusClip(clip.id));
      } else {
        const next = clips[Math.max(0, Math.min(clips.length - 1, index + delta))];
        if (next) {
          selectClip(next.id);
          focusClip(next.id);
        }
      }
    } else if (e.key === 'Home' || e.key === 'End') {
      const next = e.key === 'Home' ? clips[0] : clips[clips.length - 1];
      if (next) {
        selectClip(next.id);
        focusClip(next.id);
      }
    } else if (e.key === 'Delete' || e.key === 'Backspace') {
      removeClip(clip.id);
      const rest = clips.filter((c) => c.id !== clip.id);
      const next = rest[Math.min(index, rest.length - 1)];
      if (next) requestAnimationFrame(() => focusClip(next.id));
    } else if (e.key === 'Enter' || e.key === ' ') {
      selectClip(clip.id);
    } else {
      handled = false;
    }
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  };

  // ---- drag and drop -------------------------------------------------------------------------

  const isOurDrag = (e: DragEvent) =>
    e.dataTransfer.types.includes(CLIP_DRAG_TYPE) || e.dataTransfer.types.includes(MEDIA_DRAG_TYPE);

  const onDragOverClip = (e: DragEvent<HTMLLIElement>, index: number) => {
    if (!isOurDrag(e)) return;
    e.preventDefault();
    const r = e.currentTarget.getBoundingClientRect();
    const before = e.clientX < r.left + r.width / 2 ? index : index + 1;
    if (before !== dropAt) setDropAt(before);
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const before = dropAt ?? clips.length;
    setDropAt(null);
    const clipId = e.dataTransfer.getData(CLIP_DRAG_TYPE);
    const mediaId = e.dataTransfer.getData(MEDIA_DRAG_TYPE);
    if (clipId) {
      const from = clips.findIndex((c) => c.id === clipId);
      if (from >= 0) moveClip(clipId, dropIndex(from, before));
    } else if (mediaId) {
      addClip(mediaId, before);
    }
  };

  // ---- context menu --------------------------------------------------------------------------

  let menuItems: MenuItemSpec[] = [];
  if (menu) {
    const s = store.getState();
    const index = clips.findIndex((c) => c.id === menu.clipId);
    const all = s.aiUnavailableReason();
    const run = (toolId: string) => void s.startAction(toolId, { clipId: menu.clipId });
    menuItems = [
      {
        id: 'ai-tools',
        label: 'AI Tools',
        disabled: all !== null,
        reason: all,
        submenu: toolItems(s, CLIP_TOOL_IDS, run, menu.clipId),
      },
      {
        id: 'move-left',
        label: 'Move left',
        detail: 'Alt+←',
        disabled: index <= 0,
        separatorBefore: true,
        onSelect: () => moveClip(menu.clipId, index - 1),
      },
      {
        id: 'move-right',
        label: 'Move right',
        detail: 'Alt+→',
        disabled: index < 0 || index >= clips.length - 1,
        onSelect: () => moveClip(menu.clipId, index + 1),
      },
      {
        id: 'remove',
        label: 'Remove from timeline',
        detail: 'Del',
        separatorBefore: true,
        onSelect: () => removeClip(menu.clipId),
      },
    ];
  }

  const tabStop = selectedId && clips.some((c) => c.id === selectedId) ? selectedId : clips[0]?.id;

  return (
    <section className="panel timeline" aria-labelledby="timeline-title">
      <h2 id="timeline-title" className="panel-title">
        Timeline
        <span className="panel-hint">
          Right-click a clip (or press Shift+F10) for AI Tools · Alt+←/→ moves · Delete removes
        </span>
      </h2>
      {clips.length === 0 ? (
        <div
          className={`timeline-empty ${dropAt !== null ? 'drop-target' : ''}`}
          onDragOver={(e) => {
            if (isOurDrag(e)) {
              e.preventDefault();
              setDropAt(0);
            }
          }}
          onDragLeave={() => setDropAt(null)}
          onDrop={onDrop}
        >
          Add clips from Media with <strong>+</strong>, or drag them here.
        </div>
      ) : (
        <ul
          className="track"
          role="listbox"
          aria-label="Timeline clips"
          aria-orientation="horizontal"
          onDragOver={(e) => {
            if (isOurDrag(e)) e.preventDefault();
          }}
          onDragLeave={(e) => {
            if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDropAt(null);
          }}
          onDrop={onDrop}
        >
          {clips.map((clip, i) => (
            <TimelineClip
              key={clip.id}
              clip={clip}
              index={i}
              selected={clip.id === selectedId}
              tabbable={clip.id === tabStop}
              dropBefore={dropAt === i}
              dropAfter={dropAt === clips.length && i === clips.length - 1}
              tools={tools}
              liRef={(el) => {
                if (el) clipRefs.current.set(clip.id, el);
                else clipRefs.current.delete(clip.id);
              }}
              onSelect={() => selectClip(clip.id)}
              onContextMenu={(x, y) => openMenuFor(clip.id, { x, y })}
              onKeyDown={(e) => onKeyDown(e, clip, i)}
              onDragOver={(e) => onDragOverClip(e, i)}
            />
          ))}
        </ul>
      )}
      {menu && <Menu label="Clip" items={menuItems} position={{ x: menu.x, y: menu.y }} onClose={closeMenu} />}
    </section>
  );
}

function TimelineClip({
  clip,
  index,
  selected,
  tabbable,
  dropBefore,
  dropAfter,
  tools,
  liRef,
  onSelect,
  onContextMenu,
  onKeyDown,
  onDragOver,
}: {
  clip: Clip;
  index: number;
  selected: boolean;
  tabbable: boolean;
  dropBefore: boolean;
  dropAfter: boolean;
  tools: Tool[] | null;
  liRef: (el: HTMLLIElement | null) => void;
  onSelect: () => void;
  onContextMenu: (x: number, y: number) => void;
  onKeyDown: (e: KeyboardEvent<HTMLLIElement>) => void;
  onDragOver: (e: DragEvent<HTMLLIElement>) => void;
}) {
  const job = useApp((s) => s.jobForClip(clip.id));
  const media = mediaById(clip.mediaId);
  const names = clip.effects.length ? ` · ${[...new Set(clip.effects)].length} AI result(s)` : '';
  return (
    <li
      ref={liRef}
      role="option"
      aria-selected={selected}
      aria-label={`${clip.name}, clip ${index + 1}${names}${job ? `, ${job.toolName} running` : ''}`}
      tabIndex={tabbable ? 0 : -1}
      className={`clip ${selected ? 'selected' : ''} ${dropBefore ? 'drop-before' : ''} ${dropAfter ? 'drop-after' : ''} ${job ? 'busy' : ''}`}
      data-clip-id={clip.id}
      draggable
      onDragStart={(e) => {
        e.dataTransfer.setData(CLIP_DRAG_TYPE, clip.id);
        e.dataTransfer.effectAllowed = 'move';
        onSelect();
      }}
      onDragOver={onDragOver}
      onClick={onSelect}
      onContextMenu={(e) => {
        e.preventDefault();
        onContextMenu(e.clientX, e.clientY);
      }}
      onKeyDown={onKeyDown}
    >
      <Thumb mediaId={clip.mediaId} effects={clip.effects} size="small" alt="" />
      <span className="clip-name">{clip.name}</span>
      <span className="clip-meta">
        {media ? duration(media.duration) : ''}
        {clip.corrupt ? ' · damaged' : ''}
      </span>
      <EffectBadges effects={clip.effects} tools={tools} />
      {job && (
        <span className="clip-job">
          <progress max={1} value={job.progress} aria-label={`${job.toolName} progress`} />
        </span>
      )}
    </li>
  );
}
