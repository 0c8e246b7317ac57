/**
 * The charge engine: one per database. Every charge step that writes — hold, capture, release, a
 * lapsed hold's release — is queued here and applied in batches, one transaction per batch
 * (batch.ts), so the database's fixed cost per transaction (round trips, COMMIT, fsync) is shared
 * by the steps that arrived together — TigerBeetle's batching, a database's group commit.
 *
 * - A lone step starts at once: a batch forms at the end of the event-loop turn it arrived in
 *   (`setImmediate`, no timer), so requests read in the same turn share it and an idle service
 *   adds no wait.
 * - Steps that arrive while batches are in flight wait, and form the next batch when a slot frees
 *   (at most `maxBatch` steps). PostgreSQL runs up to `maxInFlight` batches at once on different
 *   connections (a few waiting steps wait for the batch in flight rather than start another);
 *   SQLite one (a single connection, one writer). A step whose account is in a batch in flight
 *   waits for the next one, so two batches never queue on one account's lock.
 * - A refusal (402, 404, 409, 422) is that step's answer. A database error fails only the steps
 *   it belongs to: the batch is rolled back and run again as two halves, down to the one step
 *   that fails (serialization failures and deadlocks are retried whole by `Db.transaction`).
 * - After the commit every step is answered in order through `afterCommit`: its events are
 *   published (so a stream sees versions in order), then its value returned or its refusal thrown.
 *
 * An observer (`ChargeObserver`, injected) hears every batch's size and time and every step's
 * latency and result; the engine imports no metrics library.
 */
import type { Db } from '../../db/db';
import type { Ctx } from '../kernel/context';
import { InvariantBroken, ServiceError } from '../kernel/errors';
import { afterCommit } from '../kernel/outcome';
import { runBatch, type BatchRun, type StepKind, type StepRequest, type StepResult } from './batch';
import { HoldCache } from './hold-cache';

export interface ChargeObserver {
  /** A batch's transaction ended: its steps, how long it took (ms), whether it committed. */
  batch?(size: number, ms: number, committed: boolean): void;
  /** A step was answered: its kind, the time from its arrival to its answer (ms), `ok` or the refusal's code. */
  step?(kind: StepKind, ms: number, result: string): void;
  /** A performance seam's invariant was found broken; the batch ran again without what it trusted. */
  invariantBroken?(invariant: string, detail: string): void;
}

export interface EngineOptions {
  /** Most steps in one batch. */
  maxBatch?: number;
  /** Batches in flight at once (default `Db.writeSlots`; SQLite: always 1). */
  maxInFlight?: number;
  observer?: ChargeObserver;
}

const MAX_BATCH = 64;
/**
 * While a batch is in flight, fewer waiting steps than this wait for it to end (they then form the
 * next batch) rather than pay a transaction of their own.
 */
const MIN_CONCURRENT = 4;

interface Queued {
  ctx: Ctx;
  req: StepRequest;
  at: number;
  resolve(v: StepResult): void;
  reject(e: unknown): void;
}

