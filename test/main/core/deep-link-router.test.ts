import { describe, expect, it } from 'vitest';
import { DeepLinkRouter, type DeepLinkHandlers } from '../../../src/main/core/deep-link-router';
import { memoryLogger } from '../../../src/main/core/logger';
import { REDIRECT_URI } from '@cutline/contract/oauth-client';

function recordingHandlers(issued: string[]) {
  const calls: string[] = [];
  const handlers: DeepLinkHandlers = {
    isIssuedState: (state) => issued.includes(state),
    authCallback: (code, state) => calls.push(`auth ${code} ${state}`),
    storeComplete: (order) => calls.push(`store ${order}`),
    exchangeComplete: () => calls.push('exchange'),
    upgradeComplete: () => calls.push('upgrade'),
  };
  return { calls, handlers };
}

describe('DeepLinkRouter', () => {
  it('queues links until ready, then delivers them in order', () => {
    const logger = memoryLogger();
    const router = new DeepLinkRouter({ logger });
    expect(router.receive('cutline://store/complete?order=1', 'argv')).toBe('queued');
    expect(router.receive('cutline://exchange/complete', 'open-url')).toBe('queued');
    const { calls, handlers } = recordingHandlers([]);
    router.setReady(handlers);
    expect(calls).toEqual(['store 1', 'exchange']);
    expect(router.receive('cutline://store/complete?order=2', 'second-instance')).toBe('delivered');
    expect(calls).toEqual(['store 1', 'exchange', 'store 2']);
  });

  it('drops and logs malformed links without keeping their secrets in the log', () => {
    const logger = memoryLogger();
    const router = new DeepLinkRouter({ logger });
    router.setReady(recordingHandlers([]).handlers);
    expect(router.receive('cutline://evil/callback?code=SECRET&state=s', 'open-url')).toBe('dropped');
    expect(logger.records).toHaveLength(1);
    expect(logger.records[0]).toMatchObject({ level: 'warn', message: 'deep link dropped', fields: { reason: 'unknown link' } });
    expect(JSON.stringify(logger.records)).not.toContain('SECRET');
  });

  it('delivers a sign-in callback only for a state it issued', () => {
    const logger = memoryLogger();
    const router = new DeepLinkRouter({ logger });
    const { calls, handlers } = recordingHandlers(['good']);
    router.setReady(handlers);
    expect(router.receive(`${REDIRECT_URI}?code=c1&state=forged`, 'open-url')).toBe('dropped');
    expect(router.receive(`${REDIRECT_URI}?code=c2&state=good`, 'open-url')).toBe('delivered');
    expect(calls).toEqual(['auth c2 good']);
    expect(logger.records.find((r) => r.fields.reason === 'state not issued by this app')).toBeDefined();
  });

  it('checks the state of a queued callback when it is delivered', () => {
    const router = new DeepLinkRouter({ logger: memoryLogger() });
    expect(router.receive(`${REDIRECT_URI}?code=c&state=old-run`, 'argv')).toBe('queued');
    const { calls, handlers } = recordingHandlers([]);
    router.setReady(handlers);
    expect(calls).toEqual([]);
  });

  it('brings the window forward for every delivered link only', () => {
    const delivered: string[] = [];
    const router = new DeepLinkRouter({ logger: memoryLogger(), onDelivered: (link) => delivered.push(link.kind) });
    router.setReady(recordingHandlers([]).handlers);
    router.receive('cutline://exchange/complete', 'open-url');
    router.receive('cutline://nope', 'open-url');
    expect(delivered).toEqual(['exchange-complete']);
  });

  it('bounds the queue', () => {
    const router = new DeepLinkRouter({ logger: memoryLogger(), maxQueued: 2 });
    router.receive('cutline://exchange/complete', 'argv');
    router.receive('cutline://exchange/complete', 'argv');
    expect(router.receive('cutline://exchange/complete', 'argv')).toBe('dropped');
  });
});
