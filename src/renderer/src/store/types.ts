/** The shape of the renderer's one zustand store and the dependencies it is built with. */
import type { BalanceSnapshot, Charge, LedgerEntry, QuoteResponse, Tool } from '@cutline/contract/api';
import type { Usage } from '@cutline/contract/usage';
import type { HandoffPath } from '@cutline/contract/credit-types';
import type { AppState, ChargeTarget, CutlineApi, Notice as CoreNotice, OpenCharge, Prefs, Project } from '@cutline/contract/ipc';
import type { Probe } from '../editor/media-probe';
import type { MediaItem } from '../media';
import type { Schedule } from '../jobs/simulate';
import type { CrashReportingSlice } from './crash-reporting';
import type { UpdatesSlice } from './updates';

export interface Deps {
  api: CutlineApi;
  /** Randomness of the simulated AI jobs, uniform [0, 1). */
  random: () => number;
  schedule: Schedule;
  newId: () => string;
  now: () => number;
  job: { stepMs: number; failRate: number };
  /** Projects are saved this long after the last edit. */
  saveDelayMs: number;
  /** Reads duration, thumbnail and waveform from a file (the browser's media elements). */
  probe: Probe;
}

// ---- account -----------------------------------------------------------------------------------

export interface AccountSlice {
  /** The main process's state; null until the first getState answers. */
  app: AppState | null;
  /** The balance as main last announced it; null when signed out or not loaded. */
  balance: BalanceSnapshot | null;
  tools: Tool[] | null;
  toolsError: string | null;
  prefs: Prefs;
  /** Bumped whenever the signed-in account changes; answers for an older epoch are dropped. */
  accountEpoch: number;
  /**
   * Takes a balance main announced (a push, or its answer to getBalance): main keeps the newest
   * version and sends each change once, in order, so the store compares nothing. False when signed out.
   */
  applyBalance(b: BalanceSnapshot | null | undefined): boolean;
  setAppState(next: AppState): void;
  refreshAccountData(): Promise<void>;
  loadTools(): Promise<void>;
  signIn(): Promise<void>;
  /** Gives up the sign-in waiting in the browser. */
  cancelSignIn(): Promise<void>;
  /** Signs out; running jobs are cancelled first and the user is told what happened to their credits. */
  signOut(): Promise<void>;
  /** Reconnects to the credit service now (*Retry now*, the network came back). */
  retryNow(): Promise<void>;
  setAlertSettings(patch: { enabled?: boolean; lowBalanceThreshold?: number | null }): Promise<string | null>;
  /** Opens a web page; returns an error sentence or null. */
  openWeb(path: HandoffPath): Promise<string | null>;
  /** The setting "Ask before using my own credits" (per account); returns an error sentence or null. */
  setAskBeforePersonalCredits(on: boolean): Promise<string | null>;
  /** Asks the team admins for `credits` more on this member's limit; returns an error sentence or null. */
  requestMoreCredits(credits: number, note: string): Promise<string | null>;
}

// ---- activity ----------------------------------------------------------------------------------

export interface ActivitySlice {
  ledger: LedgerEntry[];
  ledgerNext: string | null;
  ledgerLoading: boolean;
  ledgerError: string | null;
  loadLedger(more?: boolean): Promise<void>;
  /** The entries of one pushed change, all at once. */
  addLedgerEntries(entries: LedgerEntry[]): void;
}

// ---- the open project's cost ------------------------------------------------------------------

export interface ProjectCostSlice {
  /** The open project's captured charges by tool (null: no project open, or signed out). */
  projectCost: { projectId: string; usage: Usage | null; error: string | null; loading: boolean } | null;
  loadProjectCost(): Promise<void>;
}

// ---- projects ----------------------------------------------------------------------------------

export type SaveState = 'idle' | 'saving' | 'saved' | 'error';

