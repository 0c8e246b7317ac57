/**
 * Counters in the database, shared by every instance on it: the limits on sign-in attempts,
 * sign-ups and password-reset requests. One row per key (`rate_counters`): its hits and the end
 * of its window, which starts with the key's first hit. A hit is one statement — an UPSERT …
 * RETURNING over every key it counts (keys in a fixed order, so two hits never wait on each
 * other in opposite orders) — atomic on both engines, so concurrent hits through any instance
 * each see their own count. The sweep deletes ended windows (`pruneRateCounters`).
 */
import type { Ctx } from '../kernel/context';

/** One key's count after a hit; `expiresAt` names the window (a give-back only ever touches that one). */
export interface Hit {
  key: string;
  hits: number;
  expiresAt: number;
}

/** Counts one hit on each key (a new window of `windowMs` for a key whose window ended) and returns the counts. */
export async function countHits(ctx: Ctx, keys: readonly string[], windowMs: number): Promise<Hit[]> {
  const sorted = [...new Set(keys)].sort();
  const now = ctx.clock.now();
  const rows = await ctx.db.transaction((tx) =>
    tx.all<{ key: string; hits: unknown; expires_at: unknown }>(
      `INSERT INTO rate_counters (key, hits, expires_at) VALUES ${sorted.map(() => '(?, 1, ?)').join(', ')}
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN rate_counters.expires_at <= ? THEN 1 ELSE rate_counters.hits + 1 END,
         expires_at = CASE WHEN rate_counters.expires_at <= ? THEN excluded.expires_at ELSE rate_counters.expires_at END
       RETURNING key, hits, expires_at`,
      [...sorted.flatMap((k) => [k, now + windowMs]), now, now],
    ),
  );
  return rows.map((r) => ({ key: r.key, hits: Number(r.hits), expiresAt: Number(r.expires_at) }));
}

/** Takes back the hits counted (an attempt that was refused unchecked, or turned out legitimate), in their own windows only. */
export async function giveBack(ctx: Ctx, hits: readonly Hit[]): Promise<void> {
  if (!hits.length) return;
  await ctx.db.transaction((tx) =>
    tx.run(
      `UPDATE rate_counters SET hits = hits - 1 WHERE hits > 0 AND (${hits.map(() => '(key = ? AND expires_at = ?)').join(' OR ')})`,
      hits.flatMap((h) => [h.key, h.expiresAt]),
    ),
  );
}

/** The sweep: counters whose window ended. Reads first, so an idle sweep costs no write transaction. */
export async function pruneRateCounters(ctx: Ctx): Promise<void> {
  const now = ctx.clock.now();
  const stale = await ctx.db.read((tx) => tx.get('SELECT 1 AS x FROM rate_counters WHERE expires_at <= ? LIMIT 1', [now]));
  if (stale) await ctx.db.transaction((tx) => tx.run('DELETE FROM rate_counters WHERE expires_at <= ?', [now]));
}
