/**
 * Running and finished AI jobs: progress, Cancel, what happened to the credits, Retry on a failed
 * job (priced and confirmed again: a new charge), and Clear for every finished card (they also
 * clear themselves after a while).
 */
import { useApp } from '../store';
import type { Job } from '../store/types';

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
      <ul>
        {jobs.map((j) => (
          <li key={j.id} className={`job job-${j.status}`} data-testid="job" data-status={j.status}>
            <div className="job-head">
              <span className="job-title">
                {j.toolName} <span className="job-label">· {j.label}</span>
              </span>
              <span className="job-status">{STATUS[j.status]}</span>
            </div>
            {(j.status === 'running' || j.status === 'capturing') && (
              <progress max={1} value={j.progress} aria-label={`${j.toolName} on ${j.label}`} />
            )}
            <p className="job-message" role="status">
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
