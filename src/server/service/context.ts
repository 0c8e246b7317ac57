import type { Db } from '../store/db';
import type { EventHub } from './event-hub';

export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

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
