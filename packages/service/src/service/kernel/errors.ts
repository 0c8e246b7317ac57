import type { ErrorCode } from '@cutline/contract/api';

const STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  insufficient_credits: 402,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  idempotency_mismatch: 422,
  rate_limited: 429,
};

const CODE_OF_STATUS = new Map<number, ErrorCode>(Object.entries(STATUS).map(([code, status]) => [status, code as ErrorCode]));

/**
 * The error code an answer of `status` stands for when none was given (a web page's 4xx,
 * Fastify's own 503 while closing): the contract's code of that status, `internal` for a 5xx,
 * else `http_<status>`.
 */
export function codeForStatus(status: number): string {
  return CODE_OF_STATUS.get(status) ?? (status === 503 ? 'unavailable' : status >= 500 ? 'internal' : status === 413 || status === 415 ? 'invalid_request' : `http_${status}`);
}

/** A refusal the API reports as `{"error", "message", …extra}` with the status of its code. */
export class ServiceError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
    status?: number,
  ) {
    super(message);
    this.status = status ?? STATUS[code];
  }
  body(): Record<string, unknown> {
    return { error: this.code, message: this.message, ...this.extra };
  }
}

export const notFound = (what: string) => new ServiceError('not_found', `${what} not found`);
export const conflict = (message: string) => new ServiceError('conflict', message);
export const invalid = (message: string) => new ServiceError('invalid_request', message);

/**
 * A performance seam's stated invariant found broken at run time (a cache that disagrees with the
 * rows it stands for): not a refusal, a fault. The work is rolled back; its owner drops what it
 * trusted and does it again from the database.
 */
export class InvariantBroken extends Error {
  constructor(
    readonly invariant: string,
    detail: string,
  ) {
    super(`invariant "${invariant}" broken: ${detail}`);
  }
}
