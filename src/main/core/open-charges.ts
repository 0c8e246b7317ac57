/**
 * The fate of every open charge, kept durably by main (issue 18 item 2). A charge is open from its
 * hold until the window has its result: while its job runs (`running`), while main tells the
 * service what the job came to (`settling`: capture, or release), and after the service answered
 * (`captured`, `released`, `lost`) until the window acknowledges it (the result applied and saved).
 *
 * Journal per account in the `KeyValueStore` (`openCharges.<account id>`), rewritten on every
 * change, so it survives a restart of the app. When the service cannot be reached, the capture or
 * release is tried again — the same charge id, which the service treats as the same request —
 * with a growing pause (capped), at once when the event stream reopens and when the account signs
 * in again, until the service answers. What the job came to is recorded before the first try,
 * so a crash between the job and the service's answer loses nothing.
 *
 * It is also the app's one answer to "is an AI job running?" (`JobActivity`): the update
 * controller waits for `running()` to reach zero before it restarts the app.
 */
import { z } from 'zod';
import type { Charge } from '@cutline/contract/api';
import { OpenChargeSchema, type ChargeTarget, type OpenCharge } from '@cutline/contract/ipc';
import { err, ok, type AppError, type Result } from '@cutline/contract/result';
import { backoffDelay, type BackoffOptions } from './backoff';
import type { KeyValueStore } from './key-value-store';
import type { Logger } from './logger';
import type { Timers } from './timers';

/** The service calls a settlement makes. */
export interface SettleService {
  capture(chargeId: string): Promise<Result<{ charge: Charge }>>;
  release(chargeId: string, reason: 'failed' | 'cancelled'): Promise<Result<{ charge: Charge }>>;
  charge(chargeId: string): Promise<Result<Charge>>;
}

/** Which AI jobs are running, as main sees them: what the update controller waits for. */
export interface JobActivity {
  /** AI jobs running now. */
  running(): number;
  /** Called whenever that number may have changed; returns the unsubscribe. */
  onChange(listener: () => void): () => void;
}

export interface OpenChargesDeps {
  store: KeyValueStore;
  service: SettleService;
  timers: Timers;
  now: () => number;
  logger: Logger;
  random: () => number;
  /** The pause between tries while the service cannot be reached. */
  retry?: BackoffOptions;
  /** A charge settled by a later try (not the window's own call): the window hears of it. */
  onSettled(charge: OpenCharge): void;
}

export const SETTLE_RETRY: BackoffOptions = { baseMs: 1_000, maxMs: 15_000 };

/** Codes that mean "the service did not answer": try again later with the same charge id. */
const UNREACHABLE = new Set<AppError['code']>(['offline', 'timeout', 'server_error', 'rate_limited', 'signed_out', 'unauthorized']);

const Journal = z.array(OpenChargeSchema);

export const PENDING_MESSAGE = {
  capture: "The credit service can't be reached right now. Cutline completes the charge as soon as it answers, then applies the result.",
  release: "The credit service can't be reached right now. Cutline returns the credits as soon as it answers.",
};

export class OpenCharges implements JobActivity {
  private account: string | null = null;
  private attempt = 0;
  private timer: unknown = null;
  private readonly listeners = new Set<() => void>();
  /** Fires when the soonest running hold lapses (the service released it: that job no longer counts). */
  private lapseTimer: unknown = null;
  /** Charges whose settlement is being asked of the service now (one request at a time each). */
  private readonly inFlight = new Map<string, Promise<Result<Charge>>>();

  constructor(private readonly deps: OpenChargesDeps) {}

  /** The signed-in account (null: signed out): only its charges are listed and settled. */
  setAccount(accountId: string | null): void {
    if (accountId === this.account) return;
    this.account = accountId;
    this.attempt = 0;
    this.clearTimer();
    this.changed();
    if (accountId) void this.settlePending();
  }

