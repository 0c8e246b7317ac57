/**
 * The one IPC contract between the renderer and the main process (docs/architecture.md § The desktop app's main process).
 *
 * - `CutlineApi` is what the preload exposes as `window.cutline` (it must `satisfies` it), and
 *   what the browser host's WebSocket bridge exposes with the very same shape.
 * - `ipc-channels.ts` is the channel map (method → invoke/event, channel): plain data the
 *   preload and the browser host's page script can import without zod.
 * - `INVOKE_CHANNELS` adds to each request the zod schema of its arguments (built from the API
 *   schemas); main validates every call against it (and checks the sender frame).
 * - `EVENT_CHANNELS` are the pushes main → renderer, with their payload schemas.
 */
import { z } from 'zod';
import {
  BalanceSnapshotSchema,
  ChargeSchema,
  ChargeIdSchema,
  HandoffPathSchema,
  LedgerEntrySchema,
  LimitRequestSchema,
  NewLimitRequestSchema,
  PersonalCapSchema,
  LedgerLimitSchema,
  LedgerQuerySchema,
  LedgerPageSchema,
  MeSchema,
  QuantitySchema,
  QuoteResponseSchema,
  ReleaseRequestSchema,
  ToolIdSchema,
  ToolSchema,
  type BalanceSnapshot,
  type Charge,
  type LedgerEntry,
  type LedgerPage,
  type LimitRequest,
  type Me,
  type QuoteResponse,
  type Tool,
} from './api';
import { UpdateStatusSchema, type UpdateStatus } from './app-updates';
import { CrashReportingSchema, RendererErrorSchema, type CrashReporting, type RendererError } from './crash-reports';
import type { HandoffPath } from './credit-types';
import { CHANNELS, EVENT_METHODS, INVOKE_METHODS, type ChannelMap, type ChannelMethod, type EventMethod, type InvokeMethod } from './ipc-channels';
import type { AppError, Result } from './result';
import { ChargeProjectSchema, type ChargeProject, type Usage } from './usage';

// ---- state pushed to the renderer -----------------------------------------------------------

export const ConnectionSchema = z.enum(['online', 'offline', 'connecting']);
export type Connection = z.infer<typeof ConnectionSchema>;

export const ActiveAlertSchema = z.object({
  kind: z.enum(['expiring', 'low-balance']),
  key: z.string(),
  text: z.string(),
});
export type ActiveAlert = z.infer<typeof ActiveAlertSchema>;

export const AlertSettingsSchema = z.object({
  enabled: z.boolean(),
  lowBalanceThreshold: z.number().int().min(1).max(1_000_000).nullable(),
});
export type AlertSettingsState = z.infer<typeof AlertSettingsSchema>;

export const AlertsStateSchema = AlertSettingsSchema.extend({ active: z.array(ActiveAlertSchema) });
export type AlertsState = z.infer<typeof AlertsStateSchema>;

/** Everything the window chrome needs. Never contains a token. */
export const AppStateSchema = z.object({
  account: MeSchema.nullable(),
  signingIn: z.boolean(),
  connection: ConnectionSchema,
  /** Why the app is offline, in words a person understands; null when online. */
  offlineReason: z.string().nullable(),
  /** Tokens could not be stored encrypted: the user must sign in again after a restart. */
  vaultWarning: z.string().nullable(),
  serviceUrl: z.string(),
  /** When the balance was last known current (the stream's last byte); shown while not online. */
  lastSyncedAt: z.string().nullable(),
  /** Credit alerts: the user's settings and what holds now (the chip's badge). */
  alerts: AlertsStateSchema,
  /**
   * Requests for a higher limit on the team pool waiting for a decision: for a team admin every
   * member's (the badge that opens `/team`), for a member their own; null outside a team or not
   * known yet.
   */
  pendingLimitRequests: z.number().int().nonnegative().nullable(),
});
export type AppState = z.infer<typeof AppStateSchema>;

