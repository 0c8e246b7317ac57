/**
 * The one IPC contract between the renderer and the main process (DESIGN.md § Layout).
 *
 * - `CutlineApi` is what the preload exposes as `window.cutline` (it must `satisfies` it), and
 *   what the browser host's WebSocket bridge exposes with the very same shape.
 * - `INVOKE_CHANNELS` maps every request method to its channel and the zod schema of its
 *   arguments; main validates every call against it (and checks the sender frame).
 * - `EVENT_CHANNELS` are the pushes main → renderer; subscriptions return an unsubscribe.
 */
import { z } from 'zod';
import {
  BalanceSnapshotSchema,
  ChargeSchema,
  HandoffPathSchema,
  LedgerEntrySchema,
  LedgerPageSchema,
  MeSchema,
  QuoteResponseSchema,
  ToolSchema,
  type BalanceSnapshot,
  type Charge,
  type LedgerEntry,
  type LedgerPage,
  type Me,
  type QuoteResponse,
  type Tool,
} from './api';
import type { HandoffPath } from './credit-types';
import type { AppError, Result } from './result';

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
});
export type AppState = z.infer<typeof AppStateSchema>;

/** A notice the app shows after a deep link or another event (PRODUCT.md § Deep links back). */
export const NoticeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('signed-in'), email: z.string() }),
  z.object({ kind: z.literal('purchase-complete'), order: z.string(), balance: BalanceSnapshotSchema.nullable() }),
  z.object({ kind: z.literal('exchange-complete'), balance: BalanceSnapshotSchema.nullable() }),
  z.object({ kind: z.literal('upgrade-complete'), plan: z.literal('pro'), balance: BalanceSnapshotSchema.nullable() }),
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
});
export type Prefs = z.infer<typeof PrefsSchema>;

// ---- the API ----------------------------------------------------------------------------------

export interface CutlineApi {
  getState(): Promise<AppState>;
  /** Opens the system browser on the sign-in page; resolves when the browser was opened. */
  signIn(): Promise<Result<void>>;
  signOut(): Promise<Result<void>>;

  getBalance(): Promise<BalanceSnapshot | null>;
  listTools(): Promise<Result<Tool[]>>;
  getLedger(query: { limit?: number; before?: string }): Promise<Result<LedgerPage>>;

  /** Prices an action; changes nothing. */
  quote(req: { tool: string; quantity?: number }): Promise<Result<QuoteResponse>>;
  /**
   * Holds the cost of one user action. `actionId` is made once per user action by the renderer;
   * the core derives the Idempotency-Key from it, so a retry is the same charge.
   */
  hold(req: { actionId: string; tool: string; quantity?: number }): Promise<Result<Charge>>;
  capture(req: { chargeId: string }): Promise<Result<Charge>>;
  release(req: { chargeId: string; reason: 'failed' | 'cancelled' }): Promise<Result<Charge>>;

  /** Opens a web page (store, pricing, exchange, credits) in the browser, already signed in. */
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
  /** The native file dialog (Electron) or a file input (browser host); [] when cancelled. */
  pickMediaFiles(): Promise<Result<PickedFile[]>>;
  /** The window's title (BrowserWindow title in Electron, document.title in the browser host). */
  setWindowTitle(title: string): Promise<void>;

  onState(cb: (state: AppState) => void): () => void;
  onBalance(cb: (balance: BalanceSnapshot) => void): () => void;
  /** Ledger entries as they arrive by push, from any device. */
  onLedgerEntry(cb: (entry: LedgerEntry) => void): () => void;
  onNotice(cb: (notice: Notice) => void): () => void;
  /** A command chosen in the application menu. */
  onMenuCommand(cb: (command: MenuCommand) => void): () => void;
}

const none = z.tuple([]);
export const INVOKE_CHANNELS = {
  getState: { channel: 'cutline:getState', args: none },
  signIn: { channel: 'cutline:signIn', args: none },
  signOut: { channel: 'cutline:signOut', args: none },
  getBalance: { channel: 'cutline:getBalance', args: none },
  listTools: { channel: 'cutline:listTools', args: none },
  getLedger: {
    channel: 'cutline:getLedger',
    args: z.tuple([
      z.strictObject({ limit: z.number().int().min(1).max(200).optional(), before: z.string().max(64).optional() }),
    ]),
  },
  quote: {
    channel: 'cutline:quote',
    args: z.tuple([z.strictObject({ tool: z.string().min(1).max(64), quantity: z.number().int().min(1).max(100).optional() })]),
  },
  hold: {
    channel: 'cutline:hold',
    args: z.tuple([
      z.strictObject({
        actionId: z.string().regex(/^[A-Za-z0-9_-]{8,100}$/),
        tool: z.string().min(1).max(64),
        quantity: z.number().int().min(1).max(100).optional(),
      }),
    ]),
  },
  capture: { channel: 'cutline:capture', args: z.tuple([z.strictObject({ chargeId: z.string().min(1).max(128) })]) },
  release: {
    channel: 'cutline:release',
    args: z.tuple([
      z.strictObject({ chargeId: z.string().min(1).max(128), reason: z.enum(['failed', 'cancelled']) }),
    ]),
  },
  openWeb: { channel: 'cutline:openWeb', args: z.tuple([z.strictObject({ path: HandoffPathSchema })]) },
  retryNow: { channel: 'cutline:retryNow', args: none },
  setAlertSettings: { channel: 'cutline:setAlertSettings', args: z.tuple([AlertSettingsSchema.partial().strict()]) },
  loadProjects: { channel: 'cutline:loadProjects', args: none },
  saveProjects: { channel: 'cutline:saveProjects', args: z.tuple([ProjectsStateSchema]) },
  getPrefs: { channel: 'cutline:getPrefs', args: none },
  setPrefs: { channel: 'cutline:setPrefs', args: z.tuple([PrefsSchema.partial().strict()]) },
  listMedia: { channel: 'cutline:listMedia', args: none },
  importMedia: { channel: 'cutline:importMedia', args: z.tuple([ImportMediaRequestSchema]) },
  pickMediaFiles: { channel: 'cutline:pickMediaFiles', args: none },
  setWindowTitle: { channel: 'cutline:setWindowTitle', args: z.tuple([z.string().max(300)]) },
} as const satisfies Record<string, { channel: string; args: z.ZodType<unknown[]> }>;

export type InvokeMethod = keyof typeof INVOKE_CHANNELS;

export const EVENT_CHANNELS = {
  onState: { channel: 'cutline:state', payload: AppStateSchema },
  onBalance: { channel: 'cutline:balance', payload: BalanceSnapshotSchema },
  onLedgerEntry: { channel: 'cutline:ledgerEntry', payload: LedgerEntrySchema },
  onNotice: { channel: 'cutline:notice', payload: NoticeSchema },
  onMenuCommand: { channel: 'cutline:menuCommand', payload: MenuCommandSchema },
} as const;

export type EventMethod = keyof typeof EVENT_CHANNELS;

// Compile-time proof that the channel maps cover the interface exactly.
type _InvokeCovers = Exclude<keyof CutlineApi, InvokeMethod | EventMethod> extends never ? true : never;
const _check: _InvokeCovers = true;
void _check;

export { ChargeSchema, LedgerPageSchema, QuoteResponseSchema, ToolSchema };
export type { AppError, BalanceSnapshot, Charge, LedgerEntry, LedgerPage, Me, QuoteResponse, Tool };
