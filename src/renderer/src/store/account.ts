import type { AppState } from '@cutline/contract/ipc';
import { credits, returnedText, timeOfDay } from '../format';
import type { AccountSlice, Deps, Get, Job, Set } from './types';

/** What signing out did to a job that had credits held, as a sentence; null when nothing was held. */
function signedOutWords(job: Job): string | null {
  const held = job.charge.usesProUse ? 'Pro use' : credits(job.charge.cost);
  const lapses = timeOfDay(job.charge.holdExpiresAt);
  switch (job.status) {
    case 'cancelled':
      return `${job.toolName} was cancelled: ${returnedText(job.charge)}.`;
    case 'waiting':
    case 'capturing':
    case 'releasing':
      return job.outcome === 'succeeded'
        ? `${job.toolName} had finished: Cutline completes its charge and applies the result when you sign in again (if its hold lapses first, at ${lapses}, nothing is charged).`
        : `${job.toolName} was cancelled: its ${held} ${job.charge.usesProUse ? 'is' : 'are'} returned when you sign in again, or when the hold lapses at ${lapses}.`;
    default:
      return null;
  }
}

function accountId(s: AppState | null): string | null {
  return s?.account?.id ?? null;
}

export function createAccountSlice(deps: Deps, set: Set, get: Get): AccountSlice {
  const { api } = deps;
  return {
    app: null,
    balance: null,
    tools: null,
    toolsError: null,
    prefs: { exchangePromptDismissed: false, askBeforePersonalCredits: true },
    accountEpoch: 0,

    applyBalance(b) {
      // Main sends each accepted change once, newest last (its BalanceState dropped anything older),
      // and answers getBalance with what it holds at that moment: the last one to arrive is current.
      if (!b) return false;
      if (!get().app?.account) return false;
      set({ balance: b });
      return true;
    },

    setAppState(next) {
      const prev = get().app;
      const changedAccount = accountId(prev) !== accountId(next);
      if (changedAccount) {
        const epoch = get().accountEpoch + 1;
        set({
          app: next,
          balance: null,
          ledger: [],
          ledgerNext: null,
          ledgerError: null,
          accountEpoch: epoch,
          exchangeAsked: false,
          flow: null,
        });
        get().resetJobs();
        // preferences are per account: the new one's own
        void api.getPrefs().then(
          (prefs) => {
            if (get().accountEpoch === epoch) set({ prefs });
          },
          () => {},
        );
        if (next.account) {
          void get().refreshAccountData();
          // the account's open charges need the projects (applied once they are loaded: connectStore)
          if (get().projectsLoaded) void get().resumeOpenCharges();
        }
        return;
      }
      set({ app: next });
      const cameOnline = prev !== null && prev.connection !== 'online' && next.connection === 'online';
      if (cameOnline && next.account) void get().refreshAccountData();
      else if (next.connection === 'online' && get().tools === null) void get().loadTools();
    },

    async refreshAccountData() {
      const epoch = get().accountEpoch;
      const balanceP = api.getBalance().then(
        (b) => {
          if (get().accountEpoch === epoch) get().applyBalance(b);
        },
        () => {},
      );
      await Promise.all([balanceP, get().loadTools(), get().loadLedger()]);
    },

    async loadTools() {
      const r = await api.listTools().catch(() => null);
      if (!r) {
        if (get().tools === null) set({ toolsError: 'Prices could not be loaded. AI tools are unavailable for now.' });
        return;
      }
      if (r.ok) set({ tools: r.value, toolsError: null });
      else if (get().tools === null) set({ toolsError: r.error.message });
    },

    async signIn() {
      const r = await api.signIn();
      if (!r.ok) get().notify('error', r.error.message);
    },

    async cancelSignIn() {
      const r = await api.cancelSignIn().catch(() => null);
      if (r && !r.ok) get().notify('error', r.error.message);
    },

    async signOut() {
      // Running jobs would otherwise keep credits on hold until it expires: return them first,
      // and say what became of every job that still had credits held.
      const open = get().jobs.filter((j) => j.status === 'running' || j.status === 'capturing' || j.status === 'releasing' || j.status === 'waiting');
      await Promise.all(open.filter((j) => j.status === 'running').map((j) => get().cancelJob(j.id)));
      const told = open.map((j) => signedOutWords(get().jobs.find((x) => x.id === j.id) ?? j)).filter((w) => w !== null);
      const r = await api.signOut();
      if (!r.ok) {
        get().notify('error', r.error.message);
        return;
      }
      if (told.length > 0) get().notify('info', `Signed out. ${told.join(' ')}`);
    },

    async retryNow() {
      const r = await api.retryNow().catch(() => null);
      if (r && !r.ok) get().notify('error', r.error.message);
    },

    async setAlertSettings(patch) {
      const r = await api.setAlertSettings(patch).catch(() => null);
      if (!r) return 'The alert settings could not be saved.';
      return r.ok ? null : r.error.message;
    },

    async openWeb(path) {
      const r = await api.openWeb({ path }).catch(() => null);
      if (!r) return 'The page could not be opened in your browser.';
      return r.ok ? null : r.error.message;
    },

    async setAskBeforePersonalCredits(on) {
      const before = get().prefs;
      set({ prefs: { ...before, askBeforePersonalCredits: on } });
      const saved = await api.setPrefs({ askBeforePersonalCredits: on }).catch(() => null);
      if (!saved) {
        set({ prefs: before });
        return 'The setting could not be saved.';
      }
      set({ prefs: saved });
      return null;
    },

    async requestMoreCredits(amount, note) {
      const r = await api.requestMoreCredits(note.trim() ? { credits: amount, note: note.trim() } : { credits: amount }).catch(() => null);
      if (!r) return 'Your request could not be sent. Please try again.';
      return r.ok ? null : r.error.message;
    },
  };
}