/** A notice the app shows after a deep link or another event (docs/product.md § The desktop app: back from the web). */
export const NoticeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('signed-in'), email: z.string() }),
  z.object({ kind: z.literal('purchase-complete'), order: z.string(), balance: BalanceSnapshotSchema.nullable() }),
  z.object({ kind: z.literal('exchange-complete'), balance: BalanceSnapshotSchema.nullable() }),
  z.object({ kind: z.literal('upgrade-complete'), plan: z.literal('pro'), balance: BalanceSnapshotSchema.nullable() }),
  /** A team admin approved or denied this account's request for a higher limit. */
  z.object({ kind: z.literal('limit-request'), request: LimitRequestSchema }),
  /** A credit alert came due; `osNotified`: the host already showed it as an OS notification. */
  z.object({ kind: z.literal('alert'), alert: ActiveAlertSchema, osNotified: z.boolean() }),
  z.object({ kind: z.literal('error'), message: z.string() }),
]);
export type Notice = z.infer<typeof NoticeSchema>;

// ---- projects (persisted by main) -----------------------------------------------------------

export const ClipSchema = z.object({
  id: z.string().min(1).max(64),
  mediaId: z.string().min(1).max(64),
  name: z.string().max(200),
  /** Applied AI results: tool ids in the order they succeeded. */
  effects: z.array(z.string().max(64)).max(50),
  corrupt: z.boolean().optional(),
  /** Trim: where the clip starts and ends inside its media, in seconds (absent: the whole media). */
  inPoint: z.number().min(0).max(86_400).optional(),
  outPoint: z.number().min(0).max(86_400).optional(),
  /** Paid AI results the user undid: kept (credits are never undone), not shown; redo shows them again. */
  hiddenEffects: z.array(z.string().max(64)).max(50).optional(),
  /** The charges whose results this clip has (shown or hidden): each result is applied once per charge. */
  charges: z.array(z.string().max(128)).max(100).optional(),
});
export type Clip = z.infer<typeof ClipSchema>;

export const ProjectSchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(120),
  createdAt: z.string(),
  updatedAt: z.string(),
  clips: z.array(ClipSchema).max(500),
});
export type Project = z.infer<typeof ProjectSchema>;

export const ProjectsStateSchema = z.object({
  projects: z.array(ProjectSchema).max(200),
  openProjectId: z.string().nullable(),
});
export type ProjectsState = z.infer<typeof ProjectsStateSchema>;

// ---- imported media (kept by main, files in the app's data folder) -----------------------------

export const MediaKindSchema = z.enum(['video', 'audio', 'image']);

/** What the renderer read from the file with the browser's media elements. */
export const MediaMetaSchema = z.strictObject({
  /** Seconds; a still gets the default still length. */
  duration: z.number().positive().max(86_400),
  width: z.number().int().min(0).max(16_384).optional(),
  height: z.number().int().min(0).max(16_384).optional(),
  /** A small JPEG data URL (video frame or image). */
  thumbnail: z.string().max(200_000).regex(/^data:image\/(jpeg|png|webp);base64,[A-Za-z0-9+/=]+$/).optional(),
  /** Audio: peak levels 0..1 for a waveform. */
  peaks: z.array(z.number().min(0).max(1)).max(400).optional(),
});
export type MediaMeta = z.infer<typeof MediaMetaSchema>;

export const MediaRecordSchema = MediaMetaSchema.extend({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  kind: MediaKindSchema,
  mime: z.string().max(64),
  size: z.number().int().positive(),
  importedAt: z.string(),
  /** Where the window loads the file from (app://cutline/media/… or the browser host's /__cutline/media/…). */
  url: z.string().max(300),
});
export type MediaRecord = z.infer<typeof MediaRecordSchema>;

export const ImportMediaRequestSchema = z.strictObject({
  name: z.string().min(1).max(300),
  type: z.string().max(100),
  bytes: z.instanceof(Uint8Array),
  meta: MediaMetaSchema,
});
export type ImportMediaRequest = z.infer<typeof ImportMediaRequestSchema>;

