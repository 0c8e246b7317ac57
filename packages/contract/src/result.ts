/**
 * Errors are values with a code the UI can show (a rule of the codebase), not strings thrown
 * across layers. Every core operation the renderer calls returns a Result.
 */
import { z } from 'zod';
import { CHARGE_CONFLICT_REASONS, ERROR_CODES, INSUFFICIENT_REASONS } from './api';

export const APP_ERROR_CODES = [
  // from the credit service (docs/api.md § Errors)
  ...ERROR_CODES,
  // from the desktop core itself
  'offline', // the service cannot be reached
  'signed_out', // the action needs an account
  'hold_lost', // the hold was released or expired before capture (409 on capture)
  'settle_pending', // the job's outcome is recorded; main captures / releases once the service answers
  'not_applicable', // the tool does not apply to that media (an audio clip for Remove Background)
  'timeout',
  'server_error',
  'not_allowed', // a URL or path outside the allowlist
  'cancelled',
  'internal',
] as const;
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export const AppErrorSchema = z.object({
  code: z.enum(APP_ERROR_CODES),
  /** A sentence a person understands. */
  message: z.string(),
  /** For insufficient_credits: what the action costs and what is available. */
  cost: z.number().int().optional(),
  available: z.number().int().optional(),
  /**
   * Which case the service said it is (docs/api.md): for a charge's conflict, the 409's reason; for
   * insufficient_credits, what stopped it — the member's limit, too few credits, or the personal cap.
   */
  reason: z.enum([...CHARGE_CONFLICT_REASONS, ...INSUFFICIENT_REASONS]).optional(),
});
export type AppError = z.infer<typeof AppErrorSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = (code: AppErrorCode, message: string, extra: Partial<AppError> = {}): Result<never> => ({
  ok: false,
  error: { code, message, ...extra },
});
