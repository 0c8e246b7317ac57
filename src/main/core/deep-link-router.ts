/**
 * Routes `cutline://` URLs from the OS (first-launch argv, `second-instance`, `open-url`, or the
 * browser host's endpoint) to the app. Links are parsed when they arrive; anything malformed or
 * unknown is dropped and logged. Until the app is ready (window loaded, core started) accepted
 * links wait in a short queue. A sign-in callback is delivered only if its `state` is one this
 * app issued and has not used; otherwise it is dropped and logged too.
 */
import { parseDeepLink, type DeepLink } from './deep-link';
import { describeUrlSafely, type Logger } from './logger';

export type DeepLinkSource = 'argv' | 'second-instance' | 'open-url' | 'devhost';
export type DeepLinkOutcome = 'delivered' | 'queued' | 'dropped';

export interface DeepLinkHandlers {
  isIssuedState(state: string): boolean;
  authCallback(code: string, state: string): void;
  storeComplete(order: string): void;
  exchangeComplete(): void;
  upgradeComplete(): void;
}

export interface DeepLinkRouterOptions {
  logger: Logger;
  /** Called for every delivered link (brings the window to the front). */
  onDelivered?: (link: DeepLink) => void;
  maxQueued?: number;
}

export class DeepLinkRouter {
  private handlers: DeepLinkHandlers | null = null;
  private readonly queue: { link: DeepLink; source: DeepLinkSource }[] = [];

  constructor(private readonly options: DeepLinkRouterOptions) {}

  get ready(): boolean {
    return this.handlers !== null;
  }

  receive(raw: string, source: DeepLinkSource): DeepLinkOutcome {
    const parsed = parseDeepLink(raw);
    if (!parsed.ok) {
      this.options.logger.warn('deep link dropped', { reason: parsed.reason, source, url: describeUrlSafely(raw) });
      return 'dropped';
    }
    if (!this.handlers) {
      if (this.queue.length >= (this.options.maxQueued ?? 10)) {
        this.options.logger.warn('deep link dropped', { reason: 'queue full', source, url: describeUrlSafely(raw) });
        return 'dropped';
      }
      this.queue.push({ link: parsed.link, source });
      return 'queued';
    }
    return this.deliver(parsed.link, source) ? 'delivered' : 'dropped';
  }

  /** The app is ready: links from now on are delivered at once, queued ones now, in order. */
  setReady(handlers: DeepLinkHandlers): void {
    this.handlers = handlers;
    for (const { link, source } of this.queue.splice(0)) this.deliver(link, source);
  }

  private deliver(link: DeepLink, source: DeepLinkSource): boolean {
    const handlers = this.handlers!;
    if (link.kind === 'auth-callback' && !handlers.isIssuedState(link.state)) {
      this.options.logger.warn('deep link dropped', { reason: 'state not issued by this app', source, url: 'cutline://auth/callback' });
      return false;
    }
    this.options.logger.info('deep link accepted', { kind: link.kind, source });
    switch (link.kind) {
      case 'auth-callback':
        handlers.authCallback(link.code, link.state);
        break;
      case 'store-complete':
        handlers.storeComplete(link.order);
        break;
      case 'exchange-complete':
        handlers.exchangeComplete();
        break;
      case 'upgrade-complete':
        handlers.upgradeComplete();
        break;
    }
    this.options.onDelivered?.(link);
    return true;
  }
}
