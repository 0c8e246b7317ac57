/**
 * The outbox's storage: work to do after a commit (`topic` + JSON `payload`), written in the
 * transaction of the change that calls for it, then claimed, done and deleted by a worker
 * (`worker.ts`). A claim is one statement that takes due rows and stamps a lease on them
 * (`locked_until`): other instances skip rows being claimed (`FOR UPDATE SKIP LOCKED` on
 * PostgreSQL; SQLite's one writer needs no row lock) and rows under a lease, so each row is
 * worked on by one instance at a time; a row whose worker died is taken again once its lease ends.
 */
import type { Tx } from '../../db/db';

export interface OutboxRow {
  id: number;
  payload: string;
  /** Attempts so far, this one included. */
  attempts: number;
  createdAt: number;
}

export async function enqueue(tx: Tx, topic: string, payload: unknown, now: number): Promise<void> {
  await tx.run('INSERT INTO outbox (topic, payload, attempts, next_attempt_at, created_at) VALUES (?, ?, 0, ?, ?)', [topic, JSON.stringify(payload), now, now]);
}

const DUE = 'topic = ? AND failed_at IS NULL AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until <= ?)';

/** Whether anything is due (a read: an idle worker costs no write transaction). */
export async function anyDue(tx: Tx, topic: string, now: number): Promise<boolean> {
  return (await tx.get(`SELECT 1 AS x FROM outbox WHERE ${DUE} LIMIT 1`, [topic, now, now])) !== undefined;
}

/** Takes up to `limit` due rows, oldest due first, under a lease until `leaseUntil`; counts the attempt. */
export async function claimDue(tx: Tx, topic: string, now: number, leaseUntil: number, limit: number): Promise<OutboxRow[]> {
  const skipLocked = tx.serialisesWriters ? '' : ' FOR UPDATE SKIP LOCKED';
  const rows = await tx.all<{ id: unknown; payload: string; attempts: unknown; created_at: unknown }>(
    `UPDATE outbox SET locked_until = ?, attempts = attempts + 1
     WHERE id IN (SELECT id FROM outbox WHERE ${DUE} ORDER BY next_attempt_at, id LIMIT ?${skipLocked})
     RETURNING id, payload, attempts, created_at`,
    [leaseUntil, topic, now, now, limit],
  );
  return rows.map((r) => ({ id: Number(r.id), payload: r.payload, attempts: Number(r.attempts), createdAt: Number(r.created_at) })).sort((a, b) => a.id - b.id);
}

/** Done: the row goes (its payload may hold a one-time link). */
export async function deleteRow(tx: Tx, id: number): Promise<void> {
  await tx.run('DELETE FROM outbox WHERE id = ?', [id]);
}

export async function retryLater(tx: Tx, id: number, at: number, error: string): Promise<void> {
  await tx.run('UPDATE outbox SET next_attempt_at = ?, locked_until = NULL, last_error = ? WHERE id = ?', [at, error.slice(0, 500), id]);
}

/** Given up: kept, marked failed, for an operator to see (pruned with the sweep after a week). */
export async function markFailed(tx: Tx, id: number, now: number, error: string): Promise<void> {
  await tx.run('UPDATE outbox SET failed_at = ?, locked_until = NULL, last_error = ? WHERE id = ?', [now, error.slice(0, 500), id]);
}

export async function anyFailedBefore(tx: Tx, topic: string, cutoff: number): Promise<boolean> {
  return (await tx.get('SELECT 1 AS x FROM outbox WHERE topic = ? AND failed_at IS NOT NULL AND failed_at < ? LIMIT 1', [topic, cutoff])) !== undefined;
}

export async function deleteFailedBefore(tx: Tx, topic: string, cutoff: number): Promise<void> {
  await tx.run('DELETE FROM outbox WHERE topic = ? AND failed_at IS NOT NULL AND failed_at < ?', [topic, cutoff]);
}
