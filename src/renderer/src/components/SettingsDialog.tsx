/**
 * Settings: whether Cutline may send crash reports (off until the user turns it on; kept for this
 * installation), and the app's version with *Check for updates*. Opened from the title bar's
 * Settings button; a modal dialog (focus in, trapped, back to the button on close).
 */
import { useEffect, useId, useState } from 'react';
import { useApp } from '../store';
import { Dialog } from './Dialog';
import { updateSentence } from './UpdateBanner';

export const CRASH_REPORTS_EXPLAINED =
  'When Cutline crashes or meets an unexpected error, it sends a report to the Cutline service so the problem can be fixed. Reports never include your sign-in, cookies, e-mail address, or the names and locations of your files.';

export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const crashReporting = useApp((s) => s.crashReporting);
  const setCrashReporting = useApp((s) => s.setCrashReporting);
  const loadCrashReporting = useApp((s) => s.loadCrashReporting);
  const update = useApp((s) => s.update);
  const checkForUpdates = useApp((s) => s.checkForUpdates);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [checked, setChecked] = useState(false);
  const explainedId = useId();
  useEffect(() => {
    if (crashReporting === null) void loadCrashReporting();
  }, [crashReporting, loadCrashReporting]);

  const toggle = async (enabled: boolean) => {
    // never disabled while saving: a disabled control would drop the keyboard focus out of the dialog
    if (saving) return;
    setSaving(true);
    setProblem(await setCrashReporting(enabled));
    setSaving(false);
  };
  const check = async () => {
    setChecked(true);
    setProblem(await checkForUpdates());
  };
  const busy = update?.phase === 'checking' || update?.phase === 'downloading';
  const updateLine = !update
    ? null
    : update.phase === 'unavailable'
      ? update.message
      : update.phase === 'checking'
        ? 'Checking for updates…'
        : update.phase === 'ready' && update.deferred
          ? `Cutline ${update.version} installs the next time Cutline starts.`
          : checked || update.phase !== 'idle'
            ? updateSentence(update)
            : null;

  return (
    <Dialog
      title="Settings"
      onCancel={onClose}
      className="settings-dialog"
      actions={
        <button type="button" onClick={onClose}>
          Close
        </button>
      }
    >
      <fieldset className="settings-group">
        <legend>Crash reports</legend>
        <label className="settings-check">
          <input
            type="checkbox"
            data-autofocus
            checked={crashReporting?.enabled ?? false}
            aria-busy={saving || undefined}
            aria-describedby={explainedId}
            onChange={(e) => void toggle(e.target.checked)}
          />
          Send crash reports to Cutline
        </label>
        <p id={explainedId} className="settings-note">
          {CRASH_REPORTS_EXPLAINED}
        </p>
      </fieldset>
      <TeamCreditsSetting />
      <fieldset className="settings-group">
        <legend>Updates</legend>
        <p className="settings-note">
          {update ? `You have Cutline ${update.currentVersion}.` : 'Reading the version…'} Cutline checks for updates when it starts and every six hours.
        </p>
        {/* busy, not disabled: a control that turns disabled under the keyboard drops the focus out of the dialog */}
        <button type="button" onClick={() => void (busy ? undefined : check())} disabled={!update || update.phase === 'unavailable'} aria-disabled={busy || undefined}>
          Check for updates
        </button>
        <p className="settings-status" role="status">
          {updateLine}
        </p>
      </fieldset>
      {problem && (
        <p className="settings-problem" role="alert">
          {problem}
        </p>
      )}
    </Dialog>
  );
}

/** A team member's "Ask before using my own credits" (per account, on by default). */
function TeamCreditsSetting() {
  const inTeam = useApp((s) => !!s.app?.account?.teamId);
  const ask = useApp((s) => s.prefs.askBeforePersonalCredits);
  const save = useApp((s) => s.setAskBeforePersonalCredits);
  const [problem, setProblem] = useState<string | null>(null);
  const noteId = useId();
  if (!inTeam) return null;
  return (
    <fieldset className="settings-group">
      <legend>Team credits</legend>
      <label className="settings-check">
        <input type="checkbox" checked={ask} aria-describedby={noteId} onChange={(e) => void save(e.target.checked).then(setProblem)} />
        Ask before using my own credits
      </label>
      <p id={noteId} className="settings-note">
        When the team's credits (or your limit on them) do not cover an AI action, Cutline asks before it uses your own activity or
        purchased credits, and never uses more of them than you agreed to.
      </p>
      {problem && (
        <p className="settings-problem" role="alert">
          {problem}
        </p>
      )}
    </fieldset>
  );
}

/** The title bar's Settings button and the dialog it opens. */
export function SettingsButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="settings-button" aria-haspopup="dialog" onClick={() => setOpen(true)} data-testid="settings-button">
        <span aria-hidden="true">⚙</span> Settings
      </button>
      {open && <SettingsDialog onClose={() => setOpen(false)} />}
    </>
  );
}
