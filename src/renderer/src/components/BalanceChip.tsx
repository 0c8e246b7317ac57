/**
 * The live balance in the window chrome. Updated by every change main announces (main keeps the newest version);
 * its popover shows the split by type, every batch with its expiry, the next expiry, the credits
 * on hold and Pro uses, the exchange while the account can still exchange, and the credit alerts
 * (what holds now, on/off, a threshold). A badge on the chip while an alert holds; while the app
 * is not connected the balance is marked stale with when it was last synced and *Retry now*.
 * A team member's chip and details say what they can spend of the team's pool under their limit,
 * then their own credits; a team admin gets a badge for requests waiting for them (opens `/team`).
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { BalanceSnapshot } from '@cutline/contract/api';
import { CREDIT_TYPES, exchangeCredits } from '@cutline/contract/credit-types';
import type { HandoffPath } from '@cutline/contract/credit-types';
import { chipText, credits, date, expiryText, num, proUses, relativeFuture, TYPE_TITLE } from '../format';
import { balanceChipText, teamDetails } from '../team-share';
import { useApp } from '../store';
import { keepTabInside } from './Dialog';

/** The chip's element id: where the focus goes once a sign-in replaced the Sign in button. */
export const BALANCE_CHIP_ID = 'balance-chip';

export function BalanceChip() {
  const signedIn = useApp((s) => s.app?.account != null);
  const balance = useApp((s) => s.balance);
  const alerts = useApp((s) => s.app?.alerts.active.length ?? 0);
  const stale = useApp((s) => s.app != null && s.app.connection !== 'online');
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const popoverId = useId();
  const hasBalance = balance !== null;
  useEffect(() => {
    if (hasBalance && performance.getEntriesByName('cutline:balance').length === 0) performance.mark('cutline:balance');
  }, [hasBalance]);

  if (!signedIn) return null;
  const text = balance ? balanceChipText(balance) : 'Balance…';
  const alertWords = alerts > 0 ? ` ${alerts} credit ${alerts === 1 ? 'alert' : 'alerts'}.` : '';
  // the visible text first (its accessible name must contain it); a member with a limit: then the whole sentence and their own credits
  const words = balance?.limit ? `Balance: ${text}. ${teamDetails(balance).pool} ${teamDetails(balance).own}` : balance ? `Balance: ${chipText(balance)}.` : '';
  const label = balance ? `${words.replace(/\.$/, '')}${stale ? ' (not up to date)' : ''}.${alertWords} Show details` : 'Balance loading';

  return (
    <div className="chip-wrap">
      <button
        ref={buttonRef}
        id={BALANCE_CHIP_ID}
        type="button"
        className={`chip${stale ? ' chip-stale' : ''}`}
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
        {/* a word break between the figures, for what reads the text (the flex gap shows it) */}
        {alerts > 0 && ' '}
        {alerts > 0 && (
          <span className="chip-badge" data-testid="alert-badge" aria-hidden="true">
            {alerts}
          </span>
        )}
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
  const account = useApp((s) => s.app?.account ?? null);
  const [error, setError] = useState<string | null>(null);
  const titleId = useId();
  const usesLeft = balance?.proUses?.remaining ?? account?.proUses?.remaining ?? 0;
  const canExchange = account !== null && account.proUses !== null && !account.exchanged && usesLeft > 0;

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
          return;
        }
        // like a dialog: Tab stays inside until Esc (or a click outside) closes it
        keepTabInside(e, ref.current!);
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
          {account?.teamId && (
            <div className="popover-team" data-testid="team-share">
              <p>{teamDetails(balance).pool}</p>
              <p>{teamDetails(balance).own}</p>
            </div>
          )}
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
              : balance.total === 0
                ? 'You have no credits right now.'
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
      {canExchange && (
        <div className="popover-exchange" data-testid="exchange-entry">
          <p>
            Switch your {proUses(usesLeft)} to {credits(exchangeCredits(usesLeft))} you can spend on any AI tool.
          </p>
          <button type="button" onClick={() => void go('/exchange')}>
            Exchange Pro uses for credits
          </button>
        </div>
      )}
      <AlertSettings />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="popover-actions">
        {account?.team && (
          <button type="button" onClick={() => void go('/team')}>
            Team page
          </button>
        )}
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

/** The credit alerts that hold now, and their settings. */
function AlertSettings() {
  const alerts = useApp((s) => s.app?.alerts ?? null);
  const save = useApp((s) => s.setAlertSettings);
  const [threshold, setThreshold] = useState(alerts?.lowBalanceThreshold?.toString() ?? '');
  const [message, setMessage] = useState<string | null>(null);
  const fieldId = useId();
  if (!alerts) return null;

  const saveThreshold = async () => {
    const text = threshold.trim();
    if (text === '') {
      setMessage(await save({ lowBalanceThreshold: null }));
      return;
    }
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000) {
      setMessage('Enter a whole number of credits from 1 to 1,000,000, or leave it empty.');
      return;
    }
    setMessage(await save({ lowBalanceThreshold: n }));
  };

  return (
    <section className="popover-alerts" aria-label="Credit alerts">
      <h3 className="popover-sub">Alerts</h3>
      {alerts.active.length > 0 && (
        <ul className="alerts-active" data-testid="active-alerts">
          {alerts.active.map((a) => (
            <li key={a.key} className={`alert-${a.kind}`}>
              {a.text}
            </li>
          ))}
        </ul>
      )}
      <label className="check">
        <input
          type="checkbox"
          checked={alerts.enabled}
          onChange={(e) => void save({ enabled: e.target.checked }).then(setMessage)}
        />
        Alert me when credits are about to expire or run low
      </label>
      <form
        className="threshold"
        onSubmit={(e) => {
          e.preventDefault();
          void saveThreshold();
        }}
      >
        <label htmlFor={fieldId}>Also alert below</label>
        <input
          id={fieldId}
          type="text"
          inputMode="numeric"
          placeholder="credits"
          value={threshold}
          disabled={!alerts.enabled}
          onChange={(e) => setThreshold(e.target.value)}
        />
        <button type="submit" disabled={!alerts.enabled}>
          Save
        </button>
      </form>
      {message && (
        <p className="error" role="alert">
          {message}
        </p>
      )}
    </section>
  );
}

