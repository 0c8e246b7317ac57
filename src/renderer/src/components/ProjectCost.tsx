/**
 * The project bar's "This project: 85 credits · 6 AI actions" — what the open project has cost so
 * far on this account, live — and, one click on it, the cost by tool.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { costLine } from '../format';
import { useApp } from '../store';

export function ProjectCost() {
  const cost = useApp((s) => s.projectCost);
  const signedIn = useApp((s) => s.app?.account != null);
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const wrap = useRef<HTMLSpanElement>(null);

  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => {
      if (wrap.current && !wrap.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [open]);

  if (!signedIn || !cost) return null;
  const usage = cost.usage;
  if (!usage) {
    return (
      <span className="project-cost muted" role="status">
        {cost.error ?? 'This project: …'}
      </span>
    );
  }
  return (
    <span
      className="project-cost"
      ref={wrap}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          setOpen(false);
        }
      }}
    >
      <button type="button" className="link" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen((o) => !o)} data-testid="project-cost">
        This project: {costLine(usage.total)}
      </button>
      {open && (
        <div id={panelId} className="popover project-cost-panel" role="region" aria-label="This project's cost by tool">
          <p className="panel-title">Cost by tool</p>
          {usage.rows.length === 0 ? (
            <p className="empty">No AI action in this project has been charged yet.</p>
          ) : (
            <ul>
              {usage.rows.map((r) => (
                <li key={r.key ?? ''} data-testid="project-cost-row">
                  <span>{r.label}</span> <span className="muted">{costLine(r)}</span>
                </li>
              ))}
            </ul>
          )}
          <p className="muted small">Only AI actions that succeeded count; Pro uses count as actions, not credits.</p>
          {cost.error && <p className="error">{cost.error}</p>}
        </div>
      )}
    </span>
  );
}
