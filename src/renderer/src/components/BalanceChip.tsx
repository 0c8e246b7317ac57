/**
 * The live balance in the window chrome. Updated by every pushed snapshot (newest version wins);
 * its popover shows the split by type, every batch with its expiry, the next expiry, the credits
 * on hold and Pro uses.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { BalanceSnapshot } from '@cutline/contract/api';
import { CREDIT_TYPES } from '@cutline/contract/credit-types';
import type { HandoffPath } from '@cutline/contract/credit-types';
import { chipText, credits, date, expiryText, num, proUses, relativeFuture, TYPE_TITLE } from '../format';
import { useApp } from '../store';

export function BalanceChip() {
  const signedIn = useApp((s) => s.app?.account != null);
  const balance = useApp((s) => s.balance);
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const popoverId = useId();
  const hasBalance = balance !== null;
  useEffect(() => {
    if (hasBalance && performance.getEntriesByName('cutline:balance').length === 0) performance.mark('cutline:balance');
  }, [hasBalance]);

  if (!signedIn) return null;
  const text = balance ? chipText(balance) : 'Balance…';
  const label = balance ? `Balance: ${chipText(balance)}. Show details` : 'Balance loading';

  return (
    <div className="chip-wrap">
      <button
        ref={buttonRef}
        type="button"
        className="chip"
        aria-label={label}
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? popoverId : undefined}
        data-testid="balance-chip"
        data-version={balance?.version}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="chip-icon" aria-hidden="true">
          ◆
        </span>
        {/* Re-mounted on each new version so the change flashes. */}
        <span key={balance?.version ?? 'none'} className="chip-text" data-testid="balance-chip-text">
          {text}
        </span>
      </button>
      {open && (
        <BalancePopover
          id={popoverId}
          balance={balance}
          onClose={(refocus) => {
            setOpen(false);
            if (refocus) buttonRef.current?.focus();
          }}
          anchor={buttonRef}
        />
      )}
    </div>
  );
}

function BalancePopover({
  id,
  balance,
  onClose,
  anchor,
}: {
  id: string;
  balance: BalanceSnapshot | null;
  onClose: (refocus: boolean) => void;
  anchor: React.RefObject<HTMLButtonElement | null>;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const openWeb = useApp((s) => s.openWeb);
  const [error, setError] = useState<string | null>(null);
  const titleId = useId();

  useEffect(() => {
    ref.current?.focus();
  }, []);

  useEffect(() => {
    const onDown = (e: MouseEvent) => {
      const t = e.target as Node;
      if (ref.current?.contains(t) || anchor.current?.contains(t)) return;
      onClose(false);
    };
    document.addEventListener('mousedown', onDown, true);
    return () => document.removeEventListener('mousedown', onDown, true);
  }, [onClose, anchor]);

  const go = async (path: HandoffPath) => {
    const e = await openWeb(path);
    setError(e);
    if (!e) onClose(true);
  };

  return (
    <div
      ref={ref}
      id={id}
      className="popover balance-popover"
      role="dialog"
      aria-labelledby={titleId}
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose(true);
        }
      }}
    >
      <h2 id={titleId} className="popover-title">
        Your credits
      </h2>
      {!balance ? (
        <p>Loading your balance…</p>
      ) : (
        <>
          <p className="popover-total">
            <strong>{credits(balance.total)}</strong> available
          </p>
          {balance.proUses && (
            <p className="popover-prouses" data-testid="pro-uses">
              {proUses(balance.proUses.remaining)} left of {num(balance.proUses.perCycle)} this cycle
            </p>
          )}
          <dl className="split" aria-label="By type">
            {CREDIT_TYPES.map((t) => (
              <div key={t} className={`split-row type-${t}`}>
                <dt>{TYPE_TITLE[t]}</dt>
                <dd>{num(balance.byType[t])}</dd>
              </div>
            ))}
            <div className="split-row held">
              <dt>On hold</dt>
              <dd>{num(balance.held)}</dd>
            </div>
          </dl>
          <p className="next-expiry">
            {balance.nextExpiry
              ? `Next expiry: ${credits(balance.nextExpiry.amount)} on ${date(balance.nextExpiry.at)} (${relativeFuture(balance.nextExpiry.at)})`
              : 'None of your credits expire.'}
          </p>
          {balance.batches.length > 0 && (
            <>
              <h3 className="popover-sub">Batches</h3>
              <ul className="batches">
                {balance.batches.map((b) => (
                  <li key={b.id} className={`batch type-${b.type}`}>
                    <span className="batch-amount">{credits(b.remaining)}</span>
                    <span className="batch-type">
                      {TYPE_TITLE[b.type]}
                      {b.scope === 'team' ? ' · team' : ''}
                    </span>
                    <span className="batch-expiry">{expiryText(b.expiresAt)}</span>
                  </li>
                ))}
              </ul>
            </>
          )}
          {balance.held > 0 && (
            <p className="hint">Credits on hold belong to AI jobs in progress; they return if a job fails or is cancelled.</p>
          )}
        </>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="popover-actions">
        <button type="button" onClick={() => void go('/credits')}>
          Details on the web
        </button>
        <button type="button" className="primary" onClick={() => void go('/store')}>
          Buy credits
        </button>
      </div>
    </div>
  );
}
