/**
 * The editor's own data that main keeps for the renderer: projects and preferences
 * (IPC `loadProjects/saveProjects/getPrefs/setPrefs`). Whatever is read back is validated with the
 * shared schemas; unreadable data falls back to empty defaults and is logged.
 */
import { PrefsSchema, ProjectsStateSchema, type Prefs, type ProjectsState } from '@cutline/contract/ipc';
import { ok, type Result } from '@cutline/contract/result';
import type { KeyValueStore } from './key-value-store';
import type { Logger } from './logger';

export const DEFAULT_PREFS: Prefs = { exchangePromptDismissed: false };
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

  getPrefs(): Prefs {
    const parsed = PrefsSchema.partial().safeParse(this.store.get('prefs') ?? {});
    return { ...DEFAULT_PREFS, ...(parsed.success ? parsed.data : {}) };
  }

  setPrefs(partial: Partial<Prefs>): Prefs {
    const next = PrefsSchema.parse({ ...this.getPrefs(), ...partial });
    this.store.set('prefs', next);
    return next;
  }
}
