/** Window chrome: brand, project switcher, connection, balance, account. */
import { useLayoutEffect, useRef } from 'react';
import { useApp } from '../store';
import { BALANCE_CHIP_ID, BalanceChip, StaleBalance, TeamRequestsBadge } from './BalanceChip';
import { ProjectBar } from './ProjectBar';
import { SettingsButton } from './SettingsDialog';

export function ConnectionIndicator() {
  const connection = useApp((s) => s.app?.connection ?? 'connecting');
  const reason = useApp((s) => s.app?.offlineReason ?? null);
  const signedIn = useApp((s) => s.app?.account != null);
  const label = connection === 'online' ? 'Online' : connection === 'offline' ? 'Offline' : 'Connecting…';
  return (
    <span
      className={`connection connection-${connection}`}
      role="status"
      data-testid="connection"
      title={connection === 'offline' ? reason ?? undefined : signedIn ? 'Connected to the credit service' : undefined}
    >
      <span className="dot" aria-hidden="true" />
      {label}
    </span>
  );
}

export function Account() {
  const account = useApp((s) => s.app?.account ?? null);
  const signingIn = useApp((s) => s.app?.signingIn ?? false);
  const signIn = useApp((s) => s.signIn);
  const cancelSignIn = useApp((s) => s.cancelSignIn);
  const signOut = useApp((s) => s.signOut);
  const signInRef = useRef<HTMLButtonElement>(null);
  const signedIn = account !== null;
  const seen = useRef<boolean | null>(null);
  // Signing in or out replaces the button that had the focus: the focus goes on to the balance
  // (signed in) or to Sign in (signed out) rather than to nowhere.
  useLayoutEffect(() => {
    const before = seen.current;
    seen.current = signedIn;
    if (before === null || before === signedIn) return;
    if (document.activeElement && document.activeElement !== document.body) return;
    (signedIn ? document.getElementById(BALANCE_CHIP_ID) : signInRef.current)?.focus();
  }, [signedIn]);
  if (!account) {
    return (
      <div className="account" key="signed-out">
        {signingIn && <span className="account-hint">Continue in your browser…</span>}
        {signingIn && (
          <button type="button" onClick={() => void cancelSignIn()}>
            Cancel sign-in
          </button>
        )}
        <button ref={signInRef} type="button" className="primary" onClick={() => void signIn()}>
          {signingIn ? 'Open sign-in again' : 'Sign in'}
        </button>
      </div>
    );
  }
  const plan = account.plan === 'free' ? 'Free' : account.plan === 'pro' ? 'Pro' : 'Teams';
  return (
    <div className="account" key="signed-in">
      <span className="account-email" data-testid="account-email" title={account.email}>
        {account.email}
      </span>
      <span className="plan-tag">{plan}</span>
      <button type="button" onClick={() => void signOut()}>
        Sign out
      </button>
    </div>
  );
}

export function TitleBar() {
  return (
    <header className="titlebar">
      <h1 className="brand">
        <span className="brand-mark" aria-hidden="true">
          ✂
        </span>
        Cutline
      </h1>
      <ProjectBar />
      <span className="spacer" />
      <ConnectionIndicator />
      <StaleBalance />
      <BalanceChip />
      <TeamRequestsBadge />
      <Account />
      <SettingsButton />
    </header>
  );
}
