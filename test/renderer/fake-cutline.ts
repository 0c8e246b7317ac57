/**
 * An in-memory `CutlineApi` for component tests only. It follows the product's rules that the UI
 * depends on (consumption order, holds / capture / release back to the same batches, Pro uses,
 * versions that only grow, ledger entries per batch with positive amounts as the service writes
 * them, idempotent actions), and records calls.
 */
import type { Allocation, BalanceSnapshot, Batch, Charge, LedgerEntry, LimitRequest, Me, Tool } from '@cutline/contract/api';
import { allocate } from '@cutline/service/ledger/allocate';
import { spendable } from '@cutline/service/ledger/order';
import type { BatchState } from '@cutline/service/ledger/types';
import type { CreditType, HandoffPath } from '@cutline/contract/credit-types';
import type { UpdateStatus } from '@cutline/contract/app-updates';
import type { CrashReporting, RendererError } from '@cutline/contract/crash-reports';
import type {
  AppState,
  CutlineApi,
  ImportMediaRequest,
  MediaRecord,
  MenuCommand,
  Notice,
  OpenCharge,
  PickedFile,
  Prefs,
  ProjectsState,
} from '@cutline/contract/ipc';
import { checkMediaFile } from '@cutline/contract/media-rules';
import { paysWithProUses } from '@cutline/contract/pro-uses';
import type { AppError, Result } from '@cutline/contract/result';
import { BalanceState } from '@cutline/contract/balance-state';
import { TOOLS as SERVICE_TOOLS } from '@cutline/contract/tools';
import type { Usage } from '@cutline/contract/usage';

/** The service's own catalogue, so the fake's prices can never drift from the real ones. */
export const TOOLS: Tool[] = SERVICE_TOOLS.map((t) => ({ ...t }));

const DAY = 86_400_000;
const NOW = Date.parse('2026-03-01T12:00:00.000Z');

export function batch(type: CreditType, remaining: number, expiresInDays: number | null, id = `${type}-${remaining}`): Batch {
  return {
    id,
    type,
    scope: 'user',
    remaining,
    expiresAt: expiresInDays === null ? null : new Date(NOW + expiresInDays * DAY).toISOString(),
    grantedAt: new Date(NOW - DAY).toISOString(),
    source: type === 'subscription' ? 'cycle' : type === 'purchased' ? 'store' : 'campaign',
  };
}

/** A wire batch as the ledger rules take it (times in ms). */
function toBatchState(b: Batch): BatchState {
  return {
    id: b.id,
    ownerKind: b.scope,
    ownerId: b.scope,
    type: b.type,
    amount: b.remaining,
    remaining: b.remaining,
    grantedAt: Date.parse(b.grantedAt),
    expiresAt: b.expiresAt === null ? null : Date.parse(b.expiresAt),
    source: b.source,
  };
}

export function account(over: Partial<Me> = {}): Me {
  return {
    id: 'u1',
    email: 'pro@cutline.test',
    plan: 'pro',
    teamId: null,
    team: null,
    proUses: null,
    exchanged: false,
    cycleEndsAt: new Date(NOW + 20 * DAY).toISOString(),
    ...over,
  };
}

type Method = keyof CutlineApi;

