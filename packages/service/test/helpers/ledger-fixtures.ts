/**
 * Fixtures for tests that drive the service functions directly on an engine (no HTTP): a `Ctx`
 * over a database with a given clock, and a seeder of credit batches.
 */
import type { Ctx, ServiceConfig } from '../../src/service/kernel/context';
import { EventHub } from '../../src/service/events/hub';
import { Metrics } from '../../src/service/kernel/metrics';
import type { Db, Tx } from '../../src/db/db';

/** A service context on `db` whose clock reads `now()`; holds last 15 minutes unless `config` says otherwise. */
export function testCtx(db: Db, now: () => number, hub: EventHub = new EventHub(), config: Partial<ServiceConfig> = {}): Ctx {
  return {
    db,
    clock: { now },
    hub,
    metrics: new Metrics({ openStreams: () => hub.connectionCount }),
    config: { publicUrl: 'http://x.test', holdTtlMs: 900_000, accessTokenTtlS: 3600, refreshTokenTtlS: 86_400, ...config },
  };
}

/**
 * Inserts full batches (remaining = amount, source 'test') granted at `grantedAt`:
 * `batch(id, ownerKind, ownerId, type, amount, expiresAt)`.
 */
export function batchSeeder(tx: Tx, grantedAt: number) {
  return (id: string, kind: string, owner: string, type: string, amount: number, expires: number | null) =>
    tx.run("INSERT INTO batches (id, owner_kind, owner_id, type, amount, remaining, granted_at, expires_at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'test')", [
      id, kind, owner, type, amount, amount, grantedAt, expires,
    ]);
}
