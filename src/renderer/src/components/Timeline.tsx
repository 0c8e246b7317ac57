/**
 * The timeline, scaled to time: a ruler (click or drag to scrub), clips as wide as they play at
 * the zoom level (Ctrl +/−, Ctrl+wheel, Fit), the playhead, reorder by drag (drops snap to clip
 * edges) or Alt+←/→, trim by dragging a clip's edges (or [ and ] at the playhead), Delete
 * removes (undo brings it back), and the context menu (right-click, ContextMenu, Shift+F10).
 */
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent, type PointerEvent } from 'react';
import type { Tool } from '@cutline/contract/api';
import type { Clip } from '@cutline/contract/ipc';
import { projectLayout, mediaDurationOf } from '../editor/project-layout';
import { boundaries, fitZoom, pxToTime, rulerTicks, slotAt, snap, timecode, trim } from '../editor/timeline-math';
import { duration } from '../format';
import { mediaById } from '../media';
import { useApp, useCutlineStore } from '../store';
import { CLIP_TOOL_IDS } from '../tools';
import { toolItems } from './aiMenus';
import { MEDIA_DRAG_TYPE } from './MediaPanel';
import { Menu, type MenuItemSpec } from './Menu';
import { EffectBadges, Thumb } from './Thumb';
import { Transport } from './Transport';

