/**
 * Opening the web (docs/product.md § Where money changes hands: purchases and the exchange happen only there). Signed in,
 * the core asks `/v1/handoff` for a one-time link that signs the browser in and goes to the page;
 * signed out, it opens the page itself. Either way the URL goes to the opener only if it passes
 * the allowlist and leads to the page asked for.
 */
import type { HandoffPath } from '@cutline/contract/credit-types';
import { err, ok, type Result } from '@cutline/contract/result';
import type { ApiClient } from './api-client';
import { describeUrlSafely, type Logger } from './logger';
import type { Session } from './session';
import { externalUrlProblem, isAllowedExternalUrl, type AllowedOrigins } from './url-allowlist';

export interface WebHandoffDeps {
  service: ApiClient;
  session: Session;
  origins: AllowedOrigins;
  /** Opens a URL in the system browser; only ever given allowlisted URLs. */
  openExternal: (url: string) => Promise<void>;
  logger: Logger;
  /** The browser host's loopback `/return` page, for the web pages' *Return to Cutline* links. */
  returnUrl?: string;
}

/** True when `url` is on the allowlist and leads to `path` (directly or through /handoff). */
export function leadsTo(url: string, path: HandoffPath, origins: AllowedOrigins): boolean {
  if (!isAllowedExternalUrl(url, origins)) return false;
  const parsed = new URL(url);
  if (parsed.origin !== origins.webOrigin) return false;
  if (parsed.pathname === path) return true;
  return parsed.pathname === '/handoff' && parsed.searchParams.get('next') === path;
}

export class WebHandoff {
  constructor(private readonly deps: WebHandoffDeps) {}

  async open(path: HandoffPath): Promise<Result<void>> {
    let url = `${this.deps.origins.webOrigin}${path}`;
    if (this.deps.session.signedIn) {
      const link = await this.deps.service.handoff(path, this.deps.returnUrl);
      if (!link.ok) return link;
      url = link.value.url;
    }
    if (!leadsTo(url, path, this.deps.origins)) {
      this.deps.logger.warn('handoff link refused by the allowlist', { url: describeUrlSafely(url) });
      return err('not_allowed', 'The service sent a link this app will not open.');
    }
    return openChecked(url, this.deps);
  }
}

/** Hands an allowlisted URL to the opener; refuses anything else. */
export async function openChecked(
  url: string,
  deps: { origins: AllowedOrigins; openExternal: (url: string) => Promise<void>; logger: Logger },
): Promise<Result<void>> {
  const problem = externalUrlProblem(url, deps.origins);
  if (problem) {
    deps.logger.warn('external URL refused', { url: describeUrlSafely(url), reason: problem });
    return err('not_allowed', `This link is not one Cutline opens: ${problem}.`);
  }
  try {
    await deps.openExternal(url);
    return ok(undefined);
  } catch {
    deps.logger.warn('could not open the browser', { url: describeUrlSafely(url) });
    return err('internal', 'Could not open your web browser.');
  }
}
