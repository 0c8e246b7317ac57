/**
 * A real `CutlineCore` against a real credit service, with the I/O a test needs to see: the URLs
 * it opened in "the system browser", its log, every event it emitted, and the deep-link router
 * in front of it (ready, as after the window loaded).
 */
import type { BalanceSnapshot, LedgerEntry } from '@cutline/contract/api';
import type { AppState, Notice } from '@cutline/contract/ipc';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { CutlineCore, type CoreDeps } from '../../../src/main/core/app-core';
import { DeepLinkRouter } from '../../../src/main/core/deep-link-router';
import { MemoryStore } from '../../../src/main/core/key-value-store';
import { memoryLogger } from '../../../src/main/core/logger';
import { MemoryVault } from '../../../src/main/core/vault';
import { DEMO_PASSWORD } from '@cutline/service/test/helpers/client';
import { callbackFor } from '@cutline/service/test/helpers/browser-sign-in';
import { startTestServer, type TestServer } from '@cutline/service/test/helpers/server';
import { until } from './wait';

export interface CoreHarness {
  core: CutlineCore;
  router: DeepLinkRouter;
  vault: MemoryVault;
  settingsStore: MemoryStore;
  opened: string[];
  logger: ReturnType<typeof memoryLogger>;
  states: AppState[];
  balances: BalanceSnapshot[];
  entries: LedgerEntry[];
  /** The entries as they came, one array per pushed change. */
  entryPushes: LedgerEntry[][];
  notices: Notice[];
  /** Signs in through the real sign-in form, as a user in the browser would. */
  signIn(email: string, password?: string): Promise<void>;
  stop(): void;
}

export async function startCore(serviceUrl: string, overrides: Partial<CoreDeps> = {}): Promise<CoreHarness> {
  const opened: string[] = [];
  const logger = memoryLogger();
  const vault = (overrides.vault as MemoryVault | undefined) ?? new MemoryVault();
  const settingsStore = (overrides.settingsStore as MemoryStore | undefined) ?? new MemoryStore();
  const core = new CutlineCore({
    settingsStore,
    dataStore: new MemoryStore(),
    vault,
    openExternal: async (url) => {
      opened.push(url);
    },
    logger,
    env: { CUTLINE_SERVICE_URL: serviceUrl },
    backoff: { baseMs: 20, maxMs: 200 },
    retryBaseMs: 10,
    requestTimeoutMs: 5_000,
    ...overrides,
  });
  const router = new DeepLinkRouter({ logger });
  router.setReady(core.deepLinkHandlers);

  const harness: CoreHarness = {
    core,
    router,
    vault,
    settingsStore,
    opened,
    logger,
    states: [],
    balances: [],
    entries: [],
    entryPushes: [],
    notices: [],
    async signIn(email, password = DEMO_PASSWORD) {
      const started = await core.cutline.signIn();
      if (!started.ok) throw new Error(`signIn: ${started.error.message}`);
      const callback = await callbackFor(opened[opened.length - 1], email, password);
      const outcome = router.receive(callback, 'open-url');
      if (outcome !== 'delivered') throw new Error(`callback ${outcome}`);
      await until(() => harness.notices.some((n) => n.kind === 'signed-in' && n.email === email), `signed in as ${email}`);
      await until(() => core.stream.connected, 'event stream open');
    },
    stop() {
      core.stop();
    },
  };
  core.cutline.onState((s) => harness.states.push(s));
  core.cutline.onBalance((b) => harness.balances.push(b));
  core.cutline.onLedgerEntries((e) => {
    harness.entries.push(...e);
    harness.entryPushes.push(e);
  });
  core.cutline.onNotice((n) => harness.notices.push(n));
  await core.start();
  return harness;
}

export interface CoreSuite {
  /** The suite's credit service (started before the first test, closed after the last). */
  readonly server: TestServer;
  /** A started core against `serviceUrl` (the suite's service by default), stopped after the test. */
  core(overrides?: Partial<CoreDeps>, serviceUrl?: string): Promise<CoreHarness>;
  /** `core()`, signed in through the real sign-in form. */
  signedIn(email: string, password?: string, overrides?: Partial<CoreDeps>): Promise<CoreHarness>;
  /** Stops every core started so far (done after each test anyway). */
  stopCores(): void;
}

/**
 * The lifecycle every core integration file shares: one real service for the file (`serverOptions`
 * as for `startTestServer`), every core a test starts stopped after it, then `afterEachTest` (a
 * file's own clean-up, e.g. closing a proxy), and the service closed after the last test.
 * Call it at the top level of the test file.
 */
export function useCoreSuite(
  serverOptions: Parameters<typeof startTestServer>[0] = {},
  afterEachTest?: () => unknown,
): CoreSuite {
  let server: TestServer | undefined;
  const harnesses: CoreHarness[] = [];
  const stopCores = () => {
    for (const h of harnesses.splice(0)) h.stop();
  };
  beforeAll(async () => {
    server = await startTestServer(serverOptions);
  });
  afterEach(async () => {
    stopCores();
    await afterEachTest?.();
  });
  afterAll(async () => {
    await server?.close();
  });
  const suite: CoreSuite = {
    get server() {
      if (!server) throw new Error("the suite's service is not started yet (use it inside a test or hook)");
      return server;
    },
    async core(overrides = {}, serviceUrl = suite.server.url) {
      const h = await startCore(serviceUrl, overrides);
      harnesses.push(h);
      return h;
    },
    async signedIn(email, password, overrides = {}) {
      const h = await suite.core(overrides);
      await h.signIn(email, password);
      return h;
    },
    stopCores,
  };
  return suite;
}
