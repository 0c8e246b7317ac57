/**
 * The desktop app's core (docs/architecture.md § `src/main/core`): everything the main process does, with no
 * Electron in it. It wires the session, the API client, the event stream, the balance, the charge
 * flow, the web handoff and the stored data together, keeps the `AppState` the window chrome
 * shows, and exposes it all as a `CutlineApi` object (`core.cutline`) — the very interface the
 * preload and the browser host's bridge expose to the renderer. All I/O is injected.
 */
import type { BalanceEvent, BalanceSnapshot, LedgerEntry, LimitRequest } from '@cutline/contract/api';
import type { UpdateStatus } from '@cutline/contract/app-updates';
import type { AppState, CutlineApi, MenuCommand, Notice, OpenCharge } from '@cutline/contract/ipc';
import { createCutlineClient, type EventMethod, type InvokeMethod } from '@cutline/contract/ipc-channels';
import { err, ok, type Result } from '@cutline/contract/result';
import { AlertMonitor, type Notifier } from './alerts';
import { ApiClient } from './api-client';
import { AppDataStore } from './app-data-store';
import type { BackoffOptions } from './backoff';
import { BalanceState } from '@cutline/contract/balance-state';
import { ChargeFlow } from './charge-flow';
import { CrashReports } from './crash-reports';
import type { DeepLinkHandlers } from './deep-link-router';
import { Emitter } from './emitter';
import { EventStream } from './event-stream';
import type { KeyValueStore } from './key-value-store';
import { MediaLibrary, readPickedFiles } from './media-library';
import { OpenCharges } from './open-charges';
import { consoleLogger, type Logger } from './logger';
import { PENDING_SIGN_IN_TTL_MS } from './pending-sign-ins';
import type { RandomBytes } from './pkce';
import { Session } from './session';
import { loadSettings, type Settings } from './settings';
import { realTimers, type Timers } from './timers';
import type { AllowedOrigins } from './url-allowlist';
import { UpdateController, type UpdaterPort } from './update-controller';
import type { TokenVault } from './vault';
import { openChecked, WebHandoff } from './web-handoff';

export interface CoreDeps {
  /** Settings (service URL, device id). */
  settingsStore: KeyValueStore;
  /** Projects and prefs. */
  dataStore: KeyValueStore;
  vault: TokenVault;
  /** Opens an allowlisted URL in the system browser. */
  openExternal: (url: string) => Promise<void>;
  /** OS notifications for credit alerts (Electron's adapter); none in the browser host. */
  notifier?: Notifier | null;
  fetch?: typeof fetch;
  logger?: Logger;
  env?: Record<string, string | undefined>;
  now?: () => number;
  random?: () => number;
  randomBytes?: RandomBytes;
  timers?: Timers;
  backoff?: BackoffOptions;
  streamIdleTimeoutMs?: number;
  requestTimeoutMs?: number;
  retryBaseMs?: number;
  /** Where imported media files are copied and the URL the window loads one from. */
  media?: { dir: string; urlFor: (id: string) => string };
  /** The host's native file dialog: the chosen paths ([] when cancelled). */
  pickFiles?: () => Promise<string[]>;
  /** The host's window title. */
  setWindowTitle?: (title: string) => void;
  /**
   * The browser host: sign-in comes back to its loopback page (`http://127.0.0.1:<port>/callback`,
   * RFC 8252 §7.3) instead of the `cutline://` deep link, and web pages' *Return to Cutline* links
   * go through its `/return` page. Electron leaves both unset.
   */
  loopback?: { redirectUri: string; returnUrl: string };
  /** The running app (updates compare against its version; crash reports carry it). */
  appInfo?: { version: string; platform: string; arch: string; electron: string | null };
  /** The host's update mechanism (electron-updater in the packaged app), or why there is none. */
  updater?: UpdaterPort | { unavailable: string };
  /** Told the user's crash-report choice at start and on every change (the native reporter's upload switch). */
  onCrashReportingChange?: (enabled: boolean) => void;
}

/** Where no host passes an updater: development runs and the browser host. */
/** Where a project's cost is counted from: the beginning (the service reads one project's charges by its own index). */
const PROJECT_USAGE_FROM = '1970-01-01T00:00:00.000Z';

export const NO_UPDATER = 'Updates are installed by the packaged app; this copy of Cutline does not update itself.';

