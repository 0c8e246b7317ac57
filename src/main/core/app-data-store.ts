/**
 * The editor's own data that main keeps for the renderer: projects and preferences (per account)
 * (IPC `loadProjects/saveProjects/getPrefs/setPrefs`). Whatever is read back is validated with the
 * shared schemas; unreadable data falls back to empty defaults and is logged.
 */
import { PrefsSchema, ProjectsStateSchema, type Prefs, type ProjectsState } from '@cutline/contract/ipc';
import { ok, type Result } from '@cutline/contract/result';
import type { KeyValueStore } from './key-value-store';
import type { Logger } from './logger';

export const DEFAULT_PREFS: Prefs = { exchangePromptDismissed: false, askBeforePersonalCredits: true };
/** Preferences are per account (one account's "Not now" is not another's). */
const prefsKey = (account: string | null) => (account ? `prefs.${account}` : 'prefs');
const EMPTY_PROJECTS: ProjectsState = { projects: [], openProjectId: null };

export class AppDataStore {
  constructor(
    private readonly store: KeyValueStore,
    private readonly logger: Logger,
  ) {}

  loadProjects(): ProjectsState {
    const raw = this.store.get('projects');
    if (raw === undefined) return structuredClone(EMPTY_PROJECTS);
    const parsed = ProjectsStateSchema.safeParse(raw);
    if (!parsed.success) {
      this.logger.warn('stored projects unreadable; starting empty');
      return structuredClone(EMPTY_PROJECTS);
    }
    return parsed.data;
  }

  saveProjects(state: ProjectsState): Result<void> {
    this.store.set('projects', ProjectsStateSchema.parse(state));
    return ok(undefined);
  }

  /** An account's preferences (`prefs.<account id>`); signed out (no account): this device's own. */
  getPrefs(account: string | null = null): Prefs {
    const parsed = PrefsSchema.partial().safeParse(this.store.get(prefsKey(account)) ?? {});
    return { ...DEFAULT_PREFS, ...(parsed.success ? parsed.data : {}) };
  }

  setPrefs(partial: Partial<Prefs>, account: string | null = null): Prefs {
    const next = PrefsSchema.parse({ ...this.getPrefs(account), ...partial });
    this.store.set(prefsKey(account), next);
    return next;
  }
}
