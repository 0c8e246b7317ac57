/**
 * Toasts: deep-link notices (signed in, purchase, exchange), results and errors, each a plain
 * sentence. The same sentence again collapses into one toast with a count; each goes by itself
 * (info after a few seconds, an error later); *Dismiss all* clears them. They sit at the bottom
 * right, over the timeline's empty end, never over a panel's heading. Errors come first, each an
 * alert (assertive); the others sit in a polite live region.
 */
import { useApp } from '../store';
import type { UiNotice } from '../store/types';

export function Notices() {
  const notices = useApp((s) => s.notices);
  const dismissAll = useApp((s) => s.dismissAllNotices);
  return (
    <section className="notices" aria-label="Notifications" data-testid="notices">
      {notices.length > 1 && (
        <button type="button" className="notices-clear" onClick={dismissAll}>
          Dismiss all
        </button>
      )}
      {/* errors first, each an alert of its own (assertive) */}
      {notices
        .filter((n) => n.kind === 'error')
        .map((n) => (
          <NoticeToast key={n.id} notice={n} />
        ))}
      {/* always there, so a screen reader hears each toast added to it, politely */}
      <div className="notices-list" aria-live="polite" aria-relevant="additions text">
        {notices
          .filter((n) => n.kind !== 'error')
          .map((n) => (
            <NoticeToast key={n.id} notice={n} />
          ))}
      </div>
    </section>
  );
}

function NoticeToast({ notice }: { notice: UiNotice }) {
  const dismiss = useApp((s) => s.dismissNotice);
  return (
    <div className={`notice notice-${notice.kind}`} role={notice.kind === 'error' ? 'alert' : undefined} data-testid="notice">
      <span>
        {notice.text}
        {notice.count > 1 && (
          <span className="notice-count" data-testid="notice-count" aria-label={`${notice.count} times`}>
            {' '}
            ×{notice.count}
          </span>
        )}
      </span>
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