export class FakeCutline implements CutlineApi {
  state: AppState = {
    account: null,
    signingIn: false,
    connection: 'online',
    offlineReason: null,
    vaultWarning: null,
    serviceUrl: 'http://127.0.0.1:4780',
    lastSyncedAt: null,
    alerts: { enabled: true, lowBalanceThreshold: null, active: [] },
    pendingLimitRequests: null,
  };
  batches: Batch[] = [];
  proUsesLeft: { remaining: number; perCycle: number } | null = null;
  held = 0;
  version = 1;
  tools: Tool[] = TOOLS;
  charges = new Map<string, Charge>();
  /** The project each charge was held for (the hold's `project`), as the service keeps it. */
  chargeProjects = new Map<string, { id: string; name: string }>();
  byAction = new Map<string, string>();
  entries: LedgerEntry[] = [];
  projects: ProjectsState = { projects: [], openProjectId: null };
  prefs: Prefs = { exchangePromptDismissed: false, askBeforePersonalCredits: true };
  /** Every call, in order: [method, argument]. */
  calls: Array<[Method, unknown]> = [];
  /** The next call of a method fails with this error. */
  failures = new Map<Method, AppError>();
  private seq = 0;
  /** As in main: only a newer version reaches the window, each once (the account's versions). */
  private readonly latest = new BalanceState();
  private listeners = {
    state: new Set<(s: AppState) => void>(),
    balance: new Set<(b: BalanceSnapshot) => void>(),
    entries: new Set<(e: LedgerEntry[]) => void>(),
    notice: new Set<(n: Notice) => void>(),
    settled: new Set<(c: OpenCharge) => void>(),
  };
  /** What main would keep: the open charges (by id) with their account, acknowledged ones removed. */
  openCharges = new Map<string, OpenCharge & { account: string | null }>();

  // ---- test controls ----------------------------------------------------------------------------

  /** Signs in (without events: call before the app connects) with the given credits. */
  withAccount(me: Me, batches: Batch[], proUses: { remaining: number; perCycle: number } | null = null): this {
    this.state = { ...this.state, account: { ...me, proUses } };
    this.batches = batches.map((b) => ({ ...b }));
    this.proUsesLeft = proUses ? { ...proUses } : null;
    return this;
  }

  setState(p: Partial<AppState>): void {
    if (p.account !== undefined && p.account?.id !== this.state.account?.id) this.latest.reset();
    this.state = { ...this.state, ...p };
    this.listeners.state.forEach((cb) => cb(this.state));
  }

  /** A snapshot reaches main: the window hears of it when it is newer than main's. */
  pushBalance(b: BalanceSnapshot): void {
    if (this.latest.applyBalance(b)) this.listeners.balance.forEach((cb) => cb(b));
  }

  pushEntry(e: LedgerEntry): void {
    this.pushEntries([e]);
  }

  /** The entries of one change, pushed together (as main forwards a push's `cause.entries`). */
  pushEntries(es: LedgerEntry[]): void {
    this.entries.unshift(...[...es].reverse());
    this.listeners.entries.forEach((cb) => cb(es));
  }

  /** As main does: a notice that names a balance comes after that balance was announced. */
  pushNotice(n: Notice): void {
    if ('balance' in n && n.balance) this.pushBalance(n.balance);
    this.listeners.notice.forEach((cb) => cb(n));
  }

  /** A charge made on another device: spends, bumps the version, pushes balance and entries. */
  spendFromOtherDevice(tool: string, cost: number, platform: 'web' | 'mobile' = 'web'): void {
    const alloc = this.allocate(cost)!;
    this.applyAlloc(alloc, -1);
    this.version++;
    const chargeId = `remote-${++this.seq}`;
    this.pushEntries(alloc.map((a) => this.entry('capture', a.amount, a.type, a.batchId, chargeId, tool, platform)));
    this.pushBalance(this.snapshot());
  }

  /** A teammate's charge from the shared pool: pushed with who made it. */
  spendByTeammate(tool: string, cost: number, member: { id: string; email: string }, platform: 'desktop' | 'web' | 'mobile' = 'desktop'): void {
    const alloc = this.allocate(cost)!;
    this.applyAlloc(alloc, -1);
    this.version++;
    const chargeId = `team-${++this.seq}`;
    this.pushEntries(alloc.map((a) => ({ ...this.entry('capture', a.amount, a.type, a.batchId, chargeId, tool, platform), member })));
    this.pushBalance(this.snapshot());
  }

  fail(method: Method, error: AppError): void {
    this.failures.set(method, error);
  }

  callsOf(method: Method): unknown[] {
    return this.calls.filter(([m]) => m === method).map(([, a]) => a);
  }

  // ---- rules ------------------------------------------------------------------------------------

