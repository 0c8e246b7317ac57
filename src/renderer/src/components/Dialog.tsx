/**
 * A modal dialog: focus moves in, stays in (Tab / Shift+Tab cycle), Esc cancels, and focus goes
 * back where it was when the dialog closes.
 */
import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function focusables(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => !el.hasAttribute('inert'));
}

/** Tab / Shift+Tab on the last / first focusable element of `root` wrap around inside it. */
export function keepTabInside(e: KeyboardEvent<HTMLElement>, root: HTMLElement): void {
  if (e.key !== 'Tab') return;
  const items = focusables(root);
  if (items.length === 0) {
    e.preventDefault();
    return;
  }
  const first = items[0];
  const last = items[items.length - 1];
  const active = document.activeElement;
  if (e.shiftKey && (active === first || active === root || !root.contains(active))) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (active === last || !root.contains(active))) {
    e.preventDefault();
    first.focus();
  }
}

export interface DialogProps {
  title: string;
  onCancel: () => void;
  children: ReactNode;
  /** Buttons row. */
  actions?: ReactNode;
  /** alertdialog for questions that need an answer (spend, not enough credits). */
  role?: 'dialog' | 'alertdialog';
  className?: string;
  /** Id of the element that describes the dialog (its main sentence). */
  describedBy?: string;
}

export function Dialog({ title, onCancel, children, actions, role = 'dialog', className, describedBy }: DialogProps) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const cancelRef = useRef(onCancel);
  cancelRef.current = onCancel;

  useEffect(() => {
    const root = ref.current!;
    const previous = document.activeElement as HTMLElement | null;
    const initial = root.querySelector<HTMLElement>('[data-autofocus]:not([disabled])') ?? focusables(root)[0] ?? root;
    initial.focus();
    // Keep focus inside even when something outside tries to take it.
    const onFocusIn = (e: FocusEvent) => {
      if (e.target instanceof Node && !root.contains(e.target)) (focusables(root)[0] ?? root).focus();
    };
    document.addEventListener('focusin', onFocusIn);
    return () => {
      document.removeEventListener('focusin', onFocusIn);
      if (previous && previous.isConnected) previous.focus();
    };
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      cancelRef.current();
      return;
    }
    keepTabInside(e, ref.current!);
  };

  return (
    <div className="modal-backdrop">
      <div
        ref={ref}
        className={`dialog ${className ?? ''}`}
        role={role}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={describedBy}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId} className="dialog-title">
          {title}
        </h2>
        <div className="dialog-body">{children}</div>
        {actions && <div className="dialog-actions">{actions}</div>}
      </div>
    </div>
  );
}

/**
 * "Are you sure?" before something that cannot be undone: *Keep it* (focused, and what Esc does)
 * beside the destructive action. `children` says what will be lost.
 */
export function DangerDialog({ title, confirmLabel, onConfirm, onCancel, children }: { title: string; confirmLabel: string; onConfirm: () => void; onCancel: () => void; children: ReactNode }) {
  const textId = useId();
  return (
    <Dialog
      title={title}
      role="alertdialog"
      describedBy={textId}
      onCancel={onCancel}
      actions={
        <>
          <button type="button" data-autofocus onClick={onCancel}>
            Keep it
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => {
              onCancel();
              onConfirm();
            }}
          >
            {confirmLabel}
          </button>
        </>
      }
    >
      <div id={textId}>{children}</div>
    </Dialog>
  );
}