export interface ProjectsSlice {
  projects: Project[];
  openProjectId: string | null;
  projectsLoaded: boolean;
  saveState: SaveState;
  saveError: string | null;
  selectedClipId: string | null;
  selectedMediaId: string | null;
  /**
   * Reads the saved projects. With `after` (the media loading), the request still goes out at
   * once but the projects are applied only when `after` has settled: the timeline's clip lengths
   * come from the media.
   */
  loadProjects(after?: Promise<unknown>): Promise<void>;
  createProject(name?: string): string;
  openProject(id: string): void;
  /** Returns an error sentence, or null when renamed. */
  renameProject(id: string, name: string): string | null;
  /** Adds a media item to the open project's timeline (at `index`, default the end). */
  addClip(mediaId: string, index?: number): string | null;
  removeClip(clipId: string): void;
  /** Removes every clip of a media item from every project (its file was removed). */
  removeClipsOf(mediaId: string): void;
  moveClip(clipId: string, toIndex: number): void;
  selectClip(clipId: string | null): void;
  selectMedia(mediaId: string | null): void;
  /** A paid result on a clip; once per charge (a result delivered again changes nothing). */
  applyEffect(projectId: string, clipId: string, toolId: string, chargeId: string): void;
  /** The clip an AI Generate tool made; once per charge. */
  addGeneratedClip(projectId: string, toolId: string, prompt: string, chargeId: string): void;
  /** Saves now if a save is pending. */
  flushSave(): Promise<void>;
  /** Deletes a project (the UI confirms first); another one opens. */
  deleteProject(id: string): void;
  /** Returns an error sentence, or null when renamed. */
  renameClip(clipId: string, name: string): string | null;
  /** Sets a clip's in/out points (seconds in its media). */
  trimClip(clipId: string, points: { inPoint: number; outPoint: number }): void;
  /** Shows the clip's hidden (undone) AI results again, at no cost. */
  showHiddenEffects(clipId: string): void;
  /** Bumped on every change of the undo stacks (for the buttons' state). */
  historyVersion: number;
  /** Labels of the open project's next undo and redo. */
  historyLabels(): { undo: string | null; redo: string | null };
  undo(): void;
  redo(): void;
  /** Sets the window's title (the open project's name). */
  showWindowTitle(title: string): void;
}

// ---- imported media -------------------------------------------------------------------------------

export interface MediaSlice {
  /** The user's imported media, oldest first (the samples are in media.ts). */
  library: MediaItem[];
  /** Files being read or stored now. */
  importing: number;
  loadMedia(): Promise<void>;
  /** Checks, reads and keeps each file; a refused file gets a sentence and changes nothing. Returns the new ids. */
  importFiles(files: File[]): Promise<string[]>;
  /** The native file dialog (Electron) or the file input (browser host), then `importFiles`. */
  pickAndImport(): Promise<string[]>;
  /** Files dropped on the timeline: imported, then placed in order from `index` of the open project. */
  importToTimeline(files: File[], index: number): Promise<void>;
  /** How many clips, in every project, use a media item. */
  clipsUsing(mediaId: string): number;
  /** Forgets an imported item and removes the clips that use it (the UI warns first when there are any). */
  removeMedia(mediaId: string): Promise<void>;
}

// ---- playback and zoom --------------------------------------------------------------------------

export interface PlaybackSlice {
  /** Project seconds under the playhead. */
  playhead: number;
  playing: boolean;
  /** Timeline zoom, pixels per second. */
  pxPerSecond: number;
  play(): void;
  pause(): void;
  togglePlay(): void;
  seek(seconds: number): void;
  /** Moves the playhead by `seconds` (arrow keys, J/L). */
  nudge(seconds: number): void;
  /** The clock: advances a playing playhead by `seconds` of real time. */
  advance(seconds: number): void;
  zoom(direction: 1 | -1): void;
  setZoom(pxPerSecond: number): void;
  /** The open project's length in seconds. */
  totalSeconds(): number;
}

// ---- AI actions ----------------------------------------------------------------------------------

/** What an AI action runs on (main keeps it with the open charge, to deliver the result after a restart). */
export type ActionTarget = ChargeTarget;

/** The dialog step of the one AI action being set up (only one at a time: it is modal). */
export type Flow =
  | { step: 'exchange'; toolId: string; target: ActionTarget | null; opened: boolean; error: string | null }
  | { step: 'prompt'; toolId: string; projectId: string }
  | { step: 'quoting'; toolId: string; target: ActionTarget }
  | {
      step: 'confirm';
      toolId: string;
      target: ActionTarget;
      quote: QuoteResponse;
      actionId: string;
      busy: boolean;
      error: string | null;
      /** The clip already has this tool's result (`hidden`: undone, kept): a second charge needs its own yes. */
      again: 'shown' | 'hidden' | null;
      againConfirmed: boolean;
      /**
       * A team member's own credits the action would use (the quote's parts from their own
       * batches); with `askPersonal` (their setting) they must tick `personalConfirmed` first, and
       * the hold carries `personalCap` = that amount — what they agreed to.
       */
      personal: number;
      askPersonal: boolean;
      personalConfirmed: boolean;
    }
  | {
      step: 'not-enough';
      toolId: string;
      cost: number;
      available: number;
      error: string | null;
      /** A team member's case: their limit on the pool stopped it, or the pool is empty. */
      why?: 'member_limit' | 'pool_empty';
    };