/** A file the user chose in the native file dialog (or the browser host's file input). */
export interface PickedFile {
  name: string;
  type: string;
  bytes: Uint8Array;
  /** Set when the file was refused (the sentence to show); no bytes then. */
  refused?: string;
}

// ---- paid results and their charges (kept by main until the window has the result) -------------

const ItemId = z.string().min(1).max(64);

/** Where a paid AI result goes: a clip on a project's timeline, or a new clip AI Generate adds. */
export const ChargeTargetSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('clip'), projectId: ItemId, clipId: ItemId, mediaId: ItemId }),
  z.strictObject({ kind: z.literal('generate'), projectId: ItemId, prompt: z.string().min(1).max(200) }),
]);
export type ChargeTarget = z.infer<typeof ChargeTargetSchema>;

/**
 * Where an open charge stands, as main keeps it (durably, per account) from its hold until the
 * window has its result: `running` — held, the job not finished; `settling` — the job's outcome is
 * known and main is telling the service (capture, or release) until it answers; `captured` /
 * `released` — the service answered; `lost` — the capture was refused (the hold was released or
 * lapsed first), so nothing was charged and the result must be discarded.
 */
export const OpenChargeStateSchema = z.enum(['running', 'settling', 'captured', 'released', 'lost']);
export type OpenChargeState = z.infer<typeof OpenChargeStateSchema>;

export const OpenChargeSchema = z.object({
  /** The charge as the service last described it (held, then captured or released). */
  charge: ChargeSchema,
  target: ChargeTargetSchema.nullable(),
  /** What the job came to, as the window reported it; null while it runs. */
  outcome: z.enum(['succeeded', 'failed', 'cancelled']).nullable(),
  state: OpenChargeStateSchema,
  /** Why, for `lost`; what main is waiting for, for `settling` — a sentence. */
  message: z.string().nullable(),
});
export type OpenCharge = z.infer<typeof OpenChargeSchema>;

/** Commands of the application menu (Electron) that the renderer carries out. */
export const MenuCommandSchema = z.enum([
  'new-project',
  'import-media',
  'undo',
  'redo',
  'play-pause',
  'zoom-in',
  'zoom-out',
  'zoom-fit',
  'shortcuts',
]);
export type MenuCommand = z.infer<typeof MenuCommandSchema>;

export const PrefsSchema = z.object({
  /** The user chose "Not now" on the exchange prompt. */
  exchangePromptDismissed: z.boolean(),
  /**
   * A team member is asked, with a tick in the confirm dialog, before an action uses their own
   * activity or purchased credits (on by default).
   */
  askBeforePersonalCredits: z.boolean(),
});
export type Prefs = z.infer<typeof PrefsSchema>;

// ---- the API ----------------------------------------------------------------------------------

export interface CutlineApi {
  getState(): Promise<AppState>;
  /** Opens the system browser on the sign-in page; resolves when the browser was opened. */
  signIn(): Promise<Result<void>>;
  /** Gives up a sign-in started in the browser: its callback is refused if it still comes. */
  cancelSignIn(): Promise<Result<void>>;
  signOut(): Promise<Result<void>>;

  getBalance(): Promise<BalanceSnapshot | null>;
  listTools(): Promise<Result<Tool[]>>;
  getLedger(query: { limit?: number; before?: string }): Promise<Result<LedgerPage>>;
  /**
   * What a project has cost the signed-in account so far: its captured charges by tool (`GET
   * /v1/usage?groupBy=tool&project=…` over all time) — the project bar's figure and its breakdown.
   */
  getProjectUsage(req: { projectId: string }): Promise<Result<Usage>>;

