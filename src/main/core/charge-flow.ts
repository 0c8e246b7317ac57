/**
 * One AI action's credits (docs/product.md § Holds): quote → (the renderer
 * confirms) → hold → (the renderer runs the job) → capture, or release with failed/cancelled.
 *
 * Every snapshot that comes back is offered to the account's `BalanceState` (newest version wins).
 * A hold's Idempotency-Key is derived from the renderer's `actionId`, so asking again for the same
 * action returns the same charge. A 402 becomes `insufficient_credits` with the numbers. A tool is
 * refused before any request when it does not apply to the clip's media (`not_applicable`).
 *
 * A hold made for a target opens the charge in `OpenCharges` (durable, per account): capture and
 * release then go through it, so the job's outcome is recorded before the service is asked and a
 * settlement the service could not receive is retried until it answers (`settle_pending` meanwhile).
 * A 409 whose reason says the hold is gone (`hold_expired`, `charge_released`) becomes `hold_lost`,
 * never retried.
 */
import type { Charge, QuoteResponse } from '@cutline/contract/api';
import type { BalanceState } from '@cutline/contract/balance-state';
import type { ChargeTarget } from '@cutline/contract/ipc';
import type { ChargeProject } from '@cutline/contract/usage';
import type { MediaKind } from '@cutline/contract/media-rules';
import { err, ok, type AppError, type Result } from '@cutline/contract/result';
import { findTool } from '@cutline/contract/tools';
import { BUILT_IN_MEDIA, toolNotApplicable } from '@cutline/contract/tool-media';
import type { ApiClient } from './api-client';
import { idempotencyKeyFor } from './idempotency';
import type { Logger } from './logger';
import type { OpenCharges } from './open-charges';

export interface ChargeFlowDeps {
  service: ApiClient;
  balance: BalanceState;
  openCharges: OpenCharges;
  deviceId: string;
  logger: Logger;
  /** The kind of an imported media item (main's media library); null when it has none by that id. */
  importedKind: (mediaId: string) => MediaKind | null;
}

export class ChargeFlow {
  constructor(private readonly deps: ChargeFlowDeps) {}

  async quote(req: { tool: string; quantity?: number; mediaId?: string }): Promise<Result<QuoteResponse>> {
    const refused = this.applicability(req.tool, req.mediaId);
    if (refused) return refused;
    const result = await this.deps.service.quote({ tool: req.tool, quantity: req.quantity ?? 1 });
    if (!result.ok) return result;
    this.deps.balance.applyBalance(result.value.balance);
    return ok(result.value);
  }

  async hold(req: { actionId: string; tool: string; quantity?: number; target?: ChargeTarget; personalCap?: number; project?: ChargeProject }): Promise<Result<Charge>> {
    const refused = this.applicability(req.tool, req.target ? (req.target.kind === 'clip' ? req.target.mediaId : null) : undefined);
    if (refused) return refused;
    const key = idempotencyKeyFor(this.deps.deviceId, req.actionId);
    const body = {
      tool: req.tool,
      quantity: req.quantity ?? 1,
      device: { id: this.deps.deviceId, platform: 'desktop' as const },
      ...(req.personalCap === undefined ? {} : { personalCap: req.personalCap }),
      // The open project: stored with the hold, so the project's cost counts it.
      ...(req.project ? { project: req.project } : {}),
    };
    const result = await this.deps.service.createCharge(body, key);
    if (!result.ok) {
      const { error } = result;
      if (error.code === 'insufficient_credits') return notEnough(error);
      this.deps.logger.warn('hold failed', { tool: req.tool, code: error.code });
      return result;
    }
    this.deps.balance.applyBalance(result.value.balance);
    if (req.target) this.deps.openCharges.opened(result.value.charge, req.target);
    return ok(result.value.charge);
  }

  async capture(chargeId: string): Promise<Result<Charge>> {
    const journaled = await this.deps.openCharges.finish(chargeId, 'succeeded');
    if (journaled) return journaled;
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
    const journaled = await this.deps.openCharges.finish(chargeId, reason);
    if (journaled) return journaled;
    const result = await this.deps.service.release(chargeId, reason);
    if (!result.ok) return result;
    this.deps.balance.applyBalance(result.value.balance);
    return ok(result.value.charge);
  }

  /**
   * Whether `toolId` may run on `mediaId` (undefined: the caller named no media — the core's own
   * callers; null: no clip, AI Generate). The sentence is the refusal, before any request.
   */
  private applicability(toolId: string, mediaId: string | null | undefined): Result<never> | null {
    if (mediaId === undefined) return null;
    let kind: MediaKind | null = null;
    if (mediaId !== null) {
      kind = BUILT_IN_MEDIA[mediaId] ?? this.deps.importedKind(mediaId);
      if (!kind) return err('not_found', 'That media is no longer in this project, so the tool cannot run on it.');
    }
    const reason = toolNotApplicable(toolId, findTool(toolId)?.name ?? toolId, kind);
    if (!reason) return null;
    this.deps.logger.warn('tool refused: not applicable', { tool: toolId, kind });
    return err('not_applicable', reason);
  }
}

/** A refused hold (402) in words, with its numbers and why: the member's limit, too few credits, or the personal cap agreed to. */
function notEnough(error: AppError): Result<never> {
  const known = error.cost !== undefined && error.available !== undefined;
  const numbers = known ? { cost: error.cost, available: error.available } : {};
  const extra = error.reason ? { ...numbers, reason: error.reason } : numbers;
  switch (error.reason) {
    case 'member_limit':
      return err('insufficient_credits', "Your limit on the team's credits is reached for this cycle. Nothing was charged.", extra);
    case 'personal_cap':
      return err(
        'insufficient_credits',
        "The team's credits changed since you confirmed: this action now needs more of your own credits than you agreed to. Nothing was charged.",
        extra,
      );
    default: {
      const detail = known ? ` This needs ${error.cost} credits and ${error.available} are available.` : '';
      return err('insufficient_credits', `Not enough credits.${detail} Buy credits or upgrade to Pro.`, extra);
    }
  }
}