  snapshot(): BalanceSnapshot {
    const byId = new Map(this.batches.map((b) => [b.id, b]));
    const live = spendable(this.batches.map(toBatchState), NOW).map((s) => byId.get(s.id)!);
    const byType = { subscription: 0, activity: 0, purchased: 0 };
    for (const b of live) byType[b.type] += b.remaining;
    const expiring = live.filter((b) => b.expiresAt).sort((a, b) => Date.parse(a.expiresAt!) - Date.parse(b.expiresAt!));
    const first = expiring[0];
    return {
      version: this.version,
      total: byType.subscription + byType.activity + byType.purchased,
      held: this.held,
      byType,
      proUses: this.proUsesLeft ? { ...this.proUsesLeft } : null,
      batches: live.map((b) => ({ ...b })),
      nextExpiry: first
        ? {
            amount: expiring.filter((b) => b.expiresAt === first.expiresAt).reduce((n, b) => n + b.remaining, 0),
            at: first.expiresAt!,
          }
        : null,
    };
  }

  /** The service's own allocation rule (consumption order, exact expiry) on the fake's batches. */
  private allocate(cost: number): Allocation[] | null {
    const plan = allocate(this.batches.map(toBatchState), cost, NOW);
    return plan.covered ? plan.parts.map((p) => ({ type: p.type, batchId: p.batchId, amount: p.amount })) : null;
  }

  private applyAlloc(plan: Allocation[], sign: 1 | -1): void {
    for (const a of plan) {
      const b = this.batches.find((x) => x.id === a.batchId)!;
      b.remaining += sign * a.amount;
    }
  }

  private entry(
    kind: LedgerEntry['kind'],
    amount: number,
    type: CreditType | null,
    batchId: string | null,
    chargeId: string | null,
    tool: string | null,
    platform: 'desktop' | 'web' | 'mobile' | null = 'desktop',
  ): LedgerEntry {
    return {
      id: `e${++this.seq}`,
      at: new Date(NOW + this.seq * 1000).toISOString(),
      kind,
      amount,
      type,
      batchId,
      chargeId,
      tool,
      device: platform ? { id: `${platform}-device`, platform } : null,
      unit: type === null ? 'proUses' : 'credits',
      // As the service reads them back: the charge's project, and why a release gave the credits back.
      ...(chargeId && this.chargeProjects.has(chargeId) ? { project: this.chargeProjects.get(chargeId)! } : {}),
      ...(chargeId && kind === 'release' && this.charges.get(chargeId)?.releaseReason ? { reason: this.charges.get(chargeId)!.releaseReason! } : {}),
    };
  }

  private usesProUse(tool: Tool): boolean {
    return paysWithProUses({ proUsesRemaining: this.proUsesLeft?.remaining ?? null, exchanged: false }, tool, 1);
  }

  private record<T>(method: Method, arg: unknown, run: () => Result<T>): Promise<Result<T>> {
    this.calls.push([method, arg]);
    const f = this.failures.get(method);
    if (f) {
      this.failures.delete(method);
      return Promise.resolve({ ok: false, error: f });
    }
    return Promise.resolve(run());
  }

  private changed(): void {
    this.version++;
    this.pushBalance(this.snapshot());
  }

  // ---- CutlineApi -------------------------------------------------------------------------------

  getState = async (): Promise<AppState> => {
    this.calls.push(['getState', undefined]);
    return this.state;
  };

  signIn = () => this.record<void>('signIn', undefined, () => ({ ok: true, value: undefined }));
  cancelSignIn = () =>
    this.record<void>('cancelSignIn', undefined, () => {
      this.setState({ signingIn: false });
      return { ok: true, value: undefined };
    });
  signOut = () =>
    this.record<void>('signOut', undefined, () => {
      this.setState({ account: null });
      return { ok: true, value: undefined };
    });

  getBalance = async (): Promise<BalanceSnapshot | null> => {
    this.calls.push(['getBalance', undefined]);
    return this.state.account ? this.snapshot() : null;
  };

