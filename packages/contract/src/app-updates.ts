/**
 * The app's own updates as the window sees them: where the updater is (`phase`), the version on
 * offer, download progress, whether the user put it off and which AI jobs it waits for. Main's
 * update controller (`src/main/core/update-controller.ts`) is the one source; the renderer shows
 * the banner from it (`getUpdateStatus`, `onUpdateStatus`).
 */
import { z } from 'zod';

export const UPDATE_PHASES = [
  /** No updater in this host (a development run, the browser host); `message` says why. */
  'unavailable',
  'idle',
  'checking',
  /** The last check the user asked for found nothing newer. */
  'up-to-date',
  'downloading',
  /** Downloaded and verified: *Restart to update* (or later). */
  'ready',
  /** The user chose *Restart to update* while AI jobs run: restarts when they have settled. */
  'waiting-for-jobs',
  'installing',
  /** The last check or download the user asked for failed; `message` says why. */
  'error',
] as const;
export const UpdatePhaseSchema = z.enum(UPDATE_PHASES);
export type UpdatePhase = z.infer<typeof UpdatePhaseSchema>;

export const UpdateStatusSchema = z.object({
  phase: UpdatePhaseSchema,
  /** The running app's version. */
  currentVersion: z.string(),
  /** The version being downloaded or ready; null when there is none. */
  version: z.string().nullable(),
  /** Download progress 0–100 while downloading. */
  percent: z.number().min(0).max(100).nullable(),
  /** The user chose *Later*: it installs the next time Cutline starts. */
  deferred: z.boolean(),
  /** AI jobs running now (the restart waits for them). */
  runningJobs: z.number().int().nonnegative(),
  /** Why updates are unavailable, or what went wrong; null otherwise. */
  message: z.string().nullable(),
});
export type UpdateStatus = z.infer<typeof UpdateStatusSchema>;