  /**
   * Prices an action; changes nothing. `mediaId`: the media of the clip a clip tool would run on —
   * main refuses a tool that does not apply to it (`not_applicable`) before asking the service.
   */
  quote(req: { tool: string; quantity?: number; mediaId?: string }): Promise<Result<QuoteResponse>>;
  /**
   * Holds the cost of one user action. `actionId` is made once per user action by the renderer;
   * the core derives the Idempotency-Key from it, so a retry is the same charge. With `target`,
   * main keeps the charge open (durably, for this account) until its result is delivered
   * (`listOpenCharges`, `acknowledgeCharge`); a clip target's media is checked as for `quote`.
   * `personalCap`: the most of the user's own credits they agreed to in the confirm dialog.
   */
  hold(req: { actionId: string; tool: string; quantity?: number; target?: ChargeTarget; personalCap?: number; project?: ChargeProject }): Promise<Result<Charge>>;
  /**
   * The job succeeded: main records it and captures. When the service cannot be reached, the
   * answer is `settle_pending` and main keeps capturing (same charge id) until it answers, then
   * announces it with `onChargeSettled`. A refused capture (the hold was lost) is `hold_lost`.
   */
  capture(req: { chargeId: string }): Promise<Result<Charge>>;
  /** The job failed or was cancelled: as `capture`, returning the credits. */
  release(req: { chargeId: string; reason: 'failed' | 'cancelled' }): Promise<Result<Charge>>;
  /** The signed-in account's open charges (after a restart: jobs to resume, results to apply). */
  listOpenCharges(): Promise<OpenCharge[]>;
  /** The window has this charge's result (applied and saved) or gave it up: main forgets the charge. */
  acknowledgeCharge(req: { chargeId: string }): Promise<void>;

  /** Asks the team admins to raise this member's limit on the team pool (`credits` more, an optional note). */
  requestMoreCredits(req: { credits: number; note?: string }): Promise<Result<LimitRequest>>;

  /** Opens a web page (store, pricing, exchange, credits, team) in the browser, already signed in. */
  openWeb(req: { path: HandoffPath }): Promise<Result<void>>;
  /** Reconnects to the credit service now, skipping any backoff wait (*Retry now*, network back). */
  retryNow(): Promise<Result<void>>;
  /** Credit alert settings (on/off, a low-balance threshold); answers the new settings. */
  setAlertSettings(settings: Partial<AlertSettingsState>): Promise<Result<AlertSettingsState>>;

  loadProjects(): Promise<ProjectsState>;
  saveProjects(state: ProjectsState): Promise<Result<void>>;
  getPrefs(): Promise<Prefs>;
  setPrefs(prefs: Partial<Prefs>): Promise<Prefs>;

  /** Imported media kept with the projects, oldest first. */
  listMedia(): Promise<MediaRecord[]>;
  /** Keeps a file (validated again by main) with what the renderer read from it. */
  importMedia(req: ImportMediaRequest): Promise<Result<MediaRecord>>;
  /** Forgets an imported media item and deletes its file (the window removes the clips that used it). */
  removeMedia(req: { id: string }): Promise<Result<void>>;
  /** The native file dialog (Electron) or a file input (browser host); [] when cancelled. */
  pickMediaFiles(): Promise<Result<PickedFile[]>>;
  /** The window's title (BrowserWindow title in Electron, document.title in the browser host). */
  setWindowTitle(title: string): Promise<void>;

  onState(cb: (state: AppState) => void): () => void;
  onBalance(cb: (balance: BalanceSnapshot) => void): () => void;
  /**
   * The ledger entries of one change as it arrives by push, from any device: all of them at once
   * (a charge drawn from several batches has an entry per batch), beside the change's balance.
   */
  onLedgerEntries(cb: (entries: LedgerEntry[]) => void): () => void;
  onNotice(cb: (notice: Notice) => void): () => void;
  /** Main settled an open charge after its first try could not reach the service (captured, released or lost). */
  onChargeSettled(cb: (charge: OpenCharge) => void): () => void;
  /** A command chosen in the application menu. */
  onMenuCommand(cb: (command: MenuCommand) => void): () => void;