  /**
   * The signed-in account's jobs that are running: charges whose job has not come to an outcome
   * yet and whose hold has not lapsed (a lapsed hold was released by the service; the window
   * learns that when it finishes). A settlement waiting for the service is not a running job:
   * it is kept durably and resumes after a restart.
   */
  running(): number {
    const now = this.deps.now();
    return this.list().filter((c) => c.state === 'running' && Date.parse(c.charge.holdExpiresAt) > now).length;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The signed-in account's open charges, oldest first. */
  list(): OpenCharge[] {
    return this.account ? this.read(this.account) : [];
  }

  find(chargeId: string): OpenCharge | undefined {
    return this.list().find((c) => c.charge.id === chargeId);
  }

  /** A hold was made for `target`: the charge is open (a repeated hold of the same action keeps its record). */
  opened(charge: Charge, target: ChargeTarget | null): void {
    if (!this.account) return;
    const all = this.read(this.account);
    if (all.some((c) => c.charge.id === charge.id)) return;
    all.push({ charge, target, outcome: null, state: 'running', message: null });
    this.write(this.account, all);
  }

  /**
   * The job came to `outcome`: recorded first, then the service is told. Answers the settled
   * charge; `settle_pending` when the service could not be reached (main keeps trying);
   * `hold_lost` when the capture was refused. `null`: main does not know this charge.
   */
  async finish(chargeId: string, outcome: 'succeeded' | 'failed' | 'cancelled'): Promise<Result<Charge> | null> {
    const account = this.account;
    if (!account) return null;
    const record = this.read(account).find((c) => c.charge.id === chargeId);
    if (!record) return null;
    if (record.state === 'running') {
      this.update(account, chargeId, { outcome, state: 'settling', message: null });
    } else if (record.state !== 'settling') {
      return this.answerOf(record);
    }
    return this.settle(account, chargeId, false);
  }

  /** The window has the result (or gave it up): the charge is closed. A still-open settlement stays. */
  acknowledge(chargeId: string): void {
    if (!this.account) return;
    const all = this.read(this.account);
    const record = all.find((c) => c.charge.id === chargeId);
    if (!record || record.state === 'running' || record.state === 'settling') return;
    this.write(
      this.account,
      all.filter((c) => c.charge.id !== chargeId),
    );
  }

  /** Tries every settlement of the account that is waiting for the service (the stream reopened). */
  async settlePending(): Promise<void> {
    const account = this.account;
    if (!account) return;
    this.clearTimer();
    const waiting = this.read(account).filter((c) => c.state === 'settling');
    await Promise.all(waiting.map((c) => this.settle(account, c.charge.id, true)));
  }

  stop(): void {
    this.clearTimer();
    this.account = null;
    this.changed();
    this.listeners.clear();
  }

  /** Tells the listeners, and wakes them again when the soonest running hold lapses. */
  private changed(): void {
    if (this.lapseTimer !== null) this.deps.timers.clearTimeout(this.lapseTimer);
    this.lapseTimer = null;
    if (this.listeners.size === 0) return;
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (e) {
        this.deps.logger.error('open-charges listener failed', { error: e instanceof Error ? e.message : String(e) });
      }
    }
    const now = this.deps.now();
    const lapses = this.list()
      .filter((c) => c.state === 'running')
      .map((c) => Date.parse(c.charge.holdExpiresAt))
      .filter((at) => at > now);
    if (lapses.length > 0) this.lapseTimer = this.deps.timers.setTimeout(() => this.changed(), Math.min(...lapses) - now);
  }

  // ---- settling ----------------------------------------------------------------------------------

  private settle(account: string, chargeId: string, announce: boolean): Promise<Result<Charge>> {
    const running = this.inFlight.get(chargeId);
    if (running) return running;
    const done = this.askService(account, chargeId, announce).finally(() => this.inFlight.delete(chargeId));
    this.inFlight.set(chargeId, done);
    return done;
  }

