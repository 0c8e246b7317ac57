/**
 * The credit service's HTTP API (docs/api.md § Account and balance, § Charges) on ky.
 *
 * - base URL from the settings; the Bearer header added to every request by a hook;
 * - a 401 refreshes the session once (shared with any concurrent caller) and retries;
 * - timeouts on every request; automatic retries (with backoff and jitter) only for requests that
 *   are safe to repeat: GETs, and POSTs the service makes idempotent (a charge with its
 *   Idempotency-Key, capture, release);
 * - every body is validated with the shared schema; every failure is an `AppError` value.
 */
import ky, { type KyInstance, type Options } from 'ky';
import type { z } from 'zod';
import {
  BalanceSnapshotSchema,
  ChargeResponseSchema,
  ChargeSchema,
  HandoffResponseSchema,
  LedgerPageSchema,
  LimitRequestSchema,
  MeSchema,
  OrderSchema,
  QuoteResponseSchema,
  TeamSchema,
  ToolSchema,
  type Device,
} from '@cutline/contract/api';
import type { LimitRequestStatus } from '@cutline/contract/credit-types';
import type { HandoffPath } from '@cutline/contract/credit-types';
import { UsageSchema, type ChargeProject, type UsageGroup } from '@cutline/contract/usage';
import { err, ok, type Result } from '@cutline/contract/result';
import { toAppError } from './http-errors';
import type { Session } from './session';
import type { Settings } from './settings';

export interface ApiClientDeps {
  settings: Settings;
  fetch: typeof fetch;
  session: Session;
  /** Per request, including its retries. */
  timeoutMs?: number;
  /** First retry delay; doubles per attempt, with full jitter. */
  retryBaseMs?: number;
}

interface Call {
  method: 'get' | 'post';
  path: string;
  json?: unknown;
  searchParams?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** The service treats a repeat of this request as the same request: safe to retry. */
  idempotent?: boolean;
}

const ToolListSchema = ToolSchema.array();
const LimitRequestListSchema = LimitRequestSchema.array();

export class ApiClient {
  private readonly http: KyInstance;
  private readonly retryBaseMs: number;

  constructor(private readonly deps: ApiClientDeps) {
    this.retryBaseMs = deps.retryBaseMs ?? 300;
    this.http = ky.create({
      prefixUrl: deps.settings.serviceUrl,
      fetch: deps.fetch,
      timeout: deps.timeoutMs ?? 15_000,
      hooks: {
        beforeRequest: [
          (request) => {
            const token = deps.session.accessToken();
            if (token) request.headers.set('Authorization', `Bearer ${token}`);
          },
        ],
      },
    });
  }

  me() {
    return this.call(MeSchema, { method: 'get', path: 'v1/me' });
  }

  balance() {
    return this.call(BalanceSnapshotSchema, { method: 'get', path: 'v1/balance' });
  }

  tools() {
    return this.call(ToolListSchema, { method: 'get', path: 'v1/tools' });
  }

  ledger(query: { limit?: number; before?: string }) {
    return this.call(LedgerPageSchema, { method: 'get', path: 'v1/ledger', searchParams: query });
  }

  usage(query: { from?: string; to?: string; groupBy?: UsageGroup; project?: string }) {
    return this.call(UsageSchema, { method: 'get', path: 'v1/usage', searchParams: query });
  }

  quote(req: { tool: string; quantity: number }) {
    return this.call(QuoteResponseSchema, { method: 'post', path: 'v1/quotes', json: req });
  }

  createCharge(req: { tool: string; quantity: number; device: Device; personalCap?: number; project?: ChargeProject }, idempotencyKey: string) {
    return this.call(ChargeResponseSchema, {
      method: 'post',
      path: 'v1/charges',
      json: req,
      headers: { 'Idempotency-Key': idempotencyKey },
      idempotent: true,
    });
  }

  capture(chargeId: string) {
    return this.call(ChargeResponseSchema, {
      method: 'post',
      path: `v1/charges/${encodeURIComponent(chargeId)}/capture`,
      json: {},
      idempotent: true,
    });
  }

  release(chargeId: string, reason: 'failed' | 'cancelled') {
    return this.call(ChargeResponseSchema, {
      method: 'post',
      path: `v1/charges/${encodeURIComponent(chargeId)}/release`,
      json: { reason },
      idempotent: true,
    });
  }

  /** One of the account's charges as the service has it now (what a refused settlement came to). */
  charge(chargeId: string) {
    return this.call(ChargeSchema, { method: 'get', path: `v1/charges/${encodeURIComponent(chargeId)}` });
  }

  /** The account's team: the pool, and the members the caller may see (docs/api.md § Teams). */
  team() {
    return this.call(TeamSchema, { method: 'get', path: 'v1/team' });
  }

  /** Limit requests: every member's for a team admin, one's own otherwise. */
  limitRequests(status?: LimitRequestStatus) {
    return this.call(LimitRequestListSchema, { method: 'get', path: 'v1/team/limit-requests', searchParams: { status } });
  }

  /** Asks the team admins for `credits` more on this member's limit (not retried: a repeat is a second request). */
  requestMore(req: { credits: number; note?: string }) {
    return this.call(LimitRequestSchema, { method: 'post', path: 'v1/team/limit-requests', json: req });
  }

  /** One of the signed-in account's store orders (extension `GET /v1/orders/:id`); another's → `not_found`. */
  order(orderId: string) {
    return this.call(OrderSchema, { method: 'get', path: `v1/orders/${encodeURIComponent(orderId)}` });
  }

  handoff(next: HandoffPath, returnTo?: string) {
    return this.call(HandoffResponseSchema, { method: 'post', path: 'v1/handoff', json: returnTo ? { next, returnTo } : { next } });
  }

  private async call<S extends z.ZodType>(schema: S, call: Call): Promise<Result<z.infer<S>>> {
    const { session } = this.deps;
    if (!session.signedIn) return err('signed_out', 'Sign in to continue.');
    let refreshed = false;
    const options: Options = {
      method: call.method,
      json: call.json,
      searchParams: call.searchParams,
      headers: call.headers,
      retry: {
        limit: 2,
        methods: call.idempotent ? ['get', 'post'] : ['get'],
        statusCodes: [408, 429, 500, 502, 503, 504],
        retryOnTimeout: call.method === 'get' || call.idempotent === true,
        delay: (attempt) => this.retryBaseMs * 2 ** (attempt - 1),
        jitter: true,
        backoffLimit: 5_000,
      },
      hooks: {
        afterResponse: [
          async (request, _options, response) => {
            if (response.status !== 401 || refreshed) return;
            refreshed = true;
            const used = request.headers.get('authorization')?.replace(/^Bearer /, '');
            const fresh = await session.refresh(used);
            // the beforeRequest hook puts the fresh token on the retried request
            if (fresh.ok) return ky.retry({ delay: 0, code: 'TOKEN_REFRESHED' });
          },
        ],
      },
    };
    let body: unknown;
    try {
      body = await this.http(call.path, options).json();
    } catch (error) {
      const appError = await toAppError(error);
      if (appError.code === 'unauthorized' && !session.signedIn) {
        return err('signed_out', 'Your session has ended. Sign in again.');
      }
      return { ok: false, error: appError };
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) return err('server_error', 'The Cutline service sent an answer this app does not understand.');
    return ok(parsed.data);
  }
}
