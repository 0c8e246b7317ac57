import type { BalanceSnapshot } from '@cutline/contract/api';
import type { AppState } from '@cutline/contract/ipc';
import type { AccountSlice, Deps, Get, Set } from './types';

/** Whether `next` should replace `current` (docs/api.md: keep the snapshot with the highest version). */
export function isNewerBalance(current: BalanceSnapshot | null, next: BalanceSnapshot): boolean {
  return current === null || next.version > current.version;
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
    prefs: { exchangePromptDismissed: false },
    accountEpoch: 0,

    applyBalance(b) {
      if (!b) return false;
      if (!get().app?.account) return false;
      if (!isNewerBalance(get().balance, b)) return false;
      set({ balance: b });
      return true;
    },

    setAppState(next) {
      const prev = get().app;
      const changedAccount = accountId(prev) !== accountId(next);
      if (changedAccount) {
        set({
          app: next,
          balance: null,
          ledger: [],
          ledgerNext: null,
          ledgerError: null,
          accountEpoch: get().accountEpoch + 1,
          exchangeAsked: false,
          flow: null,
        });
        get().resetJobs();
        if (next.account) void get().refreshAccountData();
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

    async signOut() {
      // Running jobs would otherwise keep credits on hold until it expires: return them first.
      const running = get().jobs.filter((j) => j.status === 'running');
      await Promise.all(running.map((j) => get().cancelJob(j.id)));
      const r = await api.signOut();
      if (!r.ok) get().notify('error', r.error.message);
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
  };
}