  listTools = () => this.record('listTools', undefined, () => ({ ok: true as const, value: this.tools }));

  getLedger = (q: { limit?: number; before?: string }) =>
    this.record('getLedger', q, () => ({ ok: true as const, value: { entries: this.entries.slice(0, q.limit ?? 50), next: null } }));

  /** A project's captured charges by tool, as `GET /v1/usage?groupBy=tool&project=…` answers (Pro uses: 0 credits, 1 action). */
  getProjectUsage = (req: { projectId: string }) =>
    this.record<Usage>('getProjectUsage', req, () => {
      const rows = new Map<string, Usage['rows'][number]>();
      for (const c of this.charges.values()) {
        if (c.status !== 'captured' || this.chargeProjects.get(c.id)?.id !== req.projectId) continue;
        const row = rows.get(c.tool) ?? { key: c.tool, label: this.tools.find((t) => t.id === c.tool)?.name ?? c.tool, credits: 0, actions: 0 };
        row.credits += c.usesProUse ? 0 : c.cost;
        row.actions += 1;
        rows.set(c.tool, row);
      }
      const list = [...rows.values()].sort((a, b) => b.credits - a.credits || b.actions - a.actions);
      const total = { credits: list.reduce((n, r) => n + r.credits, 0), actions: list.reduce((n, r) => n + r.actions, 0) };
      return { ok: true, value: { from: '1970-01-01T00:00:00.000Z', to: new Date(NOW).toISOString(), groupBy: 'tool', scope: 'me', project: req.projectId, rows: list, total } };
    });

  quote = (req: { tool: string; quantity?: number; mediaId?: string }) =>
    this.record('quote', req, () => {
      const tool = this.tools.find((t) => t.id === req.tool);
      if (!tool) return { ok: false as const, error: { code: 'not_found' as const, message: 'That AI tool does not exist.' } };
      if (this.usesProUse(tool)) {
        return { ok: true as const, value: { cost: tool.cost, covered: true, usesProUse: true, plan: [], balance: this.snapshot() } };
      }
      const plan = this.allocate(tool.cost);
      return {
        ok: true as const,
        value: { cost: tool.cost, covered: plan !== null, usesProUse: false, plan: plan ?? [], balance: this.snapshot() },
      };
    });

  hold = (req: { actionId: string; tool: string; quantity?: number; target?: OpenCharge['target']; project?: { id: string; name: string } }) =>
    this.record<Charge>('hold', req, () => {
      const again = this.byAction.get(req.actionId);
      if (again) return { ok: true, value: this.charges.get(again)! };
      const tool = this.tools.find((t) => t.id === req.tool)!;
      const pro = this.usesProUse(tool);
      const plan = pro ? [] : this.allocate(tool.cost);
      if (!plan) {
        const available = this.snapshot().total;
        return {
          ok: false,
          error: {
            code: 'insufficient_credits',
            message: `${tool.name} needs ${tool.cost} credits and you have ${available}.`,
            cost: tool.cost,
            available,
          },
        };
      }
      const id = `ch${++this.seq}`;
      const charge: Charge = {
        id,
        status: 'held',
        tool: tool.id,
        quantity: 1,
        cost: tool.cost,
        usesProUse: pro,
        allocation: plan,
        holdExpiresAt: new Date(NOW + 900_000).toISOString(),
        createdAt: new Date(NOW).toISOString(),
        device: { id: 'desktop-device', platform: 'desktop' },
        releaseReason: null,
        ...(req.project ? { project: req.project } : {}),
      };
      if (req.project) this.chargeProjects.set(id, req.project);
      if (pro) {
        this.proUsesLeft!.remaining -= 1;
        this.pushEntry(this.entry('hold', 1, null, null, id, tool.id));
      } else {
        this.applyAlloc(plan, -1);
        this.held += tool.cost;
        this.pushEntries(plan.map((a) => this.entry('hold', a.amount, a.type, a.batchId, id, tool.id)));
      }
      this.charges.set(id, charge);
      this.byAction.set(req.actionId, id);
      if (req.target) this.openCharges.set(id, { charge, target: req.target, outcome: null, state: 'running', message: null, account: this.state.account?.id ?? null });
      this.changed();
      return { ok: true, value: charge };
    });

