/**
 * What a running instance reports about itself (docs/operations.md § Metrics): the metric
 * definitions, on a prom-client `Registry` of this instance's own (never prom-client's global
 * default registry: tests and the benchmark run several instances in one process), and
 * `ServiceMetrics`, the small observer the service, the HTTP layer and the charge engine report
 * to through `ctx.metrics`. The process's own metrics (CPU, memory, event loop, GC) describe the
 * process, not an instance: they are collected once per process, on a registry of their own,
 * and appended to every instance's exposition.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ServiceError } from './errors';

export type ChargeStep = 'quote' | 'hold' | 'capture' | 'release';
/** ok: answered; refused: a 4xx refusal (402, 404, 409, 422 …); error: anything else (a 5xx). */
export type StepOutcome = 'ok' | 'refused' | 'error';
/** ran: this instance held the job's lease and ran a pass; standby: another instance holds it; failed: the pass (or the lease) threw. */
export type JobOutcome = 'ran' | 'standby' | 'failed';

/**
 * The observer every part of the service reports to. Each call is cheap (a counter or a
 * histogram bucket) and never throws.
 *
 * - `chargeStep(step, seconds, outcome)`: one charge step answered, timed from its call to its
 *   answer (queueing for a batch included): the charge engine reports hold, capture and release
 *   through its observer (start.ts wires it here), the route times the quote (`timedStep`).
 * - `chargeBatch(size)`: the charge engine committed `size` steps in one transaction. Reported
 *   by the engine's observer, once per committed batch.
 * - `refusal(code, status)`: an error answer in the API's `{"error","message"}` shape (the HTTP
 *   layer's one error path reports it).
 * - `requestDone(method, route, status)`: an HTTP request answered (`route` is the route's
 *   pattern, never the URL: no ids or query values in labels).
 * - `jobRun(job, outcome, seconds, leader)`: one tick of a singleton job (`kernel/singleton-job.ts`).
 */
export interface ServiceMetrics {
  chargeStep(step: ChargeStep, seconds: number, outcome: StepOutcome): void;
  chargeBatch(size: number): void;
  refusal(code: string, status: number): void;
  requestDone(method: string, route: string, status: number): void;
  jobRun(job: string, outcome: JobOutcome, seconds: number, leader: boolean): void;
}

/** Gauges read when scraped. */
export interface MetricSources {
  /** Event streams open on this instance. */
  openStreams(): number;
  /** The PostgreSQL pool's connections (absent on SQLite). */
  pool?(): { total: number; idle: number; waiting: number };
}

let processRegistry: Registry | null = null;
/** prom-client's default metrics, collected once per process (each collection adds a GC observer that is never removed). */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

// Seconds: a charge step is sub-millisecond in-process, tens of ms under load on PostgreSQL.
const STEP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];
const JOB_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30];

/** The metrics of one service instance: `registry` is what `/metrics` exposes. */
export class Metrics implements ServiceMetrics {
  readonly registry = new Registry();
  private readonly steps: Histogram<'step' | 'outcome'>;
  private readonly batches: Histogram;
  private readonly refusals: Counter<'code' | 'status'>;
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly jobRuns: Counter<'job' | 'outcome'>;
  private readonly jobSeconds: Histogram<'job'>;
  private readonly jobLeader: Gauge<'job'>;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    this.steps = new Histogram({
      name: 'cutline_charge_step_seconds',
      help: 'Charge steps (quote, hold, capture, release) from call to answer, by step and outcome (ok, refused, error).',
      labelNames: ['step', 'outcome'],
      buckets: STEP_BUCKETS,
      registers,
    });
    this.batches = new Histogram({
      name: 'cutline_charge_batch_size',
      help: 'Charge steps committed together in one transaction by the charge engine.',
      buckets: BATCH_BUCKETS,
      registers,
    });
    this.refusals = new Counter({
      name: 'cutline_refusals_total',
      help: 'Error answers by their error code and HTTP status (internal errors count as code "internal", 500).',
      labelNames: ['code', 'status'],
      registers,
    });
    this.requests = new Counter({
      name: 'cutline_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    new Gauge({
      name: 'cutline_open_streams',
      help: 'Event streams (/v1/events) open on this instance.',
      registers,
      collect() {
        this.set(sources.openStreams());
      },
    });
    this.jobRuns = new Counter({
      name: 'cutline_job_runs_total',
      help: 'Ticks of the singleton jobs (job="sweep": the sweeper) by outcome: ran, standby (another instance holds the lease), failed.',
      labelNames: ['job', 'outcome'],
      registers,
    });
    this.jobSeconds = new Histogram({
      name: 'cutline_job_pass_seconds',
      help: 'Duration of the passes this instance ran, by job.',
      labelNames: ['job'],
      buckets: JOB_BUCKETS,
      registers,
    });
    this.jobLeader = new Gauge({
      name: 'cutline_job_leader',
      help: '1 while this instance holds the job\'s lease (runs it), 0 otherwise.',
      labelNames: ['job'],
      registers,
    });
    const { pool } = sources;
    if (pool) {
      new Gauge({
        name: 'cutline_pg_pool_connections',
        help: 'The PostgreSQL pool\'s connections for requests: total open, idle, and requests waiting for one.',
        labelNames: ['state'],
        registers,
        collect() {
          const p = pool();
          this.set({ state: 'total' }, p.total);
          this.set({ state: 'idle' }, p.idle);
          this.set({ state: 'waiting' }, p.waiting);
        },
      });
    }
  }

  chargeStep(step: ChargeStep, seconds: number, outcome: StepOutcome): void {
    this.steps.observe({ step, outcome }, seconds);
  }

  chargeBatch(size: number): void {
    this.batches.observe(size);
  }

  refusal(code: string, status: number): void {
    this.refusals.inc({ code, status: String(status) });
  }

  requestDone(method: string, route: string, status: number): void {
    this.requests.inc({ method, route, status: String(status) });
  }

  jobRun(job: string, outcome: JobOutcome, seconds: number, leader: boolean): void {
    this.jobRuns.inc({ job, outcome });
    if (outcome === 'ran') this.jobSeconds.observe({ job }, seconds);
    this.jobLeader.set({ job }, leader ? 1 : 0);
  }

  /** The text exposition format (`/metrics`): this instance's metrics, then the process's. */
  async text(): Promise<string> {
    const [mine, proc] = await Promise.all([this.registry.metrics(), processMetrics().metrics()]);
    return `${mine}\n${proc}`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** How a step ended, for `chargeStep`: a refusal is a `ServiceError` below 500. */
export function stepOutcome(e: unknown): StepOutcome {
  return e instanceof ServiceError && e.status < 500 ? 'refused' : 'error';
}

/** Runs one charge step and reports its latency and outcome. */
export async function timedStep<T>(metrics: ServiceMetrics, step: ChargeStep, run: () => Promise<T>): Promise<T> {
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  try {
    const value = await run();
    metrics.chargeStep(step, seconds(), 'ok');
    return value;
  } catch (e) {
    metrics.chargeStep(step, seconds(), stepOutcome(e));
    throw e;
  }
}
