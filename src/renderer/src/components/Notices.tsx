/** Toasts: deep-link notices (signed in, purchase, exchange) and errors, each a plain sentence. */
import { useEffect } from 'react';
import { useApp } from '../store';
import type { UiNotice } from '../store/types';

const AUTO_DISMISS_MS = 8000;

export function Notices() {
  const notices = useApp((s) => s.notices);
  return (
    <div className="notices" aria-label="Notifications">
      {notices.map((n) => (
        <NoticeToast key={n.id} notice={n} />
      ))}
    </div>
  );
}

function NoticeToast({ notice }: { notice: UiNotice }) {
  const dismiss = useApp((s) => s.dismissNotice);
  useEffect(() => {
    if (notice.kind === 'error') return;
    const t = setTimeout(() => dismiss(notice.id), AUTO_DISMISS_MS);
    return () => clearTimeout(t);
  }, [notice, dismiss]);
  return (
    <div className={`notice notice-${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid="notice">
      <span>{notice.text}</span>
      {notice.action && (
        <button
          type="button"
          className="notice-action"
          onClick={() => {
            notice.action!.run();
            dismiss(notice.id);
          }}
        >
          {notice.action.label}
        </button>
      )}
      <button type="button" className="notice-close" aria-label="Dismiss notification" onClick={() => dismiss(notice.id)}>
        ×
      </button>
    </div>
  );
}
