import type { Clip, Project, ProjectsState } from '@cutline/contract/ipc';
import { GENERATED_MEDIA, mediaById } from '../media';
import type { Deps, Get, ProjectsSlice, Set } from './types';

const MAX_NAME = 120;
const MAX_CLIPS = 500;

/** Moves the item at `from` so that it ends up at index `to` (clamped). */
export function moveItem<T>(items: T[], from: number, to: number): T[] {
  if (from < 0 || from >= items.length) return items;
  const target = Math.max(0, Math.min(items.length - 1, to));
  if (target === from) return items;
  const out = items.slice();
  const [it] = out.splice(from, 1);
  out.splice(target, 0, it);
  return out;
}

/** "Untitled project", "Untitled project 2", … */
export function nextProjectName(projects: Project[], base = 'Untitled project'): string {
  const names = new Set(projects.map((p) => p.name));
  if (!names.has(base)) return base;
  for (let i = 2; ; i++) if (!names.has(`${base} ${i}`)) return `${base} ${i}`;
}

export function createProjectsSlice(deps: Deps, set: Set, get: Get): ProjectsSlice {
  const { api } = deps;
  let cancelPending: (() => void) | null = null;
  let saving: Promise<void> | null = null;
  let dirty = false;

  const snapshot = (): ProjectsState => ({ projects: get().projects, openProjectId: get().openProjectId });

  const save = async (): Promise<void> => {
    if (saving) await saving;
    if (!dirty) return;
    dirty = false;
    set({ saveState: 'saving' });
    saving = (async () => {
      const r = await api.saveProjects(snapshot()).catch(() => null);
      if (r && r.ok) set({ saveState: dirty ? 'saving' : 'saved', saveError: null });
      else set({ saveState: 'error', saveError: r ? r.error.message : 'Your projects could not be saved.' });
    })();
    await saving;
    saving = null;
  };

  const scheduleSave = () => {
    dirty = true;
    set({ saveState: 'saving' });
    cancelPending?.();
    cancelPending = deps.schedule(deps.saveDelayMs, () => {
      cancelPending = null;
      void save();
    });
  };

  const stamp = () => new Date(deps.now()).toISOString();

  /** Applies `fn` to one project and schedules a save. */
  const updateProject = (id: string, fn: (p: Project) => Project) => {
    let changed = false;
    set((s) => ({
      projects: s.projects.map((p) => {
        if (p.id !== id) return p;
        const next = fn(p);
        if (next === p) return p;
        changed = true;
        return { ...next, updatedAt: stamp() };
      }),
    }));
    if (changed) scheduleSave();
  };

  const openProject = (): Project | undefined => get().projects.find((p) => p.id === get().openProjectId);

  const newProject = (name: string): Project => {
    const t = stamp();
    return { id: deps.newId(), name, createdAt: t, updatedAt: t, clips: [] };
  };

  return {
    projects: [],
    openProjectId: null,
    projectsLoaded: false,
    saveState: 'idle',
    saveError: null,
    selectedClipId: null,
    selectedMediaId: null,

    async loadProjects() {
      const state = await api.loadProjects().catch(() => null);
      if (!state) get().notify('error', 'Your saved projects could not be loaded. Changes you make now are still saved.');
      let projects = state?.projects ?? [];
      let openId = state?.openProjectId ?? null;
      if (projects.length === 0) {
        projects = [newProject('My first project')];
        dirty = true;
      }
      if (!projects.some((p) => p.id === openId)) openId = projects[0].id;
      set({ projects, openProjectId: openId, projectsLoaded: true, selectedClipId: null });
      if (dirty) scheduleSave();
    },

    createProject(name) {
      const p = newProject(name?.trim() || nextProjectName(get().projects));
      set((s) => ({ projects: [...s.projects, p], openProjectId: p.id, selectedClipId: null }));
      scheduleSave();
      return p.id;
    },

    openProject(id) {
      if (!get().projects.some((p) => p.id === id) || get().openProjectId === id) return;
      set({ openProjectId: id, selectedClipId: null });
      scheduleSave();
    },

    renameProject(id, name) {
      const clean = name.trim();
      if (!clean) return 'A project needs a name.';
      if (clean.length > MAX_NAME) return `A project name can be at most ${MAX_NAME} characters.`;
      updateProject(id, (p) => (p.name === clean ? p : { ...p, name: clean }));
      return null;
    },

    addClip(mediaId, index) {
      const media = mediaById(mediaId);
      const project = openProject();
      if (!media || !project) return null;
      if (project.clips.length >= MAX_CLIPS) {
        get().notify('error', `A timeline can hold at most ${MAX_CLIPS} clips.`);
        return null;
      }
      const clip: Clip = { id: deps.newId(), mediaId, name: media.name, effects: [] };
      if (media.corrupt) clip.corrupt = true;
      updateProject(project.id, (p) => {
        const clips = p.clips.slice();
        const at = index === undefined ? clips.length : Math.max(0, Math.min(clips.length, index));
        clips.splice(at, 0, clip);
        return { ...p, clips };
      });
      set({ selectedClipId: clip.id });
      return clip.id;
    },

    removeClip(clipId) {
      const project = openProject();
      if (!project) return;
      const idx = project.clips.findIndex((c) => c.id === clipId);
      if (idx < 0) return;
      const running = get().jobForClip(clipId);
      if (running) void get().cancelJob(running.id);
      updateProject(project.id, (p) => ({ ...p, clips: p.clips.filter((c) => c.id !== clipId) }));
      if (get().selectedClipId === clipId) {
        const rest = openProject()?.clips ?? [];
        set({ selectedClipId: rest[Math.min(idx, rest.length - 1)]?.id ?? null });
      }
    },

    moveClip(clipId, toIndex) {
      const project = openProject();
      if (!project) return;
      const from = project.clips.findIndex((c) => c.id === clipId);
      if (from < 0) return;
      updateProject(project.id, (p) => {
        const clips = moveItem(p.clips, from, toIndex);
        return clips === p.clips ? p : { ...p, clips };
      });
    },

    selectClip(clipId) {
      set({ selectedClipId: clipId, selectedMediaId: clipId ? null : get().selectedMediaId });
    },

    selectMedia(mediaId) {
      set({ selectedMediaId: mediaId, selectedClipId: mediaId ? null : get().selectedClipId });
    },

    applyEffect(projectId, clipId, toolId) {
      updateProject(projectId, (p) => ({
        ...p,
        clips: p.clips.map((c) =>
          c.id === clipId && c.effects.length < 50 ? { ...c, effects: [...c.effects, toolId] } : c,
        ),
      }));
    },

    addGeneratedClip(projectId, toolId, prompt) {
      const media = GENERATED_MEDIA[toolId];
      if (!media) return;
      const clip: Clip = {
        id: deps.newId(),
        mediaId: media.id,
        name: (prompt.trim() || media.name).slice(0, 200),
        effects: [toolId],
      };
      updateProject(projectId, (p) => (p.clips.length >= MAX_CLIPS ? p : { ...p, clips: [...p.clips, clip] }));
      if (get().openProjectId === projectId) set({ selectedClipId: clip.id });
    },

    async flushSave() {
      if (cancelPending) {
        cancelPending();
        cancelPending = null;
      }
      await save();
    },
  };
}
