/**
 * Running and finished AI jobs: progress, Cancel, what happened to the credits, Retry on a failed
 * job (priced and confirmed again: a new charge), and Clear for every finished card (they also
 * clear themselves after a while).
 */
import { useLayoutEffect, useRef } from 'react';
import { useApp } from '../store';
import type { Job } from '../store/types';
import { ACTIVITY_TITLE_ID } from './ActivityPanel';

const STATUS: Record<Job['status'], string> = {
  running: 'Running',
  capturing: 'Finishing',
  releasing: 'Returning credits',
  waiting: 'Waiting for the service',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
  error: 'Problem',
};

export function JobsPanel() {
  const jobs = useApp((s) => s.jobs);
  const cancel = useApp((s) => s.cancelJob);
  const dismiss = useApp((s) => s.dismissJob);
  const retry = useApp((s) => s.retryJob);
  const clear = useApp((s) => s.clearFinishedJobs);
  const cards = useRef(new Map<string, HTMLLIElement>());
  // the card the keyboard focus is in (and where it stood), while it is in one
  const focused = useRef<{ id: string; index: number } | null>(null);
  // A card's buttons change with its status (Cancel → Dismiss) and cards go (Dismiss, Clear,
  // Retry): when the focused button went with them, the focus moves to its card, else to the
  // card now in its place, else to the Activity heading — never to nowhere.
  useLayoutEffect(() => {
    const was = focused.current;
    if (!was || (document.activeElement && document.activeElement !== document.body)) return;
    const same = cards.current.get(was.id);
    const near = jobs[Math.min(was.index, jobs.length - 1)];
    const target = same ?? (near ? cards.current.get(near.id) : undefined) ?? document.getElementById(ACTIVITY_TITLE_ID);
    focused.current = same ? was : near ? { id: near.id, index: Math.min(was.index, jobs.length - 1) } : null;
    target?.focus();
  });
  if (jobs.length === 0) return null;
  const finished = jobs.filter((j) => j.status === 'done' || j.status === 'failed' || j.status === 'cancelled' || j.status === 'error').length;
  return (
    <section className="jobs" aria-labelledby="jobs-title">
      <div className="panel-head">
        <h2 id="jobs-title" className="panel-title">
          AI jobs
        </h2>
        {finished > 0 && (
          <button type="button" className="link" onClick={clear} aria-label={`Clear ${finished} finished ${finished === 1 ? 'job' : 'jobs'}`}>
            Clear
          </button>
        )}
      </div>
      <ul
        onFocus={(e) => {
          const li = (e.target as HTMLElement).closest<HTMLLIElement>('li[data-job]');
          const index = li ? jobs.findIndex((j) => j.id === li.dataset.job) : -1;
          focused.current = index >= 0 ? { id: jobs[index].id, index } : null;
        }}
        onBlur={(e) => {
          // focus moved on by the user (a removed button blurs with no next element)
          if (e.relatedTarget && !e.currentTarget.contains(e.relatedTarget as Node)) focused.current = null;
        }}
      >
        {jobs.map((j) => (
          <li
            key={j.id}
            ref={(el) => {
              if (el) cards.current.set(j.id, el);
              else cards.current.delete(j.id);
            }}
            tabIndex={-1}
            className={`job job-${j.status}`}
            data-testid="job"
            data-job={j.id}
            data-status={j.status}
          >
            <div className="job-head">
              <span className="job-title">
                {j.toolName} <span className="job-label">· {j.label}</span>
              </span>
              <span className="job-status">{STATUS[j.status]}</span>
            </div>
            {(j.status === 'running' || j.status === 'capturing') && (
              <progress max={1} value={j.progress} aria-label={`${j.toolName} on ${j.label}`} />
            )}
            {/* said by the window's live region (LiveAnnouncer) when it changes */}
            <p className="job-message">
              {j.message ?? ''}
            </p>
            <div className="job-actions">
              {j.status === 'running' ? (
                <button type="button" onClick={() => void cancel(j.id)}>
                  Cancel
                </button>
              ) : j.status === 'done' || j.status === 'failed' || j.status === 'cancelled' || j.status === 'error' ? (
                <>
                  {j.status === 'failed' && (
                    <button type="button" className="primary" aria-label={`Retry ${j.toolName} on ${j.label}`} onClick={() => void retry(j.id)}>
                      Retry
                    </button>
                  )}
                  <button type="button" aria-label={`Dismiss ${j.toolName} on ${j.label}`} onClick={() => dismiss(j.id)}>
                    Dismiss
                  </button>
                </>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
