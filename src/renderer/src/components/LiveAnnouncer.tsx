/**
 * The window's two live regions, always in the page (a region added together with its text is not
 * reliably announced): polite for the balance and the AI jobs, assertive for a job's trouble.
 * Each keeps its last few sentences as separate lines, so two things said at once are both heard
 * (a new line is an addition; nothing already read is read again). Visually hidden: the chip and
 * the job cards show the same facts.
 */
import { useEffect, useRef, useState } from 'react';
import { announcements } from '../announcements';
import { useCutlineStore } from '../store';

const KEPT = 4;

interface Line {
  id: number;
  text: string;
}

export function LiveAnnouncer() {
  const store = useCutlineStore();
  const [polite, setPolite] = useState<Line[]>([]);
  const [urgent, setUrgent] = useState<Line[]>([]);
  const next = useRef(0);
  useEffect(
    () =>
      store.subscribe((after, before) => {
        for (const a of announcements(before, after)) {
          const line = { id: next.current++, text: a.text };
          (a.urgent ? setUrgent : setPolite)((lines) => [...lines, line].slice(-KEPT));
        }
      }),
    [store],
  );
  return (
    <div className="visually-hidden">
      <div aria-live="polite" aria-relevant="additions text" data-testid="live-polite">
        {polite.map((l) => (
          <p key={l.id}>{l.text}</p>
        ))}
      </div>
      <div aria-live="assertive" aria-relevant="additions text" data-testid="live-assertive">
        {urgent.map((l) => (
          <p key={l.id}>{l.text}</p>
        ))}
      </div>
    </div>
  );
}
