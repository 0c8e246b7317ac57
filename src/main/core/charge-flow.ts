/**
 * One AI action's credits (docs/product.md § Holds): quote → (the renderer
 * confirms) → hold → (the renderer runs the job) → capture, or release with failed/cancelled.
 *
 * Every snapshot that comes back goes through `applyBalance`. A hold's Idempotency-Key is derived
 * from the renderer's `actionId`, so asking again for the same action returns the same charge.
 * A 402 becomes `insufficient_credits` with the numbers; a 409 whose reason says the hold is gone
 * (`hold_expired`, `charge_released`) becomes `hold_lost` and is reported, never retried.
 */
import type { Charge, QuoteResponse } from '@cutline/contract/api';
import { err, ok, type Result } from '@cutline/contract/result';
import type { ApiClient } from './api-client';
import type { BalanceState } from './balance-state';
import { idempotencyKeyFor } from './idempotency';
import type { Logger } from './logger';

export interface ChargeFlowDeps {
  service: ApiClient;
  balance: BalanceState;
  deviceId: string;
  logger: Logger;
}

export class ChargeFlow {
  constructor(private readonly deps: ChargeFlowDeps) {}

  async quote(req: { tool: string; quantity?: number }): Promise<Result<QuoteResponse>> {
    const result = await this.deps.service.quote({ tool: req.tool, quantity: req.quantity ?? 1 });
    if (!result.ok) return result;
    this.deps.balance.applyBalance(result.value.balance);
    return ok(result.value);
  }

  async hold(req: { actionId: string; tool: string; quantity?: number }): Promise<Result<Charge>> {
    const key = idempotencyKeyFor(this.deps.deviceId, req.actionId);
    const result = await this.deps.service.createCharge(
      { tool: req.tool, quantity: req.quantity ?? 1, device: { id: this.deps.deviceId, platform: 'desktop' } },
      key,
    );
    if (!result.ok) {
      const { error } = result;
      if (error.code === 'insufficient_credits') {
        const numbers = error.cost !== undefined && error.available !== undefined ? { cost: error.cost, available: error.available } : {};
        const detail =
          error.cost !== undefined && error.available !== undefined
            ? ` This needs ${error.cost} credits and ${error.available} are available.`
            : '';
        return err('insufficient_credits', `Not enough credits.${detail} Buy credits or upgrade to Pro.`, numbers);
      }
      this.deps.logger.warn('hold failed', { tool: req.tool, code: error.code });
      return result;
    }
    this.deps.balance.applyBalance(result.value.balance);
    return ok(result.value.charge);
  }

  async capture(chargeId: string): Promise<Result<Charge>> {
    const result = await this.deps.service.capture(chargeId);
    if (!result.ok) {
      if (result.error.reason === 'hold_expired' || result.error.reason === 'charge_released') {
        this.deps.logger.warn('capture refused: hold lost', { chargeId, reason: result.error.reason });
        return err('hold_lost', 'The credits held for this action were returned before it finished, so nothing was charged.');
      }
      return result;
    }
    this.deps.balance.applyBalance(result.value.balance);
    return ok(result.value.charge);
  }

  async release(chargeId: string, reason: 'failed' | 'cancelled'): Promise<Result<Charge>> {
    const result = await this.deps.service.release(chargeId, reason);
    if (!result.ok) return result;
    this.deps.balance.applyBalance(result.value.balance);
    return ok(result.value.charge);
  }
}