  capture = (req: { chargeId: string }) =>
    this.record<Charge>('capture', req, () => {
      const c = this.charges.get(req.chargeId);
      if (!c) return { ok: false, error: { code: 'not_found', message: 'That charge does not exist.' } };
      if (c.status === 'captured') return { ok: true, value: c };
      if (c.status !== 'held') {
        return { ok: false, error: { code: 'hold_lost', message: 'The credits on hold were already returned.' } };
      }
      const next: Charge = { ...c, status: 'captured' };
      this.charges.set(c.id, next);
      this.settle(next, 'succeeded', 'captured');
      if (c.usesProUse) this.pushEntry(this.entry('capture', 1, null, null, c.id, c.tool));
      else {
        this.held -= c.cost;
        this.pushEntries(c.allocation.map((a) => this.entry('capture', a.amount, a.type, a.batchId, c.id, c.tool)));
      }
      this.changed();
      return { ok: true, value: next };
    });

  release = (req: { chargeId: string; reason: 'failed' | 'cancelled' }) =>
    this.record<Charge>('release', req, () => {
      const c = this.charges.get(req.chargeId);
      if (!c) return { ok: false, error: { code: 'not_found', message: 'That charge does not exist.' } };
      if (c.status === 'released') return { ok: true, value: c };
      if (c.status !== 'held') return { ok: false, error: { code: 'conflict', message: 'That charge was already completed.' } };
      const next: Charge = { ...c, status: 'released', releaseReason: req.reason };
      this.charges.set(c.id, next);
      this.settle(next, req.reason, 'released');
      if (c.usesProUse) {
        this.proUsesLeft!.remaining += 1;
        this.pushEntry(this.entry('release', 1, null, null, c.id, c.tool));
      } else {
        this.applyAlloc(c.allocation, 1);
        this.held -= c.cost;
        this.pushEntries(c.allocation.map((a) => this.entry('release', a.amount, a.type, a.batchId, c.id, c.tool)));
      }
      this.changed();
      return { ok: true, value: next };
    });

  private settle(charge: Charge, outcome: OpenCharge['outcome'], state: OpenCharge['state']): void {
    const open = this.openCharges.get(charge.id);
    if (open) this.openCharges.set(charge.id, { ...open, charge, outcome, state });
  }

  /** Main settles a charge later (the service answered again): the window hears of it. */
  announceSettled(c: OpenCharge): void {
    this.openCharges.set(c.charge.id, { ...c, account: this.state.account?.id ?? null });
    this.listeners.settled.forEach((cb) => cb(c));
  }

  listOpenCharges = async (): Promise<OpenCharge[]> => {
    this.calls.push(['listOpenCharges', undefined]);
    const mine = [...this.openCharges.values()].filter((c) => c.account === (this.state.account?.id ?? null));
    return structuredClone(mine.map(({ account: _account, ...open }) => open));
  };

  acknowledgeCharge = async (req: { chargeId: string }): Promise<void> => {
    this.calls.push(['acknowledgeCharge', req]);
    const open = this.openCharges.get(req.chargeId);
    if (open && open.state !== 'running' && open.state !== 'settling') this.openCharges.delete(req.chargeId);
  };

  onChargeSettled = (cb: (c: OpenCharge) => void) => {
    this.listeners.settled.add(cb);
    return () => void this.listeners.settled.delete(cb);
  };

  /** Limit requests this member sent, as the service would have them. */
  limitRequests: LimitRequest[] = [];