  // ---- the app's own updates and crash reports ----
  getUpdateStatus(): Promise<UpdateStatus>;
  /** Checks the update feed now (the user asked); answers the status the check started with. */
  checkForUpdates(): Promise<Result<UpdateStatus>>;
  /** *Restart to update*: installs the downloaded update now, or as soon as running AI jobs settle. */
  restartToUpdate(): Promise<Result<UpdateStatus>>;
  /** *Later*: the downloaded update installs the next time Cutline starts. */
  deferUpdate(): Promise<Result<UpdateStatus>>;
  onUpdateStatus(cb: (status: UpdateStatus) => void): () => void;
  /** Whether crash reports may be sent (the user's choice, off until they agree). */
  getCrashReporting(): Promise<CrashReporting>;
  setCrashReporting(settings: CrashReporting): Promise<Result<CrashReporting>>;
  /** An uncaught error of the window; main sends it (scrubbed) only when crash reports are on. */
  reportRendererError(error: RendererError): Promise<void>;
}

// ---- argument schemas (main-side: the channel names live in ipc-channels.ts, zod-free) -------

const none = z.tuple([]);
/** The zod tuple each request's arguments must pass, built from the API's own schemas. */
const INVOKE_ARGS = {
  getState: none,
  signIn: none,
  cancelSignIn: none,
  signOut: none,
  getBalance: none,
  listTools: none,
  getLedger: z.tuple([z.strictObject({ limit: LedgerLimitSchema.optional(), before: LedgerQuerySchema.shape.before })]),
  getProjectUsage: z.tuple([z.strictObject({ projectId: ChargeProjectSchema.shape.id })]),
  quote: z.tuple([z.strictObject({ tool: ToolIdSchema, quantity: QuantitySchema.optional(), mediaId: ItemId.optional() })]),
  hold: z.tuple([
    z.strictObject({
      actionId: z.string().regex(/^[A-Za-z0-9_-]{8,100}$/),
      tool: ToolIdSchema,
      quantity: QuantitySchema.optional(),
      target: ChargeTargetSchema.optional(),
      personalCap: PersonalCapSchema.optional(),
      /** The open project the action is for: the charge carries it (docs/api.md § Usage). */
      project: ChargeProjectSchema.optional(),
    }),
  ]),
  requestMoreCredits: z.tuple([NewLimitRequestSchema]),
  capture: z.tuple([z.strictObject({ chargeId: ChargeIdSchema })]),
  release: z.tuple([z.strictObject({ chargeId: ChargeIdSchema, reason: ReleaseRequestSchema.shape.reason })]),
  listOpenCharges: none,
  acknowledgeCharge: z.tuple([z.strictObject({ chargeId: ChargeIdSchema })]),
  openWeb: z.tuple([z.strictObject({ path: HandoffPathSchema })]),
  retryNow: none,
  setAlertSettings: z.tuple([AlertSettingsSchema.partial().strict()]),
  loadProjects: none,
  saveProjects: z.tuple([ProjectsStateSchema]),
  getPrefs: none,
  setPrefs: z.tuple([PrefsSchema.partial().strict()]),
  listMedia: none,
  importMedia: z.tuple([ImportMediaRequestSchema]),
  removeMedia: z.tuple([z.strictObject({ id: ItemId })]),
  pickMediaFiles: none,
  setWindowTitle: z.tuple([z.string().max(300)]),
  getUpdateStatus: none,
  checkForUpdates: none,
  restartToUpdate: none,
  deferUpdate: none,
  getCrashReporting: none,
  setCrashReporting: z.tuple([CrashReportingSchema.strict()]),
  reportRendererError: z.tuple([RendererErrorSchema]),
} as const satisfies Record<InvokeMethod, z.ZodType<unknown[]>>;

