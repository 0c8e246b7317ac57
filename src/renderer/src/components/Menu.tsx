/**
 * A context / dropdown menu with submenus, following the WAI-ARIA menu pattern:
 * ↑/↓ (wrapping), Home/End, → or Enter opens a submenu, ← or Esc closes it, Enter/Space
 * activates, Esc closes the menu, Tab leaves it. Disabled items stay focusable so their reason
 * can be read, but do nothing.
 */
import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';

export interface MenuItemSpec {
  id: string;
  label: string;
  /** Right-aligned detail: a price or a shortcut. */
  detail?: string;
  disabled?: boolean;
  /** Why it is disabled, shown under the label. */
  reason?: string | null;
  submenu?: MenuItemSpec[];
  onSelect?: () => void;
  separatorBefore?: boolean;
}

export interface MenuProps {
  label: string;
  items: MenuItemSpec[];
  /** Viewport coordinates of the menu's top-left corner. */
  position: { x: number; y: number };
  /** `restoreFocus` is false when the menu closed because focus or a click went elsewhere. */
  onClose: (restoreFocus: boolean) => void;
  className?: string;
  /** The button that opened the menu: a press on it toggles, so it is not an outside click. */
  anchor?: React.RefObject<HTMLElement | null>;
}

export function Menu({ label, items, position, onClose, className, anchor }: MenuProps) {
  const rootRef = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState(position);

  // Keep the menu inside the window.
  useLayoutEffect(() => {
    const el = rootRef.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    const vw = window.innerWidth || 1024;
    const vh = window.innerHeight || 768;
    const x = Math.max(4, Math.min(position.x, vw - r.width - 4));
    const y = Math.max(4, Math.min(position.y, vh - r.height - 4));
    if (x !== pos.x || y !== pos.y) setPos({ x, y });
  }, [position.x, position.y]);

  useEffect(() => {
    const onDown = (e: MouseEvent) => {
      if (!(e.target instanceof Node) || !rootRef.current) return;
      if (rootRef.current.contains(e.target) || anchor?.current?.contains(e.target)) return;
      onClose(false);
    };
    const onBlur = () => onClose(false);
    document.addEventListener('mousedown', onDown, true);
    window.addEventListener('blur', onBlur);
    window.addEventListener('resize', onBlur);
    return () => {
      document.removeEventListener('mousedown', onDown, true);
      window.removeEventListener('blur', onBlur);
      window.removeEventListener('resize', onBlur);
    };
  }, [onClose, anchor]);

  return (
    <div ref={rootRef} className={`menu-root ${className ?? ''}`} style={{ left: pos.x, top: pos.y }}>
      <MenuList label={label} items={items} onCloseAll={onClose} />
    </div>
  );
}

interface MenuListProps {
  label: string;
  items: MenuItemSpec[];
  onCloseAll: (restoreFocus: boolean) => void;
  /** Present on a submenu: closes it and returns focus to its parent item. */
  onCloseSelf?: () => void;
}

function MenuList({ label, items, onCloseAll, onCloseSelf }: MenuListProps) {
  const [active, setActive] = useState(0);
  const [openSub, setOpenSub] = useState<number | null>(null);
  const itemRefs = useRef<Array<HTMLLIElement | null>>([]);
  const listRef = useRef<HTMLUListElement>(null);
  const [flip, setFlip] = useState(false);
  const [shiftUp, setShiftUp] = useState(0);
  const idBase = useId();

  useEffect(() => {
    itemRefs.current[0]?.focus();
  }, []);

  // A submenu that would leave the window opens to the left instead, and moves up to fit.
  useLayoutEffect(() => {
    if (!onCloseSelf || !listRef.current) return;
    const r = listRef.current.getBoundingClientRect();
    if (r.right > (window.innerWidth || 1024)) setFlip(true);
    const overflow = r.bottom - (window.innerHeight || 768) + 4;
    if (overflow > 0) setShiftUp(Math.min(overflow, Math.max(0, r.top - 4)));
  }, [onCloseSelf]);

  const focusItem = (i: number) => {
    setActive(i);
    itemRefs.current[i]?.focus();
  };

  const activate = (i: number) => {
    const it = items[i];
    if (!it || it.disabled) return;
    if (it.submenu) {
      setActive(i);
      setOpenSub(i);
      return;
    }
    onCloseAll(true);
    it.onSelect?.();
  };

  const closeSub = () => {
    const i = openSub;
    setOpenSub(null);
    if (i !== null) focusItem(i);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    const n = items.length;
    let handled = true;
    switch (e.key) {
      case 'ArrowDown':
        focusItem((active + 1) % n);
        break;
      case 'ArrowUp':
        focusItem((active - 1 + n) % n);
        break;
      case 'Home':
        focusItem(0);
        break;
      case 'End':
        focusItem(n - 1);
        break;
      case 'ArrowRight':
        if (items[active]?.submenu && !items[active].disabled) setOpenSub(active);
        break;
      case 'ArrowLeft':
        if (onCloseSelf) onCloseSelf();
        break;
      case 'Enter':
      case ' ':
        activate(active);
        break;
      case 'Escape':
        if (onCloseSelf) onCloseSelf();
        else onCloseAll(true);
        break;
      case 'Tab':
        onCloseAll(true);
        break;
      case 'ContextMenu':
        break;
      default:
        handled = false;
    }
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  };

  return (
    <ul
      ref={listRef}
      role="menu"
      aria-label={label}
      className={`menu ${onCloseSelf ? 'submenu' : ''} ${flip ? 'flip' : ''}`}
      style={shiftUp ? { marginTop: -shiftUp } : undefined}
      onKeyDown={onKeyDown}
    >
      {items.map((it, i) => {
        const reasonId = it.reason ? `${idBase}-r${i}` : undefined;
        return (
          <li
            key={it.id}
            ref={(el) => {
              itemRefs.current[i] = el;
            }}
            role="menuitem"
            tabIndex={-1}
            aria-disabled={it.disabled || undefined}
            aria-haspopup={it.submenu ? 'menu' : undefined}
            aria-expanded={it.submenu ? openSub === i : undefined}
            aria-describedby={reasonId}
            className={`menu-item ${it.separatorBefore ? 'sep' : ''} ${it.disabled ? 'disabled' : ''} ${openSub === i ? 'open' : ''}`}
            onMouseEnter={() => {
              focusItem(i);
              setOpenSub(it.submenu && !it.disabled ? i : null);
            }}
            onClick={(e) => {
              // Clicks inside a submenu are handled there.
              if (e.target instanceof Node && e.currentTarget !== e.target && !isOwnRow(e.currentTarget, e.target)) return;
              activate(i);
            }}
            data-tool={it.id}
          >
            <span className="menu-row">
              <span className="menu-label">{it.label}</span>
              {it.detail && <span className="menu-detail">{it.detail}</span>}
              {it.submenu && <span className="menu-arrow" aria-hidden="true">▸</span>}
            </span>
            {it.reason && (
              <span id={reasonId} className="menu-reason">
                {it.reason}
              </span>
            )}
            {it.submenu && openSub === i && (
              <MenuList label={it.label} items={it.submenu} onCloseAll={onCloseAll} onCloseSelf={closeSub} />
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** Whether `target` is part of the item's own row (not of a submenu nested in it). */
function isOwnRow(li: HTMLElement, target: Node): boolean {
  const sub = li.querySelector(':scope > ul');
  return !(sub && sub.contains(target));
}
