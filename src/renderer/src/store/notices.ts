import { credits } from '../format';
import type { Deps, Get, NoticesSlice, Set } from './types';

const KEEP = 5;

export function createNoticesSlice(deps: Deps, set: Set, get: Get): NoticesSlice {
  return {
    notices: [],

    notify(kind, text, action) {
      const id = deps.newId();
      set((s) => ({ notices: [...s.notices.filter((n) => n.text !== text), { id, kind, text, ...(action ? { action } : {}) }].slice(-KEEP) }));
      return id;
    },

    dismissNotice(id) {
      set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
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
