/**
 * `Db.lease` on PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) held on a
 * connection of the lease's own, outside the request pool. The process whose session holds the
 * lock holds the lease until it releases it or its session ends — a process that dies, or whose
 * connection is cut, loses it at once (PostgreSQL drops a session's locks with the session), and
 * the next `acquire` of another process takes it.
 *
 * While held, each `acquire` checks that the connection still answers (one `SELECT 1`); a
 * connection that ends or fails drops the lease on the spot. A standby process keeps its
 * connection and tries the lock on each `acquire` (one statement, never waiting).
 *
 * A holder that is frozen or cut off without its TCP connection closing (a stopped process, a
 * vanished machine) would keep its session — and the lease — until the server's TCP keepalive
 * gives up (hours by default). So the lease's session sets `idle_session_timeout` to
 * `idleTimeoutMs(heartbeatMs)`: a holder that stops calling `acquire` for that long has its
 * session ended by PostgreSQL (14+; older servers ignore it), and the lease is free.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Lease } from './db';

/**
 * The advisory-lock key of a lease: the first 64 bits of SHA-256 of its name (an int8). The
 * migration lock's fixed key (`pg-migrate.ts`) is not the hash of any name we use.
 */
export function leaseKey(name: string): string {
  return createHash('sha256').update(`cutline-lease:${name}`).digest().readBigInt64BE(0).toString();
}

/** How long a lease's session may stay silent before PostgreSQL ends it: 5 heartbeats, at least 5 s. */
export const idleTimeoutMs = (heartbeatMs: number): number => Math.max(5000, 5 * heartbeatMs);

export interface PgLease extends Lease {
  readonly held: boolean;
}

export function pgLease(connection: pg.ClientConfig, name: string, instanceId: string, log: (msg: string) => void, heartbeatMs = 1000): PgLease {
  const key = leaseKey(name);
  let client: pg.Client | null = null;
  let held = false;
  // acquire and release never overlap: each waits for the one before.
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = tail.then(fn, fn);
    tail = p.catch(() => undefined);
    return p;
  };

  /** The connection `c` is gone (ended, failed, or we stop using it): so is the lease it held. */
  const drop = (c: pg.Client, why: string) => {
    if (client !== c) return;
    client = null;
    if (held) log(`lost the "${name}" lease: ${why}`);
    held = false;
    c.end().catch(() => undefined);
  };

  const connect = async (): Promise<pg.Client> => {
    const c = new pg.Client({ ...connection, application_name: `cutline:${instanceId}:lease:${name}` });
    // An idle connection the server ends (restart, pg_terminate_backend, network) reports here.
    c.on('error', (e) => drop(c, e.message));
    c.on('end', () => drop(c, 'its connection ended'));
    try {
      await c.connect();
    } catch (e) {
      await c.end().catch(() => undefined);
      throw e;
    }
    try {
      await c.query(`SET idle_session_timeout = ${idleTimeoutMs(heartbeatMs)}`);
    } catch (e) {
      // PostgreSQL before 14 has no such setting: a frozen holder is then noticed by TCP keepalive only.
      if ((e as { code?: string }).code !== '42704') {
        await c.end().catch(() => undefined);
        throw e;
      }
    }
    client = c;
    return c;
  };

  return {
    get held() {
      return held;
    },
    acquire() {
      return serial(async () => {
        if (client && held) {
          const c = client;
          try {
            await c.query('SELECT 1');
            return true;
          } catch (e) {
            drop(c, e instanceof Error ? e.message : String(e));
          }
        }
        const c = client ?? (await connect());
        try {
          const { rows } = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key]);
          held = rows[0].ok === true;
          return held;
        } catch (e) {
          drop(c, e instanceof Error ? e.message : String(e));
          throw e;
        }
      });
    },
    release() {
      return serial(async () => {
        const c = client;
        if (!c) return;
        client = null;
        held = false;
        // Ending the session releases its advisory locks.
        await c.end().catch(() => undefined);
      });
    },
  };
}