/** While not connected: when the balance was last known current, and Retry now. */
export function StaleBalance() {
  const app = useApp((s) => s.app);
  const retry = useApp((s) => s.retryNow);
  const [busy, setBusy] = useState(false);
  // offline, or reconnecting after a drop (a first connect has nothing stale to show yet)
  if (!app?.account || app.connection === 'online' || (app.connection === 'connecting' && !app.lastSyncedAt)) return null;
  return (
    <span className="stale" data-testid="stale-balance">
      <span className="stale-text">
        {app.lastSyncedAt ? `Last synced ${syncedTime(app.lastSyncedAt)}` : 'Not synced yet'}
      </span>
      <button
        type="button"
        className="link"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void retry().finally(() => setBusy(false));
        }}
      >
        Retry now
      </button>
    </span>
  );
}

const timeFmt = new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit', second: '2-digit' });

function syncedTime(iso: string): string {
  const t = new Date(iso);
  const today = new Date().toDateString() === t.toDateString();
  return today ? `at ${timeFmt.format(t)}` : `on ${date(iso)}, ${timeFmt.format(t)}`;
}

/** A team admin's badge: requests for more credits waiting for them; opens the team page, signed in. */
export function TeamRequestsBadge() {
  const pending = useApp((s) => s.app?.pendingLimitRequests ?? 0);
  const admin = useApp((s) => s.app?.account?.team?.role === 'owner' || s.app?.account?.team?.role === 'admin');
  const openWeb = useApp((s) => s.openWeb);
  const notify = useApp((s) => s.notify);
  if (!admin || pending <= 0) return null;
  const words = `${num(pending)} ${pending === 1 ? 'request' : 'requests'} for more credits`;
  return (
    <button
      type="button"
      className="team-requests"
      data-testid="team-requests-badge"
      aria-label={`${words} waiting for you. Open the team page`}
      onClick={() =>
        void openWeb('/team').then((e) => {
          if (e) notify('error', e);
        })
      }
    >
      <span className="chip-badge" aria-hidden="true">
        {pending}
      </span>{' '}
      {pending === 1 ? 'request' : 'requests'}
    </button>
  );
}
