import type { Db } from '../store/db';
import type { EventHub } from './event-hub';

import type { Clock } from '../clock';

export { systemClock, type Clock } from '../clock';

export interface ServiceConfig {
  publicUrl: string;
  holdTtlMs: number;
  accessTokenTtlS: number;
  refreshTokenTtlS: number;
}

/** What every service function is given: storage, time, configuration, the push hub. */
export interface Ctx {
  db: Db;
  clock: Clock;
  config: ServiceConfig;
  hub: EventHub;
}
