/**
 * The app's own update, under the title bar: the download's progress, then *Restart to update*
 * or *Later*; while AI jobs run, that the restart waits for them. A check the user asked for says
 * how it went. The sentence is a polite live region (announced when it changes, not at every
 * percent: the progress bar carries the figure); focus never moves here by itself.
 */
import { useEffect, useState } from 'react';
import type { UpdateStatus } from '@cutline/contract/app-updates';
import { useApp } from '../store';

const jobs = (n: number) => (n === 1 ? 'your AI job finishes' : `your ${n} AI jobs finish`);

/** The banner's sentence for a status; null: nothing to show. */
export function updateSentence(u: UpdateStatus): string | null {
  switch (u.phase) {
    case 'downloading':
      return `Downloading Cutline ${u.version}…`;
    case 'ready':
      return u.deferred ? null : `Cutline ${u.version} is ready to install.`;
    case 'waiting-for-jobs':
      return `Cutline will restart to install ${u.version} when ${jobs(Math.max(1, u.runningJobs))}.`;
    case 'installing':
      return `Restarting to install Cutline ${u.version}…`;
    case 'up-to-date':
      return `Cutline ${u.currentVersion} is up to date.`;
    case 'error':
      return u.message;
    default:
      return null;
  }
}

export function UpdateBanner() {
  const update = useApp((s) => s.update);
  const restart = useApp((s) => s.restartToUpdate);
  const defer = useApp((s) => s.deferUpdate);
  const [problem, setProblem] = useState<string | null>(null);
  // a finished check's outcome can be put away; a new status brings the banner back
  const [dismissed, setDismissed] = useState<UpdateStatus | null>(null);
  useEffect(() => setProblem(null), [update?.phase]);

  const sentence = update && update !== dismissed ? updateSentence(update) : null;
  if (!update || !sentence) return null;
  const run = (action: () => Promise<string | null>) => () => void action().then(setProblem);
  const dismissable = update.phase === 'up-to-date' || update.phase === 'error';

  return (
    <section className="banner banner-update" aria-label="Cutline update" data-testid="update-banner" data-phase={update.phase}>
      <p className="banner-update-text" role="status">
        {sentence}
        {problem && <span className="banner-update-problem"> {problem}</span>}
      </p>
      {update.phase === 'downloading' && (
        <progress className="banner-update-progress" max={100} value={update.percent ?? 0} aria-label={`Downloading Cutline ${update.version}`}>
          {Math.round(update.percent ?? 0)}%
        </progress>
      )}
      {update.phase === 'downloading' && <span className="banner-update-percent" aria-hidden="true">{Math.round(update.percent ?? 0)}%</span>}
      {update.phase === 'ready' && (
        <span className="banner-update-actions">
          <button type="button" className="primary" onClick={run(restart)}>
            Restart to update
          </button>
          <button type="button" onClick={run(defer)} aria-label="Later: install the update the next time Cutline starts">
            Later
          </button>
        </span>
      )}
      {update.phase === 'waiting-for-jobs' && (
        <span className="banner-update-actions">
          <button type="button" onClick={run(defer)} aria-label="Not now: install the update the next time Cutline starts">
            Not now
          </button>
        </span>
      )}
      {dismissable && (
        <span className="banner-update-actions">
          <button type="button" onClick={() => setDismissed(update)}>
            Dismiss
          </button>
        </span>
      )}
    </section>
  );
}