const CLIP_DRAG_TYPE = 'application/x-cutline-clip';
/** Scrubbing snaps to a clip edge this close, in pixels. */
const SNAP_PX = 6;

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
  const px = useApp((s) => s.pxPerSecond);
  const tools = useApp((s) => s.tools);

  const [menu, setMenu] = useState<{ clipId: string; x: number; y: number } | null>(null);
  const [dropAt, setDropAt] = useState<number | null>(null);
  const clipRefs = useRef(new Map<string, HTMLLIElement>());
  const scrollRef = useRef<HTMLDivElement>(null);
  const contentRef = useRef<HTMLDivElement>(null);

  const clips = project?.clips ?? [];
  const { placed, total } = projectLayout(clips);
  const focusClip = (id: string) => clipRefs.current.get(id)?.focus();

  // Ctrl+wheel zooms (a non-passive listener: the page must not zoom instead)
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      if (!e.ctrlKey && !e.metaKey) return;
      e.preventDefault();
      store.getState().zoom(e.deltaY < 0 ? 1 : -1);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [store, clips.length === 0]);

  useEffect(() => {
    const onFit = () => {
      const width = scrollRef.current?.clientWidth ?? 800;
      store.getState().setZoom(fitZoom(store.getState().totalSeconds(), width - 24));
    };
    window.addEventListener('cutline:zoom-fit', onFit);
    return () => window.removeEventListener('cutline:zoom-fit', onFit);
  }, [store]);

  /** Project seconds under a pointer's clientX. */
  const timeAt = (clientX: number) => pxToTime(clientX - (contentRef.current?.getBoundingClientRect().left ?? 0), px);

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

  /** [ / ]: the selected clip starts or ends at the playhead. */
  const trimAtPlayhead = (clip: Clip, index: number, edge: 'in' | 'out') => {
    const p = placed[index];
    const t = store.getState().playhead;
    if (t <= p.start || t >= p.start + p.duration) return;
    const delta = edge === 'in' ? t - p.start : t - (p.start + p.duration);
    store.getState().trimClip(clip.id, trim(clip, mediaDurationOf(clip), edge, delta));
  };

  const onKeyDown = (e: KeyboardEvent<HTMLLIElement>, clip: Clip, index: number) => {
    const alt = e.altKey || e.ctrlKey || e.metaKey;
    let handled = true;
    if ((e.key === 'F10' && e.shiftKey) || e.key === 'ContextMenu') {
      openMenuFor(clip.id);
    } else if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && !e.shiftKey) {
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
    } else if (e.key === '[' || e.key === ']') {
      trimAtPlayhead(clip, index, e.key === '[' ? 'in' : 'out');
    } else if (e.key === 'Enter') {
      selectClip(clip.id);
    } else {
      handled = false;
    }
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  };

  // ---- drag and drop: drops snap to the nearest clip edge ------------------------------------

  // clips moved, media from the panel, and files from the OS (imported, then placed where dropped)
  const isOurDrag = (e: DragEvent) =>
    e.dataTransfer.types.includes(CLIP_DRAG_TYPE) || e.dataTransfer.types.includes(MEDIA_DRAG_TYPE) || e.dataTransfer.types.includes('Files');

  const onDragOverTrack = (e: DragEvent) => {
    if (!isOurDrag(e)) return;
    e.preventDefault();
    const before = slotAt(timeAt(e.clientX), placed, total);
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
    } else if (e.dataTransfer.files.length > 0) {
      void store.getState().importToTimeline(Array.from(e.dataTransfer.files), before);
    }
  };

  // ---- scrubbing on the ruler ------------------------------------------------------------------

  const edges = boundaries(placed, total);
  const scrubTo = (clientX: number) => store.getState().seek(snap(timeAt(clientX), edges, SNAP_PX / px));
  const onRulerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.currentTarget.setPointerCapture?.(e.pointerId);
    scrubTo(e.clientX);
  };
  const onRulerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (e.buttons & 1) scrubTo(e.clientX);
  };

  const tabStop = selectedId && clips.some((c) => c.id === selectedId) ? selectedId : clips[0]?.id;
  const width = Math.max(total * px + 120, 400);

  // What the clips call, by clip id: one object for the timeline's lifetime whose methods run the
  // latest render's handlers, so a new closure on every render never re-renders a memoised clip.
  const latest = useRef({ openMenuFor, onKeyDown, clips });
  useLayoutEffect(() => {
    latest.current = { openMenuFor, onKeyDown, clips };
  });
  const actions = useMemo<ClipActions>(
    () => ({
      register: (id, el) => {
        if (el) clipRefs.current.set(id, el);
        else clipRefs.current.delete(id);
      },
      select: (id) => selectClip(id),
      contextMenu: (id, x, y) => latest.current.openMenuFor(id, { x, y }),
      keyDown: (e, id) => {
        const { clips: now, onKeyDown: handle } = latest.current;
        const index = now.findIndex((c) => c.id === id);
        if (index >= 0) handle(e, now[index], index);
      },
    }),
    [selectClip],
  );

  return (
    <section className="panel timeline" aria-labelledby="timeline-title">
      <div className="timeline-head">
        <h2 id="timeline-title" className="panel-title">
          Timeline
        </h2>
        <Transport />
        <span className="panel-hint">Space plays · drag the ruler to scrub · drag clip edges to trim · Ctrl+Z undoes</span>
      </div>
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
        <div className="timeline-scroll" ref={scrollRef}>
          <div className="timeline-content" ref={contentRef} style={{ width }}>
            <div
              className="ruler"
              data-testid="ruler"
              aria-label="Time ruler: click or drag to move the playhead"
              onPointerDown={onRulerDown}
              onPointerMove={onRulerMove}
            >
              {rulerTicks(total, px).map((t) => (
                <span key={t} className="tick" style={{ left: t * px }}>
                  {timecode(t).replace(/\.0$/, '')}
                </span>
              ))}
            </div>
            <ul
              className="track"
              role="listbox"
              aria-label="Timeline clips"
              aria-orientation="horizontal"
              onDragOver={onDragOverTrack}
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
                  mediaStart={placed[i].mediaStart}
                  seconds={placed[i].duration}
                  px={px}
                  selected={clip.id === selectedId}
                  tabbable={clip.id === tabStop}
                  tools={tools}
                  actions={actions}
                />
              ))}
            </ul>
            {dropAt !== null && <span className="drop-line" aria-hidden="true" style={{ left: (edges[dropAt] ?? total) * px }} />}
            <Playhead px={px} scroll={scrollRef} />
          </div>
        </div>
      )}
      {menu && <ClipMenu clipId={menu.clipId} clips={clips} position={{ x: menu.x, y: menu.y }} onClose={closeMenu} />}
    </section>
  );
}

