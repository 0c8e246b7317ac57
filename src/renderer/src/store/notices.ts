import { credits, num } from '../format';
import type { Deps, Get, NoticesSlice, Set, UiNotice } from './types';

/** At most this many toasts at once: the oldest go first. */
const KEEP = 3;
/**
 * A toast goes by itself after this long — plus reading time for a long sentence; an error stays
 * longer (it may need acting on), but goes too.
 */
export const NOTICE_MS: Record<UiNotice['kind'], number> = { info: 5_000, success: 5_000, error: 20_000 };
const noticeMs = (kind: UiNotice['kind'], text: string) => Math.max(NOTICE_MS[kind], Math.min(15_000, NOTICE_MS[kind] + text.length * 40));

export function createNoticesSlice(deps: Deps, set: Set, get: Get): NoticesSlice {
  const timers = new Map<string, () => void>();
  const expire = (id: string, kind: UiNotice['kind'], text: string) => {
    timers.get(id)?.();
    timers.set(
      id,
      deps.schedule(noticeMs(kind, text), () => {
        timers.delete(id);
        get().dismissNotice(id);
      }),
    );
  };
  const forget = (id: string) => {
    timers.get(id)?.();
    timers.delete(id);
  };

  return {
    notices: [],

    notify(kind, text, action) {
      // the same sentence again: one toast, counted, and its time starts over
      const same = get().notices.find((n) => n.text === text && n.kind === kind);
      if (same) {
        set((s) => ({ notices: s.notices.map((n) => (n.id === same.id ? { ...n, count: n.count + 1, ...(action ? { action } : {}) } : n)) }));
        expire(same.id, kind, text);
        return same.id;
      }
      const id = deps.newId();
      const next = [...get().notices, { id, kind, text, count: 1, ...(action ? { action } : {}) }];
      for (const dropped of next.slice(0, -KEEP)) forget(dropped.id);
      set({ notices: next.slice(-KEEP) });
      expire(id, kind, text);
      return id;
    },

    dismissNotice(id) {
      forget(id);
      set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
    },

    dismissAllNotices() {
      for (const n of get().notices) forget(n.id);
      set({ notices: [] });
    },

    handleCoreNotice(n) {
      const s = get();
      switch (n.kind) {
        case 'signed-in':
          s.notify('success', `Signed in as ${n.email}.`);
          break;
        case 'purchase-complete':
          s.notify(
            'success',
            n.balance
              ? `Purchase complete. Your balance is now ${credits(n.balance.total)}.`
              : 'Purchase complete. Your new credits will appear in a moment.',
          );
          break;
        case 'exchange-complete':
          s.notify(
            'success',
            n.balance
              ? `Exchange complete. Your Pro uses are now flexible credits: you have ${credits(n.balance.total)}.`
              : 'Exchange complete. Your Pro uses are now flexible credits.',
          );
          break;
        case 'upgrade-complete':
          s.notify('success', n.balance ? `You're on Pro. Your balance is now ${credits(n.balance.total)}.` : "You're on Pro.");
          break;
        case 'limit-request': {
          const limit = s.balance?.limit;
          const r = n.request;
          if (r.status === 'approved') {
            s.notify('success', `Your request for ${credits(r.credits)} more was approved.${limit ? ` Your limit on the team's credits is now ${num(limit.credits)}.` : ''}`);
          } else if (r.status === 'denied') {
            s.notify('info', `Your request for ${credits(r.credits)} more was denied by a team admin.`);
          }
          break;
        }
        case 'alert':
          s.notify('info', `${n.alert.text}.`);
          // The browser host has no OS notifier: the page's own Notification, when allowed.
          if (!n.osNotified) showPageNotification(`${n.alert.text}.`);
          break;
        case 'error':
          s.notify('error', n.message);
          break;
      }
    },
  };
}

function showPageNotification(body: string): void {
  const N = (globalThis as { Notification?: typeof Notification }).Notification;
  if (!N || N.permission !== 'granted') return;
  try {
    new N('Cutline credits', { body });
  } catch {
    // some browsers allow notifications only from a service worker: the in-app notice stands
  }
}