export class ChargeEngine {
  readonly maxBatch: number;
  readonly maxInFlight: number;
  observer: ChargeObserver;
  /** The hold → capture batch cache (hold-cache.ts). */
  readonly cache = new HoldCache();
  private readonly queue: Queued[] = [];
  private readonly busy = new Map<string, number>();
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly db: Db,
    opts: EngineOptions = {},
  ) {
    this.maxBatch = Math.max(1, opts.maxBatch ?? MAX_BATCH);
    this.maxInFlight = db.kind === 'sqlite' ? 1 : Math.max(1, opts.maxInFlight ?? db.writeSlots);
    this.observer = opts.observer ?? {};
  }

  /** Queues one step; settles with its answer once its batch committed (or throws its refusal). */
  submit(ctx: Ctx, req: StepRequest): Promise<StepResult> {
    return new Promise<StepResult>((resolve, reject) => {
      this.queue.push({ ctx, req, at: performance.now(), resolve, reject });
      this.schedule();
    });
  }

  /** Steps waiting for a batch, and batches in flight (for tests and the observer). */
  get load(): { queued: number; inFlight: number } {
    return { queued: this.queue.length, inFlight: this.inFlight };
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length) {
      if (this.inFlight > 0 && this.queue.length < MIN_CONCURRENT) return;
      const batch = this.take(this.maxBatch);
      if (!batch.length) return;
      this.inFlight++;
      for (const q of batch) this.busy.set(q.req.userId, (this.busy.get(q.req.userId) ?? 0) + 1);
      void this.execute(batch).finally(() => {
        this.inFlight--;
        for (const q of batch) {
          const n = this.busy.get(q.req.userId)! - 1;
          if (n) this.busy.set(q.req.userId, n);
          else this.busy.delete(q.req.userId);
        }
        if (this.queue.length) this.schedule();
      });
    }
  }

  /**
   * The next batch, in arrival order: up to `size` steps whose accounts no batch in flight holds,
   * of one service instance (the same clock and hub, so one `now` and one publisher).
   */
  private take(size: number): Queued[] {
    const batch: Queued[] = [];
    const rest: Queued[] = [];
    for (const q of this.queue) {
      const fits =
        batch.length < size &&
        !this.busy.has(q.req.userId) &&
        (batch.length === 0 || (q.ctx.clock === batch[0].ctx.clock && q.ctx.hub === batch[0].ctx.hub));
      (fits ? batch : rest).push(q);
    }
    this.queue.splice(0, this.queue.length, ...rest);
    return batch;
  }

  private async execute(batch: readonly Queued[], retried = false): Promise<void> {
    const { clock } = batch[0].ctx;
    const t0 = performance.now();
    let run: BatchRun;
    try {
      run = await this.db.transaction((tx) => runBatch(tx, batch.map((q) => q.req), clock.now(), this.cache));
    } catch (e) {
      this.observer.batch?.(batch.length, performance.now() - t0, false);
      // Whatever the batch trusted about its accounts is suspect now.
      this.cache.forget(batch.map((q) => q.req.userId));
      if (e instanceof InvariantBroken && !retried) {
        this.observer.invariantBroken?.(e.invariant, e.message);
        return this.execute(batch, true);
      }
      if (batch.length === 1) {
        return this.answer(batch[0], () => {
          throw e;
        });
      }
      const half = batch.length >> 1;
      await this.execute(batch.slice(0, half), retried);
      await this.execute(batch.slice(half), retried);
      return;
    }
    this.observer.batch?.(batch.length, performance.now() - t0, true);
    run.remember();
    if (run.webhooks) batch[0].ctx.wakeOutbox?.();
    batch.forEach((q, i) => {
      const { outcome, events } = run.answers[i];
      this.answer(q, () => afterCommit(q.ctx.hub, outcome, events));
    });
  }

  /** Settles a step with what `settle` returns or throws (a refusal, an error) and tells the observer. */
  private answer(q: Queued, settle: () => StepResult): void {
    let v: StepResult;
    try {
      v = settle();
    } catch (e) {
      this.observer.step?.(q.req.kind, performance.now() - q.at, e instanceof ServiceError ? e.code : 'error');
      q.reject(e);
      return;
    }
    this.observer.step?.(q.req.kind, performance.now() - q.at, 'ok');
    q.resolve(v);
  }
}

const engines = new WeakMap<Db, ChargeEngine>();

/** The database's charge engine (made on first use). */
export function chargeEngine(db: Db): ChargeEngine {
  let e = engines.get(db);
  if (!e) engines.set(db, (e = new ChargeEngine(db)));
  return e;
}

/** Sets how the database's engine batches and who observes it (before its first step, e.g. at start). */
export function configureChargeEngine(db: Db, opts: EngineOptions): ChargeEngine {
  const e = new ChargeEngine(db, opts);
  engines.set(db, e);
  return e;
}
