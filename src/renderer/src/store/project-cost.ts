/**
 * What the open project has cost so far (the project bar's "This project: 85 credits · 6 AI
 * actions" and its breakdown by tool), from the service (`getProjectUsage`). Loaded when the open
 * project or the account changes (connectStore) and again whenever a capture arrives — from this
 * device or any other — so the figure is live.
 */
import type { Project } from '@cutline/contract/ipc';
import { ChargeProjectSchema, type ChargeProject } from '@cutline/contract/usage';
import type { Deps, Get, ProjectCostSlice, Set } from './types';

/** The project as a charge names it (its id and name), so the charge counts toward its cost; none when it has no such name. */
export function chargeProject(p: Pick<Project, 'id' | 'name'> | undefined): ChargeProject | undefined {
  if (!p) return undefined;
  const parsed = ChargeProjectSchema.safeParse({ id: p.id, name: p.name });
  return parsed.success ? parsed.data : undefined;
}

export function createProjectCostSlice(deps: Deps, set: Set, get: Get): ProjectCostSlice {
  const { api } = deps;
  let asked = 0;
  return {
    projectCost: null,

    async loadProjectCost() {
      const projectId = get().openProjectId;
      const epoch = get().accountEpoch;
      const ask = ++asked;
      if (!get().app?.account || !projectId) {
        set({ projectCost: null });
        return;
      }
      const prev = get().projectCost;
      set({ projectCost: { projectId, usage: prev?.projectId === projectId ? prev.usage : null, error: null, loading: true } });
      const r = await api.getProjectUsage({ projectId }).catch(() => null);
      // A newer question (another project, another account, a later capture) answers instead.
      if (ask !== asked || get().accountEpoch !== epoch || get().openProjectId !== projectId) return;
      if (!r || !r.ok) {
        set((s) => ({ projectCost: { projectId, usage: s.projectCost?.usage ?? null, error: r ? r.error.message : 'What this project cost could not be loaded.', loading: false } }));
        return;
      }
      set({ projectCost: { projectId, usage: r.value, error: null, loading: false } });
    },
  };
}