  requestMoreCredits = (req: { credits: number; note?: string }) =>
    this.record<LimitRequest>('requestMoreCredits', req, () => {
      const me = this.state.account!;
      const request: LimitRequest = {
        id: `lr${++this.seq}`, userId: me.id, email: me.email, credits: req.credits, note: req.note ?? null, status: 'pending',
        createdAt: new Date(NOW).toISOString(), decidedAt: null, decidedBy: null,
      };
      this.limitRequests.push(request);
      this.setState({ pendingLimitRequests: this.limitRequests.filter((r) => r.status === 'pending').length });
      return { ok: true, value: request };
    });

  openWeb = (req: { path: HandoffPath }) => this.record<void>('openWeb', req, () => ({ ok: true, value: undefined }));

  retryNow = () => this.record<void>('retryNow', undefined, () => ({ ok: true, value: undefined }));

  setAlertSettings = (p: Partial<{ enabled: boolean; lowBalanceThreshold: number | null }>) =>
    this.record('setAlertSettings', p, () => {
      const { active: _active, ...settings } = this.state.alerts;
      const next = { ...settings, ...p };
      this.setState({ alerts: { ...this.state.alerts, ...next } });
      return { ok: true as const, value: next };
    });

  loadProjects = async (): Promise<ProjectsState> => {
    this.calls.push(['loadProjects', undefined]);
    return structuredClone(this.projects);
  };

  saveProjects = (state: ProjectsState) =>
    this.record<void>('saveProjects', state, () => {
      this.projects = structuredClone(state);
      return { ok: true, value: undefined };
    });

  getPrefs = async (): Promise<Prefs> => ({ ...this.prefs });

  setPrefs = async (p: Partial<Prefs>): Promise<Prefs> => {
    this.calls.push(['setPrefs', p]);
    this.prefs = { ...this.prefs, ...p };
    return { ...this.prefs };
  };

  onState = (cb: (s: AppState) => void) => {
    this.listeners.state.add(cb);
    return () => void this.listeners.state.delete(cb);
  };
  onBalance = (cb: (b: BalanceSnapshot) => void) => {
    this.listeners.balance.add(cb);
    return () => void this.listeners.balance.delete(cb);
  };
  onLedgerEntries = (cb: (e: LedgerEntry[]) => void) => {
    this.listeners.entries.add(cb);
    return () => void this.listeners.entries.delete(cb);
  };
  onNotice = (cb: (n: Notice) => void) => {
    this.listeners.notice.add(cb);
    return () => void this.listeners.notice.delete(cb);
  };

  // ---- imported media, window title, application menu -------------------------------------------

  media: MediaRecord[] = [];
  /** What the next file dialog "chooses". */
  nextPick: PickedFile[] = [];
  title = '';
  private menuListeners = new Set<(c: MenuCommand) => void>();

  listMedia = async (): Promise<MediaRecord[]> => structuredClone(this.media);

  importMedia = (req: ImportMediaRequest) =>
    this.record<MediaRecord>('importMedia', { name: req.name, type: req.type, size: req.bytes.byteLength }, () => {
      const check = checkMediaFile({ name: req.name, type: req.type, size: req.bytes.byteLength });
      if (!check.ok) return { ok: false, error: { code: 'invalid_request', message: check.message } };
      const id = `m-${String(this.media.length + 1).padStart(8, '0')}`;
      const record: MediaRecord = { ...req.meta, id, name: check.name, kind: check.kind, mime: check.mime, size: req.bytes.byteLength, importedAt: new Date(NOW).toISOString(), url: `/media/${id}` };
      this.media.push(record);
      return { ok: true, value: structuredClone(record) };
    });

  removeMedia = (req: { id: string }) =>
    this.record<void>('removeMedia', req, () => {
      const at = this.media.findIndex((m) => m.id === req.id);
      if (at < 0) return { ok: false, error: { code: 'not_found', message: 'That media is no longer in Cutline.' } };
      this.media.splice(at, 1);
      return { ok: true, value: undefined };
    });

  pickMediaFiles = () => this.record<PickedFile[]>('pickMediaFiles', undefined, () => ({ ok: true, value: this.nextPick.splice(0) }));

  setWindowTitle = async (title: string): Promise<void> => {
    this.title = title;
  };

