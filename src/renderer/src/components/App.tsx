/** The editor window. */
import { useCallback, useEffect, useState } from 'react';
import { useApp } from '../store';
import { EditorKeys, PlaybackClock } from './EditorKeys';
import { ShortcutsDialog } from './ShortcutsDialog';
import { ActivityPanel } from './ActivityPanel';
import { FlowDialogs } from './FlowDialogs';
import { JobsPanel } from './JobsPanel';
import { LiveAnnouncer } from './LiveAnnouncer';
import { MediaPanel } from './MediaPanel';
import { Notices } from './Notices';
import { Preview } from './Preview';
import { Timeline } from './Timeline';
import { TitleBar } from './TitleBar';
import { Toolbar } from './Toolbar';
import { UpdateBanner } from './UpdateBanner';

function Banners() {
  const app = useApp((s) => s.app);
  if (!app) return null;
  return (
    <>
      {app.connection === 'offline' && (
        <div className="banner banner-offline" role="status" data-testid="offline-banner">
          {app.offlineReason ?? "You're offline. AI tools come back when the connection does."} Editing still works.
        </div>
      )}
      {app.vaultWarning && (
        <div className="banner banner-warning" role="status">
          {app.vaultWarning}
        </div>
      )}
    </>
  );
}

export function App() {
  const ready = useApp((s) => s.app !== null && s.projectsLoaded);
  const [shortcuts, setShortcuts] = useState(false);
  const openShortcuts = useCallback(() => setShortcuts(true), []);
  useEffect(() => {
    window.addEventListener('cutline:shortcuts', openShortcuts);
    return () => window.removeEventListener('cutline:shortcuts', openShortcuts);
  }, [openShortcuts]);
  useEffect(() => {
    // The editor is usable: measured by `npm run bench:ui`.
    if (ready && performance.getEntriesByName('cutline:interactive').length === 0) performance.mark('cutline:interactive');
  }, [ready]);
  return (
    <div className="app" data-ready={ready || undefined} data-testid="app">
      <TitleBar />
      <Banners />
      <UpdateBanner />
      <Toolbar />
      <main className="workspace">
        <MediaPanel />
        <Preview />
        <aside className="sidebar">
          <JobsPanel />
          <ActivityPanel />
        </aside>
      </main>
      <Timeline />
      <FlowDialogs />
      <Notices />
      <LiveAnnouncer />
      <PlaybackClock />
      <EditorKeys onShortcuts={openShortcuts} />
      {shortcuts && <ShortcutsDialog onClose={() => setShortcuts(false)} />}
    </div>
  );
}
