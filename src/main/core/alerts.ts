/**
 * Credit alerts, the I/O around the pure `alert-rules.ts`: the settings and the announced-alerts
 * memory persisted in the core's settings store, both per account (`alerts.settings.<account id>`,
 * `alerts.shown.<account id>`: one account's threshold never fires for the next one),
 * the OS notification through an injected `Notifier` (Electron's `Notification` adapter; the
 * browser host has none, so its page shows the alert itself), and an hourly re-check so a batch
 * entering the 72-hour window is noticed without any balance change.
 */
import { z } from 'zod';
import type { BalanceSnapshot, Tool } from '@cutline/contract/api';
import type { ActiveAlert, AlertSettingsState, AlertsState } from '@cutline/contract/ipc';
import { decideAlerts, DEFAULT_ALERT_SETTINGS, EMPTY_MEMORY, type Alert, type AlertMemory } from './alert-rules';
import type { KeyValueStore } from './key-value-store';
import type { Logger } from './logger';
import type { Timers } from './timers';

/** Shows one OS notification. */
export interface Notifier {
  show(notification: { title: string; body: string }): void;
}

const SettingsSchema = z.object({
  enabled: z.boolean(),
  lowBalanceThreshold: z.number().int().min(1).nullable(),
});
const MemorySchema = z.object({ expiring: z.array(z.string()), low: z.array(z.string()) });

export const ALERT_RECHECK_MS = 3_600_000;

export interface AlertMonitorDeps {
  store: KeyValueStore;
  notifier: Notifier | null;
  logger: Logger;
  timers: Timers;
  now: () => number;
  /** The alerts' state changed (settings or what holds now): the core puts it in AppState. */
  onState(state: AlertsState): void;
  /** An alert came due: the core sends it to the window as a notice. */
  onDue(alert: ActiveAlert, osNotified: boolean): void;
}

export class AlertMonitor {
  private settings: AlertSettingsState;
  private accountId: string | null = null;
  private balance: BalanceSnapshot | null = null;
  private cheapest: { name: string; cost: number } | null = null;
  private active: Alert[] = [];
  private timer: unknown = null;

  constructor(private readonly deps: AlertMonitorDeps) {
    this.settings = { ...DEFAULT_ALERT_SETTINGS };
  }

  /** The account's own settings, or the defaults. */
  private settingsOf(id: string | null): AlertSettingsState {
    const parsed = id ? SettingsSchema.safeParse(this.deps.store.get(`alerts.settings.${id}`)) : null;
    return parsed?.success ? parsed.data : { ...DEFAULT_ALERT_SETTINGS };
  }

  state(): AlertsState {
    return { ...this.settings, active: this.active.map(({ kind, key, text }) => ({ kind, key, text })) };
  }

  /** The signed-in account (null when signed out): alerts are remembered per account. */
  setAccount(id: string | null): void {
    if (id === this.accountId) return;
    this.accountId = id;
    this.settings = this.settingsOf(id);
    this.balance = null;
    this.active = [];
    if (this.timer !== null) this.deps.timers.clearTimeout(this.timer);
    this.timer = null;
    if (id) this.schedule();
    this.deps.onState(this.state());
  }

  setTools(tools: Tool[]): void {
    const cheapest = [...tools].sort((a, b) => a.cost - b.cost)[0];
    this.cheapest = cheapest ? { name: cheapest.name, cost: cheapest.cost } : null;
    this.evaluate();
  }

  setBalance(balance: BalanceSnapshot | null): void {
    this.balance = balance;
    this.evaluate();
  }

  /** Changes the signed-in account's settings (signed out: for this session only). */
  update(patch: Partial<AlertSettingsState>): AlertSettingsState {
    this.settings = { ...this.settings, ...patch };
    if (this.accountId) this.deps.store.set(`alerts.settings.${this.accountId}`, this.settings);
    this.evaluate(true);
    return { ...this.settings };
  }

  stop(): void {
    if (this.timer !== null) this.deps.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    this.timer = this.deps.timers.setTimeout(() => {
      this.timer = null;
      this.evaluate();
      if (this.accountId) this.schedule();
    }, ALERT_RECHECK_MS);
  }

  private memoryKey(): string {
    return `alerts.shown.${this.accountId}`;
  }

  private evaluate(forceState = false): void {
    if (!this.accountId || !this.balance) {
      if (forceState) this.deps.onState(this.state());
      return;
    }
    const parsed = MemorySchema.safeParse(this.deps.store.get(this.memoryKey()));
    const memory: AlertMemory = parsed.success ? parsed.data : EMPTY_MEMORY;
    const decision = decideAlerts({
      balance: this.balance,
      cheapestTool: this.cheapest,
      settings: this.settings,
      memory,
      now: this.deps.now(),
    });
    if (JSON.stringify(decision.memory) !== JSON.stringify(memory)) this.deps.store.set(this.memoryKey(), decision.memory);
    const before = JSON.stringify(this.state());
    this.active = decision.active;
    if (forceState || JSON.stringify(this.state()) !== before) this.deps.onState(this.state());
    for (const alert of decision.due) {
      let osNotified = false;
      if (this.deps.notifier) {
        try {
          this.deps.notifier.show({ title: 'Cutline credits', body: `${alert.text}.` });
          osNotified = true;
        } catch (e) {
          this.deps.logger.warn('notification failed', { error: String(e) });
        }
      }
      this.deps.logger.info('credit alert', { kind: alert.kind, key: alert.key });
      this.deps.onDue({ kind: alert.kind, key: alert.key, text: alert.text }, osNotified);
    }
  }
}
