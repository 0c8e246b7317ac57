import type { Clock } from '../../clock';
import type { Db } from '../../db/db';
import type { EventHub } from '../events/hub';
import type { ServiceMetrics } from './metrics';
import type { AddressPolicy } from '../webhooks/address-check';

/** Fixed for the service's life: start.ts builds it once the port (and so the public URL) is known. */
export interface ServiceConfig {
  readonly publicUrl: string;
  readonly holdTtlMs: number;
  readonly accessTokenTtlS: number;
  readonly refreshTokenTtlS: number;
}

/** What every service function is given: storage, time, configuration, the push hub, the metrics observer. */
export interface Ctx {
  db: Db;
  clock: Clock;
  readonly config: ServiceConfig;
  hub: EventHub;
  /** Where steps, batches and jobs report what they did (kernel/metrics.ts). */
  metrics: ServiceMetrics;
  /**
   * Nudges this instance's outbox workers after a commit that queued work (mail, webhooks), so it goes out
   * at once; without it (a context with no worker) the rows wait for a worker's next poll.
   */
  wakeOutbox?: () => void;
  /**
   * Which addresses webhooks may reach and how host names resolve (CUTLINE_WEBHOOK_ALLOW_PRIVATE;
   * tests inject a resolver); unset: public addresses only, through the system resolver.
   */
  webhookAddresses?: AddressPolicy;
}