interface CoreEvents extends Record<string, unknown> {
  state: AppState;
  balance: BalanceSnapshot;
  ledgerEntries: LedgerEntry[];
  notice: Notice;
  chargeSettled: OpenCharge;
  menuCommand: MenuCommand;
  updateStatus: UpdateStatus;
}

export class CutlineCore {
  readonly settings: Settings;
  readonly origins: AllowedOrigins;
  readonly session: Session;
  readonly service: ApiClient;
  readonly balance = new BalanceState();
  readonly charges: ChargeFlow;
  /** Open charges, durable per account, settled when the service is reachable. */
  readonly openCharges: OpenCharges;
  readonly handoff: WebHandoff;
  readonly data: AppDataStore;
  readonly stream: EventStream;
  readonly alerts: AlertMonitor;
  /** Imported media; null when the host keeps none (tests of other parts). */
  readonly media: MediaLibrary | null;
  /** The renderer-facing API: what `window.cutline` is, in Electron and in the browser host. */
  readonly cutline: CutlineApi;
  /** What the deep-link router delivers to once the app is ready. */
  readonly deepLinkHandlers: DeepLinkHandlers;
  readonly updates: UpdateController;
  readonly crashReports: CrashReports;

  private readonly logger: Logger;
  private readonly events = new Emitter<CoreEvents>();
  private readonly timers: Timers;
  private state: AppState;
  private signingInTimer: unknown = null;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly deps: CoreDeps) {
    const fetchImpl = deps.fetch ?? globalThis.fetch.bind(globalThis);
    const now = deps.now ?? Date.now;
    this.now = now;
    this.logger = deps.logger ?? consoleLogger('cutline-core');
    this.timers = deps.timers ?? realTimers;
    this.settings = loadSettings({
      store: deps.settingsStore,
      env: deps.env ?? {},
      onIgnored: (message) => this.logger.warn('setting ignored', { reason: message }),
    });
    this.origins = { serviceOrigin: new URL(this.settings.serviceUrl).origin, webOrigin: this.settings.webOrigin };

    this.session = new Session({
      settings: this.settings,
      fetch: fetchImpl,
      vault: deps.vault,
      logger: this.logger,
      now,
      random: deps.randomBytes,
      timeoutMs: deps.requestTimeoutMs,
      redirectUri: deps.loopback?.redirectUri,
    });
    this.service = new ApiClient({
      settings: this.settings,
      fetch: fetchImpl,
      session: this.session,
      timeoutMs: deps.requestTimeoutMs,
      retryBaseMs: deps.retryBaseMs,
    });
    // every charge answer's snapshot goes through the balance, as every other one does
    const settleService = {
      capture: async (id: string) => this.withBalance(await this.service.capture(id)),
      release: async (id: string, reason: 'failed' | 'cancelled') => this.withBalance(await this.service.release(id, reason)),
      charge: (id: string) => this.service.charge(id),
    };
    this.openCharges = new OpenCharges({
      store: deps.dataStore,
      service: settleService,
      timers: this.timers,
      logger: this.logger,
      random: deps.random ?? Math.random,
      now,
      onSettled: (charge) => this.events.emit('chargeSettled', charge),
    });
    this.data = new AppDataStore(deps.dataStore, this.logger);
    this.media = deps.media ? new MediaLibrary({ ...deps.media, store: deps.dataStore, logger: this.logger, now }) : null;
    this.charges = new ChargeFlow({
      service: this.service,
      balance: this.balance,
      openCharges: this.openCharges,
      deviceId: this.settings.deviceId,
      logger: this.logger,
      importedKind: (id) => this.media?.kindOf(id) ?? null,
    });
    this.handoff = new WebHandoff({
      service: this.service,
      session: this.session,
      origins: this.origins,
      openExternal: deps.openExternal,
      logger: this.logger,
      returnUrl: deps.loopback?.returnUrl,
    });
    this.stream = new EventStream({
      serviceUrl: this.settings.serviceUrl,
      fetch: fetchImpl,
      session: this.session,
      logger: this.logger,
      random: deps.random,
      timers: this.timers,
      now,
      backoff: deps.backoff,
      idleTimeoutMs: deps.streamIdleTimeoutMs,
      onEvent: (event) => this.onPush(event),
      onOpen: (reconnected) => void this.onStreamOpen(reconnected),
      onStatus: (connection, offlineReason) => this.onConnection(connection, offlineReason),
      onSignedOut: () => this.onSessionEnded(),
    });
    this.alerts = new AlertMonitor({
      store: deps.settingsStore,
      notifier: deps.notifier ?? null,
      logger: this.logger,
      timers: this.timers,
      now,
      onState: (alerts) => this.setState({ alerts }),
      onDue: (alert, osNotified) => this.notify({ kind: 'alert', alert, osNotified }),
    });
    const appInfo = deps.appInfo ?? { version: '0.0.0', platform: process.platform, arch: process.arch, electron: process.versions.electron ?? null };
    this.updates = new UpdateController({
      updater: deps.updater ?? { unavailable: NO_UPDATER },
      currentVersion: appInfo.version,
      platform: appInfo.platform,
      jobs: this.openCharges,
      store: deps.settingsStore,
      timers: this.timers,
      logger: this.logger,
    });
    this.updates.onStatus((status) => this.events.emit('updateStatus', status));
    this.crashReports = new CrashReports({
      store: deps.settingsStore,
      serviceUrl: this.settings.serviceUrl,
      app: { ...appInfo, platform: appInfo.platform === 'darwin' || appInfo.platform === 'win32' ? appInfo.platform : 'linux' },
      fetch: fetchImpl,
      now,
      logger: this.logger,
      onConsentChange: deps.onCrashReportingChange,
    });
    this.session.onEnded(() => this.onSessionEnded());
    this.balance.onChange((snapshot) => {
      this.events.emit('balance', snapshot);
      this.alerts.setBalance(snapshot);
    });

    this.state = {
      account: null,
      signingIn: false,
      connection: 'online',
      offlineReason: null,
      vaultWarning: deps.vault.warning,
      serviceUrl: this.settings.serviceUrl,
      lastSyncedAt: null,
      alerts: this.alerts.state(),
      pendingLimitRequests: null,
    };

    this.deepLinkHandlers = {
      isIssuedState: (state) => this.session.isIssuedState(state),
      authCallback: (code, state) => void this.completeSignIn(code, state),
      storeComplete: (order) => void this.purchaseCompleted(order),
      exchangeComplete: () => void this.exchangeCompleted(),
      upgradeComplete: () => void this.upgradeCompleted(),
    };
    this.cutline = this.createApi();
  }

  /** Restores a stored session, if any: loads the account and opens the stream. */
  async start(): Promise<void> {
    this.updates.start();
    if (!this.session.signedIn) return;
    this.setState({ connection: 'connecting' });
    const me = await this.service.me();
    if (this.stopped) return;
    if (me.ok) this.setAccount(me.value);
    else if (me.error.code === 'signed_out') return;
    // offline: the stream retries with backoff and loads the account when it opens
    this.stream.start();
  }

  stop(): void {
    this.stopped = true;
    this.stream.stop();
    this.alerts.stop();
    this.updates.stop();
    this.openCharges.stop();
    if (this.signingInTimer !== null) this.timers.clearTimeout(this.signingInTimer);
  }

  /** A command from the host's application menu, carried to the renderer. */
  sendMenuCommand(command: MenuCommand): void {
    this.events.emit('menuCommand', command);
  }

  getState(): AppState {
    return structuredClone(this.state);
  }

  // ---- sign-in / sign-out ------------------------------------------------------------------

  private async signIn(): Promise<Result<void>> {
    const url = this.session.beginSignIn();
    const opened = await openChecked(url, { origins: this.origins, openExternal: this.deps.openExternal, logger: this.logger });
    if (!opened.ok) return opened;
    this.setState({ signingIn: true });
    if (this.signingInTimer !== null) this.timers.clearTimeout(this.signingInTimer);
    // the pending sign-in expires after ten minutes; stop showing "signing in" then
    this.signingInTimer = this.timers.setTimeout(() => {
      this.signingInTimer = null;
      this.setState({ signingIn: false });
    }, PENDING_SIGN_IN_TTL_MS);
    return ok(undefined);
  }

  /** The user gave up on the sign-in in the browser: nothing is pending any more. */
  private async cancelSignIn(): Promise<Result<void>> {
    this.session.cancelSignIns();
    if (this.signingInTimer !== null) this.timers.clearTimeout(this.signingInTimer);
    this.signingInTimer = null;
    this.setState({ signingIn: false });
    this.logger.info('sign-in cancelled');
    return ok(undefined);
  }

  private async completeSignIn(code: string, state: string): Promise<void> {
    const result = await this.session.completeSignIn(code, state);
    if (this.signingInTimer !== null) this.timers.clearTimeout(this.signingInTimer);
    this.signingInTimer = null;
    if (!result.ok) {
      this.setState({ signingIn: false });
      this.notify({ kind: 'error', message: `Sign-in failed: ${result.error.message}` });
      return;
    }
    this.stream.stop();
    this.balance.reset();
    this.alerts.setAccount(null);
    this.openCharges.setAccount(null);
    const me = await this.service.me();
    if (!me.ok) {
      this.setState({ signingIn: false });
      this.notify({ kind: 'error', message: `Signed in, but the account could not be loaded: ${me.error.message}` });
      this.stream.start();
      return;
    }
    this.setState({ signingIn: false, connection: 'connecting', offlineReason: null, lastSyncedAt: null });
    this.setAccount(me.value);
    this.stream.start();
    await this.resyncBalance();
    this.notify({ kind: 'signed-in', email: me.value.email });
  }

  private async signOut(): Promise<Result<void>> {
    this.stream.stop();
    await this.session.signOut();
    this.balance.reset();
    this.alerts.setAccount(null);
    this.openCharges.setAccount(null);
    this.setState({ account: null, signingIn: false, connection: 'online', offlineReason: null, lastSyncedAt: null, pendingLimitRequests: null });
    return ok(undefined);
  }

  private onSessionEnded(): void {
    this.stream.stop();
    this.balance.reset();
    this.alerts.setAccount(null);
    this.openCharges.setAccount(null);
    const wasSignedIn = this.state.account !== null;
    this.setState({ account: null, connection: 'online', offlineReason: null, lastSyncedAt: null, pendingLimitRequests: null });
    if (wasSignedIn) this.notify({ kind: 'error', message: 'Your session has ended. Sign in again.' });
  }

  // ---- push and resync ---------------------------------------------------------------------

  private onPush(event: BalanceEvent): void {
    this.balance.applyBalance(event.balance);
    // Every entry of the change at once (one per batch a charge drew from), even when the balance
    // itself was already known from the charge's answer.
    const entries = event.cause.entries ?? (event.cause.entry ? [event.cause.entry] : []);
    if (entries.length > 0) this.events.emit('ledgerEntries', entries);
    // a change of plan, team, Pro uses or cycle (an upgrade on the web, an admin, a renewal):
    // the account itself is reloaded, on every device (`exchange` from services before the flag)
    if (event.cause.account || event.cause.kind === 'exchange') void this.reloadAccount();
    if (event.cause.kind === 'limit_request') this.onLimitRequest(event.cause.request);
  }

  /**
   * A limit request was made, approved or denied: the pending count is read again (a team admin's
   * badge, a member's own), and a member whose own request was decided is told.
   */
  private onLimitRequest(request: LimitRequest | undefined): void {
    void this.refreshLimitRequests();
    const account = this.state.account;
    if (request && account && request.userId === account.id && request.status !== 'pending') this.notify({ kind: 'limit-request', request });
  }

  /** How many limit requests wait for a decision (a team admin: the team's; a member: their own); null outside a team. */
  private async refreshLimitRequests(): Promise<void> {
    const account = this.state.account;
    if (!account?.team) {
      this.setState({ pendingLimitRequests: null });
      return;
    }
    const pending = await this.service.limitRequests('pending');
    // The account may have changed meanwhile: only its own answer counts.
    if (this.state.account?.id !== account.id) return;
    if (pending.ok) this.setState({ pendingLimitRequests: pending.value.length });
    else this.logger.warn('limit requests could not be read', { code: pending.error.code });
  }

  private async requestMoreCredits(req: { credits: number; note?: string }): Promise<Result<LimitRequest>> {
    const made = await this.service.requestMore(req.note?.trim() ? { credits: req.credits, note: req.note.trim() } : { credits: req.credits });
    if (made.ok) void this.refreshLimitRequests();
    else this.logger.warn('limit request refused', { code: made.error.code });
    return made;
  }

  private async onStreamOpen(reconnected: boolean): Promise<void> {
    if (!this.state.account) await this.reloadAccount();
    // the service answers again: what waited for it is settled now
    void this.openCharges.settlePending();
    if (reconnected) {
      await this.resyncBalance();
      void this.refreshLimitRequests(); // decisions made while the stream was down
    }
    if (!this.toolsLoaded) void this.loadTools();
  }

  private toolsLoaded = false;

  /** The catalogue, for the alert on the cheapest tool's price. */
  private async loadTools() {
    const tools = await this.service.tools();
    if (tools.ok) {
      this.toolsLoaded = true;
      this.alerts.setTools(tools.value);
    }
    return tools;
  }

  private onConnection(connection: AppState['connection'], offlineReason: string | null): void {
    // While not online the balance may be stale: say since when it is known to be current.
    const alive = this.stream.lastAliveAt;
    const lastSyncedAt = connection === 'online' ? null : alive !== null ? new Date(alive).toISOString() : this.state.lastSyncedAt;
    this.setState({ connection, offlineReason, lastSyncedAt });
  }

  private setAccount(account: NonNullable<AppState['account']>): void {
    const teamChanged = this.state.account?.id !== account.id || JSON.stringify(this.state.account?.team) !== JSON.stringify(account.team);
    this.setState(teamChanged ? { account, pendingLimitRequests: null } : { account });
    this.alerts.setAccount(account.id);
    this.openCharges.setAccount(account.id);
    this.alerts.setBalance(this.balance.current);
    if (teamChanged) void this.refreshLimitRequests();
  }

  private async retryNow(): Promise<Result<void>> {
    if (!this.session.signedIn) return err('signed_out', 'Sign in to connect to the credit service.');
    if (this.stream.connected) return ok(undefined);
    this.logger.info('reconnecting now (asked)');
    this.stream.reconnectNow();
    return ok(undefined);
  }

  private async resyncBalance(): Promise<void> {
    const balance = await this.service.balance();
    if (balance.ok) this.balance.applyBalance(balance.value);
    else this.logger.warn('balance resync failed', { code: balance.error.code });
  }

  private async reloadAccount(): Promise<void> {
    const me = await this.service.me();
    if (me.ok && this.session.signedIn) this.setAccount(me.value);
  }

  // ---- deep links back from the web -----------------------------------------------------------
  // Any web page can fire these links, so neither is taken at its word: the notice is shown only
  // when the service confirms it (the order is this account's, the account is exchanged).
  // Otherwise the app resyncs quietly and logs why (without the link's values).

  private async purchaseCompleted(order: string): Promise<void> {
    if (!this.session.signedIn) {
      this.logger.warn('store link not confirmed', { reason: 'signed out' });
      return;
    }
    const [placed] = await Promise.all([this.service.order(order), this.resyncBalance()]);
    if (!placed.ok) {
      this.logger.warn('store link not confirmed', { reason: placed.error.code });
      return;
    }
    this.notify({ kind: 'purchase-complete', order: placed.value.id, balance: this.balance.current });
  }

  private async exchangeCompleted(): Promise<void> {
    if (!this.session.signedIn) {
      this.logger.warn('exchange link not confirmed', { reason: 'signed out' });
      return;
    }
    const [me] = await Promise.all([this.service.me(), this.resyncBalance()]);
    if (me.ok && this.session.signedIn) this.setState({ account: me.value });
    if (!me.ok || !me.value.exchanged) {
      this.logger.warn('exchange link not confirmed', { reason: me.ok ? 'account not exchanged' : me.error.code });
      return;
    }
    this.notify({ kind: 'exchange-complete', balance: this.balance.current });
  }

  /**
   * Back from the web checkout (`cutline://upgrade/complete`). The link proves nothing: "You're
   * on Pro" is said only when `/v1/me` says the plan is `pro`; otherwise the app resyncs quietly
   * and logs it (the plan change arrives by push when the payment completes).
   */
  private async upgradeCompleted(): Promise<void> {
    if (!this.session.signedIn) {
      this.logger.warn('upgrade link while signed out: ignored');
      return;
    }
    const me = await this.service.me();
    await this.resyncBalance();
    if (!me.ok) {
      this.logger.warn('upgrade link: account could not be checked', { code: me.error.code });
      return;
    }
    this.setAccount(me.value);
    if (me.value.plan === 'pro') this.notify({ kind: 'upgrade-complete', plan: 'pro', balance: this.balance.current });
    else this.logger.warn('upgrade link, but the service says the plan is not pro', { plan: me.value.plan });
  }

  // ---- state and events ----------------------------------------------------------------------

  private setState(patch: Partial<AppState>): void {
    const next = { ...this.state, ...patch };
    if (JSON.stringify(next) === JSON.stringify(this.state)) return;
    this.state = next;
    this.events.emit('state', this.getState());
  }

  private notify(notice: Notice): void {
    this.events.emit('notice', notice);
  }

  /** A charge answer's snapshot offered to the balance; the answer passed on. */
  private withBalance<T extends { balance: BalanceSnapshot }>(result: Result<T>): Result<T> {
    if (result.ok) this.balance.applyBalance(result.value.balance);
    return result;
  }

  private requireAccount<T>(run: () => Promise<Result<T>>): Promise<Result<T>> {
    if (!this.session.signedIn) return Promise.resolve(err('signed_out', 'Sign in to use AI tools.'));
    return run();
  }

  private createApi(): CutlineApi {
    const requests: { [M in InvokeMethod]: CutlineApi[M] } = {
      getState: async () => this.getState(),
      signIn: () => this.signIn(),
      cancelSignIn: () => this.cancelSignIn(),
      signOut: () => this.signOut(),
      getBalance: async () => this.balance.current,
      listTools: () => this.loadTools(),
      getLedger: (query) => this.service.ledger(query),
      // All of a project's time: its own index makes the period free.
      getProjectUsage: ({ projectId }) => this.requireAccount(() => this.service.usage({ from: PROJECT_USAGE_FROM, groupBy: 'tool', project: projectId })),
      quote: (req) => this.requireAccount(() => this.charges.quote(req)),
      hold: (req) => this.requireAccount(() => this.charges.hold(req)),
      capture: ({ chargeId }) => this.requireAccount(() => this.charges.capture(chargeId)),
      release: ({ chargeId, reason }) => this.requireAccount(() => this.charges.release(chargeId, reason)),
      listOpenCharges: async () => this.openCharges.list(),
      acknowledgeCharge: async ({ chargeId }) => this.openCharges.acknowledge(chargeId),
      requestMoreCredits: (req) => this.requireAccount(() => this.requestMoreCredits(req)),
      openWeb: ({ path }) => this.handoff.open(path),
      retryNow: () => this.retryNow(),
      setAlertSettings: async (patch) => ok(this.alerts.update(patch)),
      loadProjects: async () => this.data.loadProjects(),
      saveProjects: async (state) => this.data.saveProjects(state),
      getPrefs: async () => this.data.getPrefs(this.state.account?.id ?? null),
      setPrefs: async (prefs) => this.data.setPrefs(prefs, this.state.account?.id ?? null),
      listMedia: async () => this.media?.list() ?? [],
      importMedia: async (req) =>
        this.media ? this.media.import(req) : err('internal', 'This window cannot keep imported media.'),
      removeMedia: async ({ id }) => (this.media ? this.media.remove(id) : err('not_found', 'That media is no longer in Cutline.')),
      pickMediaFiles: async () => {
        if (!this.deps.pickFiles) return err('internal', 'This window has no file dialog.');
        return ok(await readPickedFiles(await this.deps.pickFiles()));
      },
      setWindowTitle: async (title) => this.deps.setWindowTitle?.(title),
      getUpdateStatus: async () => this.updates.getStatus(),
      checkForUpdates: () => this.updates.check(true),
      restartToUpdate: async () => this.updates.restart(),
      deferUpdate: async () => this.updates.defer(),
      getCrashReporting: async () => this.crashReports.settings,
      setCrashReporting: async ({ enabled }) => ok(this.crashReports.setEnabled(enabled)),
      reportRendererError: async (error) => {
        await this.crashReports.reportRenderer(error);
      },
    };
    const events: { [M in EventMethod]: keyof CoreEvents } = {
      onState: 'state',
      onBalance: 'balance',
      onLedgerEntries: 'ledgerEntries',
      onNotice: 'notice',
      onChargeSettled: 'chargeSettled',
      onMenuCommand: 'menuCommand',
      onUpdateStatus: 'updateStatus',
    };
    return createCutlineClient<CutlineApi>(
      (method, _channel, args) => (requests[method] as (...a: unknown[]) => Promise<unknown>)(...args),
      (method, _channel, listener) => this.events.on(events[method], listener as never),
    );
  }
}