  onMenuCommand = (cb: (c: MenuCommand) => void) => {
    this.menuListeners.add(cb);
    return () => void this.menuListeners.delete(cb);
  };

  /** The user chose a command in the application menu. */
  menu(command: MenuCommand): void {
    for (const cb of this.menuListeners) cb(command);
  }

  // ---- the app's own updates and crash reports ---------------------------------------------------

  updateStatus: UpdateStatus = { phase: 'idle', currentVersion: '1.0.0', version: null, percent: null, deferred: false, runningJobs: 0, message: null };
  crashReporting: CrashReporting = { enabled: false };
  rendererErrors: RendererError[] = [];
  private updateListeners = new Set<(s: UpdateStatus) => void>();

  /** Main's update controller moved on. */
  pushUpdateStatus(patch: Partial<UpdateStatus>): void {
    this.updateStatus = { ...this.updateStatus, ...patch };
    for (const cb of this.updateListeners) cb(this.updateStatus);
  }

  getUpdateStatus = async (): Promise<UpdateStatus> => ({ ...this.updateStatus });
  checkForUpdates = () => this.record('checkForUpdates', undefined, () => ({ ok: true as const, value: { ...this.updateStatus } }));
  restartToUpdate = () =>
    this.record('restartToUpdate', undefined, () => {
      this.pushUpdateStatus({ phase: this.updateStatus.runningJobs > 0 ? 'waiting-for-jobs' : 'installing', deferred: false });
      return { ok: true as const, value: { ...this.updateStatus } };
    });
  deferUpdate = () =>
    this.record('deferUpdate', undefined, () => {
      this.pushUpdateStatus({ phase: 'ready', deferred: true });
      return { ok: true as const, value: { ...this.updateStatus } };
    });
  onUpdateStatus = (cb: (s: UpdateStatus) => void) => {
    this.updateListeners.add(cb);
    return () => void this.updateListeners.delete(cb);
  };
  getCrashReporting = async (): Promise<CrashReporting> => ({ ...this.crashReporting });
  setCrashReporting = (settings: CrashReporting) =>
    this.record('setCrashReporting', settings, () => {
      this.crashReporting = { ...settings };
      return { ok: true as const, value: { ...this.crashReporting } };
    });
  reportRendererError = async (error: RendererError): Promise<void> => {
    this.calls.push(['reportRendererError', error]);
    this.rendererErrors.push(error);
  };
}

/** The demo "pro@cutline.test" credits: 200 subscription, 30 + 25 activity, 100 purchased. */
export function proAccount(): FakeCutline {
  return new FakeCutline().withAccount(account(), [
    batch('subscription', 200, 20, 'sub'),
    batch('activity', 30, 3, 'act-3d'),
    batch('activity', 25, null, 'act-perm'),
    batch('purchased', 100, 730, 'pur'),
  ]);
}

export function proUsesAccount(): FakeCutline {
  return new FakeCutline().withAccount(account({ email: 'prouses@cutline.test', id: 'u2' }), [], { remaining: 50, perCycle: 50 });
}

export function freeAccount(): FakeCutline {
  return new FakeCutline().withAccount(account({ email: 'free@cutline.test', id: 'u3', plan: 'free', cycleEndsAt: null }), []);
}

/** A deterministic scheduler: nothing runs until the test advances it. */
export class ManualClock {
  private t = 0;
  private queue: Array<{ at: number; fn: () => void; id: number }> = [];
  private ids = 0;

  schedule = (ms: number, fn: () => void): (() => void) => {
    const id = ++this.ids;
    this.queue.push({ at: this.t + ms, fn, id });
    return () => {
      this.queue = this.queue.filter((q) => q.id !== id);
    };
  };

  /** Runs everything due within `ms`, in time order (including what those schedule). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.queue[0];
      if (!next || next.at > end) break;
      this.queue.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }

  get pending(): number {
    return this.queue.length;
  }
}

/** A `random` that returns the given values in turn, then repeats the last one. */
export function randomSequence(...values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)];
}