/** What each subscription pushes. */
const EVENT_PAYLOADS = {
  onState: AppStateSchema,
  onBalance: BalanceSnapshotSchema,
  onLedgerEntries: z.array(LedgerEntrySchema),
  onNotice: NoticeSchema,
  onChargeSettled: OpenChargeSchema,
  onMenuCommand: MenuCommandSchema,
  onUpdateStatus: UpdateStatusSchema,
} as const satisfies Record<EventMethod, z.ZodType>;

/** Request method → channel and argument schema: what main validates every call against. */
export const INVOKE_CHANNELS = Object.fromEntries(
  INVOKE_METHODS.map((m) => [m, { channel: CHANNELS[m].channel, args: INVOKE_ARGS[m] }]),
) as { readonly [M in InvokeMethod]: { readonly channel: (typeof CHANNELS)[M]['channel']; readonly args: (typeof INVOKE_ARGS)[M] } };

/** Subscription method → channel and payload schema. */
export const EVENT_CHANNELS = Object.fromEntries(
  EVENT_METHODS.map((m) => [m, { channel: CHANNELS[m].channel, payload: EVENT_PAYLOADS[m] }]),
) as { readonly [M in EventMethod]: { readonly channel: (typeof CHANNELS)[M]['channel']; readonly payload: (typeof EVENT_PAYLOADS)[M] } };

export type { EventMethod, InvokeMethod };

/** What a subscription delivers. */
export type EventPayload<M extends EventMethod> = Parameters<Parameters<CutlineApi[M]>[0]>[0];

// Compile-time proof that the channel map (ipc-channels.ts, which imports nothing) and the
// interface agree, both ways.
type Is<T extends true> = T;
/** Every method of the interface is in the map, and nothing else is. */
type _MapIsApi = Is<[Exclude<keyof CutlineApi, ChannelMethod>, Exclude<ChannelMethod, keyof CutlineApi>] extends [never, never] ? true : false>;
/** Each request's declared arity is its parameter count in the interface, and it returns a promise. */
type _InvokeShapes = Is<
  { [M in InvokeMethod]: Parameters<CutlineApi[M]>['length'] extends ChannelMap[M]['arity'] ? (ReturnType<CutlineApi[M]> extends Promise<unknown> ? true : false) : false }[InvokeMethod] extends true ? true : false
>;
/** Each subscription takes one callback and returns an unsubscribe. */
type _EventShapes = Is<
  { [M in EventMethod]: Parameters<CutlineApi[M]>['length'] extends 1 ? (ReturnType<CutlineApi[M]> extends () => void ? (Parameters<CutlineApi[M]>[0] extends (payload: EventPayload<M>) => void ? true : false) : false) : false }[EventMethod] extends true ? true : false
>;

// Compile-time proof that the schemas and the interface agree both ways: what a schema accepts is
// exactly what the method takes, and what a subscription's schema describes is what it delivers.
/** Mutual assignability misses optional properties; key sets are compared as well. */
type Keys<T> = T extends readonly unknown[] ? { [I in keyof T]: keyof T[I] } : keyof T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? ([Keys<A>] extends [Keys<B>] ? ([Keys<B>] extends [Keys<A>] ? true : false) : false) : false) : false;
type AllTrue<T> = T[keyof T] extends true ? true : false;
const _argsMatch: AllTrue<{ [M in InvokeMethod]: Same<z.output<(typeof INVOKE_ARGS)[M]>, Parameters<CutlineApi[M]>> }> = true;
const _payloadsMatch: AllTrue<{ [M in EventMethod]: Same<z.output<(typeof EVENT_PAYLOADS)[M]>, EventPayload<M>> }> = true;
void _argsMatch;
void _payloadsMatch;

export { ChargeSchema, LedgerPageSchema, QuoteResponseSchema, ToolSchema };
export type { AppError, BalanceSnapshot, Charge, CrashReporting, LedgerEntry, LedgerPage, LimitRequest, Me, QuoteResponse, RendererError, Tool, UpdateStatus };
