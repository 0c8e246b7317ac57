/** The user's crash-report choice (kept by main, per installation; off until they turn it on). */
import type { CrashReporting } from '@cutline/contract/crash-reports';
import type { Deps, Get, Set } from './types';

export interface CrashReportingSlice {
  /** null until main answers. */
  crashReporting: CrashReporting | null;
  loadCrashReporting(): Promise<void>;
  /** Returns an error sentence, or null when saved. */
  setCrashReporting(enabled: boolean): Promise<string | null>;
}

export function createCrashReportingSlice(deps: Deps, set: Set, _get: Get): CrashReportingSlice {
  return {
    crashReporting: null,
    async loadCrashReporting() {
      const crashReporting = await deps.api.getCrashReporting().catch(() => null);
      if (crashReporting) set({ crashReporting });
    },
    async setCrashReporting(enabled) {
      try {
        const result = await deps.api.setCrashReporting({ enabled });
        if (!result.ok) return result.error.message;
        set({ crashReporting: result.value });
        return null;
      } catch {
        return 'Your choice could not be saved. Try again.';
      }
    },
  };
}
