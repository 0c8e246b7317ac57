import type { LedgerEntry } from '@cutline/contract/api';
import type { ActivitySlice, Deps, Get, Set } from './types';

const PAGE = 50;
const KEEP = 500;

/** Newest first, no duplicates (a push and a page may carry the same entry). */
export function mergeEntries(current: LedgerEntry[], incoming: LedgerEntry[]): LedgerEntry[] {
  const seen = new Set<string>();
  const out: LedgerEntry[] = [];
  for (const e of [...incoming, ...current]) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    out.push(e);
  }
  // Stable sort by time, newest first; entries of one instant keep their order.
  return out
    .map((e, i) => ({ e, i, t: Date.parse(e.at) }))
    .sort((a, b) => b.t - a.t || a.i - b.i)
    .map((x) => x.e)
    .slice(0, KEEP);
}

export function createActivitySlice(deps: Deps, set: Set, get: Get): ActivitySlice {
  const { api } = deps;
  return {
    ledger: [],
    ledgerNext: null,
    ledgerLoading: false,
    ledgerError: null,

    async loadLedger(more = false) {
      if (!get().app?.account) return;
      const epoch = get().accountEpoch;
      const before = more ? get().ledgerNext ?? undefined : undefined;
      if (more && !before) return;
      set({ ledgerLoading: true });
      const r = await api.getLedger(before ? { limit: PAGE, before } : { limit: PAGE }).catch(() => null);
      if (get().accountEpoch !== epoch) return;
      if (!r || !r.ok) {
        set({ ledgerLoading: false, ledgerError: r ? r.error.message : 'Your credit activity could not be loaded.' });
        return;
      }
      set((s) => ({
        ledger: mergeEntries(s.ledger, r.value.entries),
        // A refresh of the first page keeps the cursor we already had for older pages.
        ledgerNext: more || s.ledgerNext === null ? r.value.next : s.ledgerNext,
        ledgerLoading: false,
        ledgerError: null,
      }));
    },

    addLedgerEntries(entries) {
      if (!get().app?.account || entries.length === 0) return;
      set((s) => ({ ledger: mergeEntries(s.ledger, entries) }));
      // A charge was captured (here or on another device): the open project's cost may have moved.
      if (entries.some((e) => e.kind === 'capture')) void get().loadProjectCost();
    },
  };
}
