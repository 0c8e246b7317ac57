/**
 * The charge engine's batch sizes during a run (its `ChargeObserver`, service/charges/engine.ts):
 * how many batches committed, how many steps each carried, and the share of steps that went in
 * batches of each size range.
 */
import type { ChargeObserver } from '../../src/service/charges/engine';

export interface BatchSizes {
  batches: number;
  steps: number;
  /** Steps per committed batch, on average. */
  mean: number;
  /** Share of steps (0–1) by the size of the batch they went in: "1", "2–3", "4–7", … */
  byRange: [string, number][];
}

const RANGES: [number, number][] = [[1, 1], [2, 3], [4, 7], [8, 15], [16, 31], [32, 63], [64, Infinity]];

export function batchRecorder(): { observer: ChargeObserver; read(): BatchSizes } {
  const sizes: number[] = [];
  return {
    observer: { batch: (size, _ms, committed) => void (committed && sizes.push(size)) },
    read() {
      const steps = sizes.reduce((a, b) => a + b, 0);
      const byRange = RANGES.map(([lo, hi]): [string, number] => [
        hi === Infinity ? `${lo}+` : lo === hi ? `${lo}` : `${lo}–${hi}`,
        steps ? sizes.filter((n) => n >= lo && n <= hi).reduce((a, b) => a + b, 0) / steps : 0,
      ]).filter(([, share]) => share > 0);
      return { batches: sizes.length, steps, mean: sizes.length ? steps / sizes.length : 0, byRange };
    },
  };
}

/** "812 batches, 7.9 steps each; steps by batch size: 1 3%, 2–3 10%, 4–7 40%, 8–15 47%". */
export function formatBatchSizes(b: BatchSizes): string {
  if (!b.batches) return 'no batches';
  return `${b.batches} batches, ${b.mean.toFixed(1)} steps each; steps by batch size: ${b.byRange.map(([r, s]) => `${r} ${Math.round(s * 100)}%`).join(', ')}`;
}