  private async askService(account: string, chargeId: string, announce: boolean): Promise<Result<Charge>> {
    const record = this.read(account).find((c) => c.charge.id === chargeId);
    if (!record || record.state !== 'settling' || !record.outcome) return record ? this.answerOf(record) : err('not_found', 'That charge is not open.');
    const { service, logger } = this.deps;
    const capture = record.outcome === 'succeeded';
    const answer = capture ? await service.capture(chargeId) : await service.release(chargeId, record.outcome === 'failed' ? 'failed' : 'cancelled');
    let next: Pick<OpenCharge, 'state' | 'message'> & { charge?: Charge };
    if (answer.ok) {
      next = { state: answer.value.charge.status === 'captured' ? 'captured' : 'released', charge: answer.value.charge, message: null };
    } else if (UNREACHABLE.has(answer.error.code) || this.account !== account) {
      logger.info('settlement waits for the service', { chargeId, code: answer.error.code });
      const pending = capture ? PENDING_MESSAGE.capture : PENDING_MESSAGE.release;
      if (this.account === account) this.scheduleRetry();
      return err('settle_pending', pending);
    } else if (answer.error.code === 'conflict') {
      // capture: the hold was released or lapsed first — nothing charged; release: it was captured
      const now = await service.charge(chargeId);
      const status = now.ok ? now.value.status : capture ? 'released' : 'captured';
      next =
        status === 'captured'
          ? { state: 'captured', charge: now.ok ? now.value : undefined, message: null }
          : capture
            ? { state: 'lost', charge: now.ok ? now.value : undefined, message: 'The credits held for this action were returned before it finished, so nothing was charged.' }
            : { state: 'released', charge: now.ok ? now.value : undefined, message: null };
      logger.warn('settlement refused', { chargeId, capture, status });
    } else {
      // the service does not know the charge (another account's, or gone): nothing to settle
      logger.warn('settlement failed', { chargeId, code: answer.error.code });
      next = { state: 'lost', message: answer.error.message };
    }
    const settled = this.update(account, chargeId, next);
    if (!settled) return err('not_found', 'That charge is not open.');
    if (announce && this.account === account) this.deps.onSettled(settled);
    return this.answerOf(settled);
  }

  private answerOf(record: OpenCharge): Result<Charge> {
    switch (record.state) {
      case 'captured':
      case 'released':
        return ok(record.charge);
      case 'lost':
        return err('hold_lost', record.message ?? 'The credits held for this action were returned before it finished, so nothing was charged.');
      default:
        return err('settle_pending', record.outcome === 'succeeded' ? PENDING_MESSAGE.capture : PENDING_MESSAGE.release);
    }
  }

  private scheduleRetry(): void {
    if (this.timer !== null) return;
    const delay = backoffDelay(this.attempt++, this.deps.random, this.deps.retry ?? SETTLE_RETRY);
    this.timer = this.deps.timers.setTimeout(() => {
      this.timer = null;
      void this.settlePending().then(() => {
        if (!this.list().some((c) => c.state === 'settling')) this.attempt = 0;
      });
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer !== null) this.deps.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  // ---- the journal ---------------------------------------------------------------------------------

  private key(account: string): string {
    return `openCharges.${account}`;
  }

  private read(account: string): OpenCharge[] {
    const raw = this.deps.store.get(this.key(account));
    if (raw === undefined) return [];
    const parsed = Journal.safeParse(raw);
    if (parsed.success) return parsed.data;
    this.deps.logger.error('open charges unreadable; keeping the readable ones', { account });
    return Array.isArray(raw) ? raw.flatMap((r) => {
      const one = OpenChargeSchema.safeParse(r);
      return one.success ? [one.data] : [];
    }) : [];
  }

  private write(account: string, charges: OpenCharge[]): void {
    if (charges.length === 0) this.deps.store.delete(this.key(account));
    else this.deps.store.set(this.key(account), charges);
    if (account === this.account) this.changed();
  }

  private update(account: string, chargeId: string, patch: Partial<OpenCharge>): OpenCharge | null {
    const all = this.read(account);
    const i = all.findIndex((c) => c.charge.id === chargeId);
    if (i < 0) return null;
    all[i] = { ...all[i], ...patch, charge: patch.charge ?? all[i].charge };
    this.write(account, all);
    return all[i];
  }
}
