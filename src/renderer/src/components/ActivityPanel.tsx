/** Recent credit activity from every device, live as pushes arrive. */
import { useMemo } from 'react';
import { activityDirection, activityLabel, dateTime, groupActivity, PLATFORM_LABEL, refundNote, signedAmount, TYPE_LABEL } from '../format';
import { useApp } from '../store';
import { toolName } from '../tools';

export const ACTIVITY_TITLE_ID = 'activity-title';

export function ActivityPanel() {
  const signedIn = useApp((s) => s.app?.account != null);
  const me = useApp((s) => s.app?.account?.id ?? null);
  const ledger = useApp((s) => s.ledger);
  const next = useApp((s) => s.ledgerNext);
  const loading = useApp((s) => s.ledgerLoading);
  const error = useApp((s) => s.ledgerError);
  const tools = useApp((s) => s.tools);
  const load = useApp((s) => s.loadLedger);
  const rows = useMemo(() => groupActivity(ledger), [ledger]);

  return (
    <section className="panel activity" aria-labelledby={ACTIVITY_TITLE_ID}>
      {/* focusable by script: where the focus goes when the last AI job card it was on goes */}
      <h2 id={ACTIVITY_TITLE_ID} className="panel-title" tabIndex={-1}>
        Activity
      </h2>
      {!signedIn ? (
        <p className="empty">Sign in to see your credit activity from every device.</p>
      ) : (
        <>
          {error && (
            <p className="error" role="alert">
              {error}{' '}
              <button type="button" className="link" onClick={() => void load()}>
                Try again
              </button>
            </p>
          )}
          {rows.length === 0 && !loading && !error && <p className="empty">No credit activity yet.</p>}
          <ol className="activity-list" aria-label="Recent credit activity">
            {rows.map((r) => {
              const dir = activityDirection(r);
              const note = refundNote(r);
              return (
              <li key={r.id} className={`activity-row kind-${r.kind}`} data-testid="activity-row" data-charge={r.chargeId ?? undefined}>
                <div className="activity-main">
                  <span className="activity-kind">{activityLabel(r)}</span>
                  <span className={`activity-amount dir-${dir}`}>{signedAmount(r.amount, r.unit, dir)}</span>
                </div>
                <div className="activity-meta">
                  {r.member && r.member.id !== me && (
                    <span className="activity-member" data-testid="activity-member" title={r.member.email}>
                      {r.member.email}
                    </span>
                  )}
                  {r.tool && <span className="activity-tool">{toolName(r.tool, tools)}</span>}
                  {r.project && (
                    <span className="activity-project" data-testid="activity-project" title={`Project: ${r.project.name}`}>
                      {r.project.name}
                    </span>
                  )}
                  {r.types.length > 0 && <span className="activity-types">{r.types.map((t) => TYPE_LABEL[t]).join(', ')}</span>}
                  {r.platform && <span className="activity-device">{PLATFORM_LABEL[r.platform]}</span>}
                  <time dateTime={r.at}>{dateTime(r.at)}</time>
                </div>
                {note && (
                  <p className="activity-note" data-testid="activity-note">
                    {note}
                  </p>
                )}
              </li>
              );
            })}
          </ol>
          {next && (
            <button type="button" className="link" disabled={loading} onClick={() => void load(true)}>
              {loading ? 'Loading…' : 'Show older'}
            </button>
          )}
        </>
      )}
    </section>
  );
}