/** The playhead line; keeps itself in view while playing. */
function Playhead({ px, scroll }: { px: number; scroll: React.RefObject<HTMLDivElement | null> }) {
  const t = useApp((s) => s.playhead);
  const playing = useApp((s) => s.playing);
  const x = t * px;
  // the visible part of the track, kept from scroll and resize events: reading it in the frame
  // right after moving the playhead would force a layout of the whole track every frame
  const view = useRef({ left: 0, width: 0 });
  useEffect(() => {
    const el = scroll.current;
    if (!el) return;
    const read = () => (view.current = { left: el.scrollLeft, width: el.clientWidth });
    read();
    el.addEventListener('scroll', read, { passive: true });
    const ro = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(read);
    ro?.observe(el);
    return () => {
      el.removeEventListener('scroll', read);
      ro?.disconnect();
    };
  }, [scroll]);
  useEffect(() => {
    const el = scroll.current;
    const { left, width } = view.current;
    if (!el || !playing || width === 0) return;
    if (x > left + width - 40 || x < left) el.scrollLeft = Math.max(0, x - 40);
  }, [x, playing, scroll]);
  return <div className="playhead" data-testid="playhead" aria-hidden="true" style={{ transform: `translateX(${x}px)` }} />;
}

/**
 * The clip's context menu. It alone follows what decides its entries — the account, the balance,
 * the running jobs — so those changing never re-render the timeline or its clips.
 */
function ClipMenu({ clipId, clips, position, onClose }: { clipId: string; clips: Clip[]; position: { x: number; y: number }; onClose: (restore: boolean) => void }) {
  const store = useCutlineStore();
  const moveClip = useApp((s) => s.moveClip);
  const removeClip = useApp((s) => s.removeClip);
  useApp((s) => s.jobs);
  useApp((s) => s.app);
  useApp((s) => s.balance);
  useApp((s) => s.tools);
  const s = store.getState();
  const index = clips.findIndex((c) => c.id === clipId);
  const all = s.aiUnavailableReason();
  const run = (toolId: string) => void s.startAction(toolId, { clipId });
  const items: MenuItemSpec[] = [
    {
      id: 'ai-tools',
      label: 'AI Tools',
      disabled: all !== null,
      reason: all,
      submenu: toolItems(s, CLIP_TOOL_IDS, run, clipId),
    },
    {
      id: 'move-left',
      label: 'Move left',
      detail: 'Alt+←',
      disabled: index <= 0,
      separatorBefore: true,
      onSelect: () => moveClip(clipId, index - 1),
    },
    {
      id: 'move-right',
      label: 'Move right',
      detail: 'Alt+→',
      disabled: index < 0 || index >= clips.length - 1,
      onSelect: () => moveClip(clipId, index + 1),
    },
    {
      id: 'remove',
      label: 'Remove from timeline',
      detail: 'Del',
      separatorBefore: true,
      onSelect: () => removeClip(clipId),
    },
  ];
  return <Menu label="Clip" items={items} position={position} onClose={onClose} />;
}

/** What a clip asks of the timeline, by its id (stable for the timeline's lifetime). */
interface ClipActions {
  register(id: string, el: HTMLLIElement | null): void;
  select(id: string): void;
  contextMenu(id: string, x: number, y: number): void;
  keyDown(e: KeyboardEvent<HTMLLIElement>, id: string): void;
}

/**
 * One clip. Memoised on plain values — its clip object (a new one only when that clip is
 * edited), its place, zoom, selection — and it selects from the store only its own job and its
 * own imported media, so a job's progress re-renders that clip and no other.
 */
