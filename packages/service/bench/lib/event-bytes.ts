/**
 * What the service writes to the `events` table per change: the stored row's text columns
 * (`LENGTH`, characters — the JSON here is ASCII, so bytes), and the full SSE payloads those
 * rows give back (db/event-log.ts) — what a row stored whole before migration 4.
 */
import type { Db } from '../../src/db/db';
import { eventsBetween } from '../../src/db/event-log';

export async function eventRowBytes(db: Db, since: number): Promise<{ rows: number; stored: number; payload: number }> {
  return db.read(async (tx) => {
    const rows = await tx.all<{ user_id: string; version: unknown; bytes: unknown }>(
      `SELECT user_id, version, LENGTH(COALESCE(payload, '')) + LENGTH(COALESCE(balance, '')) + LENGTH(COALESCE(cause, '')) + LENGTH(COALESCE(seqs, '')) AS bytes
         FROM events WHERE at >= ?`,
      [since],
    );
    let stored = 0;
    let payload = 0;
    for (const r of rows) {
      stored += Number(r.bytes);
      const [e] = await eventsBetween(tx, r.user_id, Number(r.version) - 1, Number(r.version));
      payload += Buffer.byteLength(e.payload);
    }
    return { rows: rows.length, stored, payload };
  });
}