export type ExchangeChoice = 'learn-more' | 'exchange-now' | 'not-now' | 'close';

export interface FlowSlice {
  flow: Flow | null;
  /** Shown the exchange prompt this session already. */
  exchangeAsked: boolean;
  /** Why no AI tool can run now (signed out, offline, no prices), or null. */
  aiUnavailableReason(): string | null;
  /** Why an AI tool can't run now (a sentence), or null when it can. */
  aiBlockedReason(toolId: string, clipId?: string): string | null;
  /** Right-click → AI Tools → tool, or AI Generate → tool. */
  startAction(toolId: string, target?: { clipId: string }): Promise<void>;
  /** Runs a tool again on a known target (Retry on a failed job): priced and confirmed again. */
  retryAction(toolId: string, target: ActionTarget): Promise<void>;
  submitPrompt(prompt: string): Promise<void>;
  exchangeChoice(choice: ExchangeChoice): Promise<void>;
  /** The confirm dialog's "apply it again" box, for a tool the clip already has. */
  confirmAgain(checked: boolean): void;
  /** The confirm dialog's "use my own credits" box (a team member asked before personal credits). */
  confirmPersonal(checked: boolean): void;
  confirmFlow(): Promise<void>;
  cancelFlow(): void;
}

// ---- jobs ---------------------------------------------------------------------------------------

/** `waiting`: the job is over and main tells the service (capture or release) as soon as it answers. */
export type JobStatus = 'running' | 'capturing' | 'releasing' | 'waiting' | 'done' | 'failed' | 'cancelled' | 'error';

export interface Job {
  id: string;
  toolId: string;
  toolName: string;
  target: ActionTarget;
  /** What it runs on: the clip's name or the prompt. */
  label: string;
  charge: Charge;
  status: JobStatus;
  progress: number;
  message: string | null;
  /** What the job came to, once it is over (what a `waiting` card waits to hear). */
  outcome: 'succeeded' | 'failed' | 'cancelled' | null;
  /** For a failed or cancelled job: why, as the start of its card's sentence. */
  why: string | null;
}

export interface JobsSlice {
  jobs: Job[];
  startJob(input: { toolId: string; target: ActionTarget; charge: Charge }): string;
  cancelJob(jobId: string): Promise<void>;
  dismissJob(jobId: string): void;
  /** Retry on a failed job: the card goes, and the same tool on the same target is priced and confirmed again. */
  retryJob(jobId: string): Promise<void>;
  /** Removes every finished card. */
  clearFinishedJobs(): void;
  /** Another account (or none): the jobs on screen belong to the previous one, so they go. */
  resetJobs(): void;
  /**
   * The account's open charges main kept (after a restart, a reload, a sign-in): a job that was
   * running resumes (or, its hold about to lapse, returns its credits and offers Retry), a result
   * main settled since is applied, one still waiting for the service shows as waiting.
   */
  resumeOpenCharges(): Promise<void>;
  /** Main settled a charge after its first try could not reach the service. */
  chargeSettled(charge: OpenCharge): void;
  /** The running job on a clip, if any. */
  jobForClip(clipId: string): Job | undefined;
}

// ---- notices ------------------------------------------------------------------------------------

export type NoticeKind = 'info' | 'success' | 'error';

export interface UiNotice {
  id: string;
  kind: NoticeKind;
  text: string;
  /** How many times this very notice came (repeats collapse into one toast). */
  count: number;
  /** A button on the toast (e.g. Undo after removing a clip with AI results). */
  action?: { label: string; run: () => void };
}

export interface NoticesSlice {
  notices: UiNotice[];
  notify(kind: NoticeKind, text: string, action?: UiNotice['action']): string;
  dismissNotice(id: string): void;
  /** Clears every toast at once. */
  dismissAllNotices(): void;
  handleCoreNotice(n: CoreNotice): void;
}

export type AppStore = AccountSlice &
  ActivitySlice &
  ProjectCostSlice &
  ProjectsSlice &
  MediaSlice &
  PlaybackSlice &
  FlowSlice &
  JobsSlice &
  NoticesSlice &
  UpdatesSlice &
  CrashReportingSlice;

export type Set = (partial: Partial<AppStore> | ((s: AppStore) => Partial<AppStore>)) => void;
export type Get = () => AppStore;
