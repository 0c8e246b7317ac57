/**
 * Turns whatever a request to the service threw into an `AppError` value the UI can show
 * (docs/api.md § Errors): the service's own code and message when it sent one, else a code from the
 * HTTP status, `timeout`, or `offline` when the service could not be reached at all.
 */
import { HTTPError, TimeoutError } from 'ky';
import { ChargeConflictSchema, ErrorBodySchema, InsufficientCreditsSchema } from '@cutline/contract/api';
import { APP_ERROR_CODES, type AppError, type AppErrorCode } from '@cutline/contract/result';

const STATUS_CODES: Record<number, AppErrorCode> = {
  400: 'invalid_request',
  401: 'unauthorized',
  402: 'insufficient_credits',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  422: 'idempotency_mismatch',
  429: 'rate_limited',
};

const isAppErrorCode = (code: string): code is AppErrorCode => (APP_ERROR_CODES as readonly string[]).includes(code);

export async function appErrorFromResponse(response: Response): Promise<AppError> {
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => null);
  const parsed = ErrorBodySchema.safeParse(body);
  const byStatus = STATUS_CODES[response.status] ?? (response.status >= 500 ? 'server_error' : 'invalid_request');
  const code = parsed.success && isAppErrorCode(parsed.data.error) ? parsed.data.error : byStatus;
  const message = parsed.success ? parsed.data.message : `The Cutline service answered ${response.status}.`;
  if (code === 'insufficient_credits') {
    const numbers = InsufficientCreditsSchema.safeParse(body);
    if (numbers.success) {
      const { cost, available, reason } = numbers.data;
      return reason ? { code, message, cost, available, reason } : { code, message, cost, available };
    }
  }
  if (code === 'conflict') {
    const conflict = ChargeConflictSchema.safeParse(body);
    if (conflict.success) return { code, message, reason: conflict.data.reason };
  }
  return { code, message };
}

export async function toAppError(error: unknown): Promise<AppError> {
  if (error instanceof HTTPError) return appErrorFromResponse(error.response);
  if (error instanceof TimeoutError) {
    return { code: 'timeout', message: 'The Cutline service took too long to answer.' };
  }
  if (isNetworkError(error)) {
    return { code: 'offline', message: 'Cannot reach the Cutline service. Check your connection.' };
  }
  return { code: 'internal', message: 'Something went wrong inside Cutline.' };
}

/** fetch() rejects with a TypeError when no response arrived (refused, reset, DNS, aborted). */
export function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError || (error instanceof Error && error.name === 'AbortError');
}