const TimelineClip = memo(function TimelineClip({
  clip,
  index,
  mediaStart,
  seconds: placedSeconds,
  px,
  selected,
  tabbable,
  tools,
  actions,
}: {
  clip: Clip;
  index: number;
  /** Media seconds where the clip starts playing, and how long it plays, as laid out. */
  mediaStart: number;
  seconds: number;
  px: number;
  selected: boolean;
  tabbable: boolean;
  tools: Tool[] | null;
  actions: ClipActions;
}) {
  const job = useApp((s) => s.jobForClip(clip.id));
  const trimClip = useApp((s) => s.trimClip);
  // the imported file, once the media list has it (samples are always known)
  const media = useApp((s) => s.library.find((m) => m.id === clip.mediaId)) ?? mediaById(clip.mediaId);
  const mediaDuration = mediaDurationOf(clip);
  const trimming = useRef<{ edge: 'in' | 'out'; x: number } | null>(null);
  const [preview, setPreview] = useState<{ inPoint: number; outPoint: number } | null>(null);
  const liRef = useCallback((el: HTMLLIElement | null) => actions.register(clip.id, el), [actions, clip.id]);
  const onSelect = () => actions.select(clip.id);

  const results = new Set(clip.effects).size;
  const shown = preview ?? { inPoint: mediaStart, outPoint: mediaStart + placedSeconds };
  const seconds = shown.outPoint - shown.inPoint;

  const handle = (edge: 'in' | 'out') => ({
    className: `trim-handle trim-${edge}`,
    'aria-hidden': true as const,
    'data-testid': `trim-${edge}`,
    onPointerDown: (e: PointerEvent<HTMLSpanElement>) => {
      e.stopPropagation();
      e.currentTarget.setPointerCapture?.(e.pointerId);
      trimming.current = { edge, x: e.clientX };
      onSelect();
    },
    onPointerMove: (e: PointerEvent<HTMLSpanElement>) => {
      const t = trimming.current;
      if (t) setPreview(trim(clip, mediaDuration, t.edge, (e.clientX - t.x) / px));
    },
    onPointerUp: (e: PointerEvent<HTMLSpanElement>) => {
      const t = trimming.current;
      trimming.current = null;
      setPreview(null);
      if (t && e.clientX !== t.x) trimClip(clip.id, trim(clip, mediaDuration, t.edge, (e.clientX - t.x) / px));
    },
  });

  return (
    <li
      ref={liRef}
      role="option"
      aria-selected={selected}
      tabIndex={tabbable ? 0 : -1}
      className={`clip ${selected ? 'selected' : ''} ${job ? 'busy' : ''} ${media?.kind === 'audio' ? 'clip-audio' : ''}`}
      data-clip-id={clip.id}
      style={{ width: Math.max(8, seconds * px) }}
      draggable
      onDragStart={(e) => {
        if (trimming.current) {
          e.preventDefault();
          return;
        }
        e.dataTransfer.setData(CLIP_DRAG_TYPE, clip.id);
        e.dataTransfer.effectAllowed = 'move';
        onSelect();
      }}
      onClick={onSelect}
      onContextMenu={(e) => {
        e.preventDefault();
        actions.contextMenu(clip.id, e.clientX, e.clientY);
      }}
      onKeyDown={(e) => actions.keyDown(e, clip.id)}
    >
      <span {...handle('in')} />
      <Thumb mediaId={clip.mediaId} effects={clip.effects} size="small" alt="" />
      {/* the option's name is its text, as seen, with what sight gives (its place, what runs on it) in words */}
      <span className="clip-name">{clip.name}</span>
      <span className="visually-hidden">, clip {index + 1},</span>
      <span className="clip-meta">
        {duration(seconds)}
        {clip.corrupt ? ' · damaged' : ''}
      </span>
      {results > 0 && <span className="visually-hidden">, {results === 1 ? '1 AI result:' : `${results} AI results:`}</span>}
      <EffectBadges effects={clip.effects} tools={tools} inline />
      {job && (
        <span className="clip-job">
          <span className="visually-hidden">, {job.toolName} running</span>
          {/* the Jobs panel's progress bar is the one a screen reader hears */}
          <progress max={1} value={job.progress} aria-hidden="true" data-testid="clip-progress" />
        </span>
      )}
      <span {...handle('out')} />
    </li>
  );
});
