import type { Clip, Project, ProjectsState } from '@cutline/contract/ipc';
import { UndoStack, type Edit } from '../editor/history';
import { projectLayout } from '../editor/project-layout';
import { GENERATED_MEDIA, mediaById } from '../media';
import { toolName } from '../tools';
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

/** What an undo puts back: the project's name and clips. */
type Snapshot = Pick<Project, 'name' | 'clips'>;
interface EditSpec {
  label: string;
  kind?: Edit<Snapshot>['kind'];
  /** The state undo restores, when it is not simply the project before (an undone AI result stays, hidden). */
  before?: (p: Project) => Snapshot;
}

/** Moves the last `toolId` of a clip's results to its hidden ones (or back with `show`). */
function hideEffect(clip: Clip, toolId: string): Clip {
  const at = clip.effects.lastIndexOf(toolId);
  if (at < 0) return clip;
  return { ...clip, effects: clip.effects.filter((_, i) => i !== at), hiddenEffects: [...(clip.hiddenEffects ?? []), toolId].slice(-50) };
}

export function createProjectsSlice(deps: Deps, set: Set, get: Get): ProjectsSlice {
  const { api } = deps;
  const histories = new Map<string, UndoStack<Snapshot>>();
  const historyOf = (id: string) => {
    let h = histories.get(id);
    if (!h) histories.set(id, (h = new UndoStack<Snapshot>()));
    return h;
  };
  const bumpHistory = () => set((s) => ({ historyVersion: s.historyVersion + 1 }));
  let cancelPending: (() => void) | null = null;
  let saving: Promise<void> | null = null;
  let dirty = false;

  const snapshot = (): ProjectsState => ({ projects: get().projects, openProjectId: get().openProjectId });

  /** Consecutive failed saves: a failed save is tried again, less often each time (at most every 30 s). */
  let failedSaves = 0;
  const save = async (): Promise<void> => {
    if (saving) await saving;
    if (!dirty) return;
    dirty = false;
    set({ saveState: 'saving' });
    saving = (async () => {
      const r = await api.saveProjects(snapshot()).catch(() => null);
      if (r && r.ok) {
        failedSaves = 0;
        set({ saveState: dirty ? 'saving' : 'saved', saveError: null });
        return;
      }
      set({ saveState: 'error', saveError: r ? r.error.message : 'Your projects could not be saved.' });
      // nothing is lost: the edits stay, and are saved as soon as main takes them
      dirty = true;
      cancelPending?.();
      cancelPending = deps.schedule(Math.min(30_000, 1_000 * 2 ** failedSaves++), () => {
        cancelPending = null;
        void save();
      });
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

  /** Applies `fn` to one project and schedules a save; with `edit`, the change can be undone. */
  const updateProject = (id: string, fn: (p: Project) => Project, edit?: EditSpec) => {
    let changed = false;
    let entry: Edit<Snapshot> | null = null;
    set((s) => ({
      projects: s.projects.map((p) => {
        if (p.id !== id) return p;
        const next = fn(p);
        if (next === p) return p;
        changed = true;
        if (edit) {
          entry = {
            label: edit.label,
            kind: edit.kind ?? 'edit',
            before: edit.before ? edit.before(p) : { name: p.name, clips: p.clips },
            after: { name: next.name, clips: next.clips },
          };
        }
        return { ...next, updatedAt: stamp() };
      }),
    }));
    if (entry) {
      historyOf(id).record(entry);
      bumpHistory();
    }
    if (changed) scheduleSave();
  };

  /** Puts a snapshot back (undo/redo): the selection and the playhead stay valid. */
  const restore = (id: string, snap: Snapshot) => {
    // a clip that goes away with the undo takes its running job with it (released, never charged)
    const kept = new Set(snap.clips.map((c) => c.id));
    for (const c of get().projects.find((p) => p.id === id)?.clips ?? []) {
      const running = kept.has(c.id) ? undefined : get().jobForClip(c.id);
      if (running) void get().cancelJob(running.id);
    }
    set((s) => ({
      projects: s.projects.map((p) => (p.id === id ? { ...p, name: snap.name, clips: snap.clips, updatedAt: stamp() } : p)),
    }));
    const sel = get().selectedClipId;
    if (sel && !snap.clips.some((c) => c.id === sel)) set({ selectedClipId: null });
    get().seek(Math.min(get().playhead, projectLayout(snap.clips).total));
    scheduleSave();
    bumpHistory();
  };

  const clipName = (p: Project, clipId: string) => p.clips.find((c) => c.id === clipId)?.name ?? 'clip';

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
    historyVersion: 0,

    async loadProjects(after) {
      const [state] = await Promise.all([api.loadProjects().catch(() => null), after?.catch(() => undefined)]);
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
      updateProject(id, (p) => (p.name === clean ? p : { ...p, name: clean }), { label: `Rename project to “${clean}”` });
      return null;
    },

    deleteProject(id) {
      const rest = get().projects.filter((p) => p.id !== id);
      if (rest.length === get().projects.length) return;
      for (const job of get().jobs) {
        if (job.target.projectId === id && (job.status === 'running' || job.status === 'capturing')) void get().cancelJob(job.id);
      }
      histories.delete(id);
      const projects = rest.length ? rest : [newProject(nextProjectName([]))];
      const openId = get().openProjectId === id ? projects[0].id : get().openProjectId;
      set({ projects, openProjectId: openId, selectedClipId: null, playhead: 0, playing: false });
      bumpHistory();
      scheduleSave();
    },

    renameClip(clipId, name) {
      const clean = name.trim();
      if (!clean) return 'A clip needs a name.';
      if (clean.length > 200) return 'A clip name can be at most 200 characters.';
      const project = openProject();
      if (!project) return null;
      updateProject(
        project.id,
        (p) => {
          const clip = p.clips.find((c) => c.id === clipId);
          return !clip || clip.name === clean ? p : { ...p, clips: p.clips.map((c) => (c.id === clipId ? { ...c, name: clean } : c)) };
        },
        { label: `Rename “${clipName(project, clipId)}”` },
      );
      return null;
    },

    trimClip(clipId, { inPoint, outPoint }) {
      const project = openProject();
      if (!project) return;
      updateProject(
        project.id,
        (p) => {
          const clip = p.clips.find((c) => c.id === clipId);
          if (!clip || (clip.inPoint === inPoint && clip.outPoint === outPoint)) return p;
          return { ...p, clips: p.clips.map((c) => (c.id === clipId ? { ...c, inPoint, outPoint } : c)) };
        },
        { label: `Trim “${clipName(project, clipId)}”` },
      );
    },

    showHiddenEffects(clipId) {
      const project = openProject();
      if (!project) return;
      updateProject(
        project.id,
        (p) => ({
          ...p,
          clips: p.clips.map((c) =>
            c.id === clipId && c.hiddenEffects?.length
              ? { ...c, effects: [...c.effects, ...c.hiddenEffects].slice(0, 50), hiddenEffects: undefined }
              : c,
          ),
        }),
        { label: `Show AI results on “${clipName(project, clipId)}”` },
      );
    },

    showWindowTitle(title) {
      void api.setWindowTitle(title).catch(() => {});
    },

    historyLabels() {
      const id = get().openProjectId;
      const h = id ? histories.get(id) : undefined;
      return h ? h.peek() : { undo: null, redo: null };
    },

    undo() {
      const id = get().openProjectId;
      const edit = id ? histories.get(id)?.undo() : null;
      if (!id || !edit) return;
      restore(id, edit.before);
      get().notify(
        'info',
        edit.kind === 'ai-result'
          ? `Undid ${edit.label}. The result is hidden, not refunded: its credits stay spent. Redo shows it again at no cost.`
          : `Undid: ${edit.label}.`,
      );
    },

    redo() {
      const id = get().openProjectId;
      const edit = id ? histories.get(id)?.redo() : null;
      if (!id || !edit) return;
      restore(id, edit.after);
      get().notify('info', edit.kind === 'ai-result' ? `Redid ${edit.label} — shown again at no cost, nothing was charged.` : `Redid: ${edit.label}.`);
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
      }, { label: `Add “${media.name}”` });
      set({ selectedClipId: clip.id });
      return clip.id;
    },

    removeClip(clipId) {
      const project = openProject();
      if (!project) return;
      const idx = project.clips.findIndex((c) => c.id === clipId);
      if (idx < 0) return;
      const removed = project.clips[idx];
      const running = get().jobForClip(clipId);
      if (running) void get().cancelJob(running.id);
      updateProject(project.id, (p) => ({ ...p, clips: p.clips.filter((c) => c.id !== clipId) }), { label: `Remove “${removed.name}”` });
      if (get().selectedClipId === clipId) {
        const rest = openProject()?.clips ?? [];
        set({ selectedClipId: rest[Math.min(idx, rest.length - 1)]?.id ?? null });
      }
      get().seek(get().playhead);
      const paid = removed.effects.length + (removed.hiddenEffects?.length ?? 0);
      if (paid > 0) {
        get().notify(
          'info',
          `Removed “${removed.name}” with its ${paid === 1 ? 'AI result' : `${paid} AI results`}. Undo (Ctrl+Z) brings ${paid === 1 ? 'it' : 'them'} back at no cost.`,
          { label: 'Undo', run: () => get().undo() },
        );
      }
    },

    removeClipsOf(mediaId) {
      for (const project of get().projects) {
        const gone = project.clips.filter((c) => c.mediaId === mediaId);
        if (gone.length === 0) continue;
        for (const c of gone) {
          const running = get().jobForClip(c.id);
          if (running) void get().cancelJob(running.id);
        }
        // not undoable: the file itself is gone
        updateProject(project.id, (p) => ({ ...p, clips: p.clips.filter((c) => c.mediaId !== mediaId) }));
        if (gone.some((c) => c.id === get().selectedClipId)) set({ selectedClipId: null });
      }
      get().seek(get().playhead);
    },

    moveClip(clipId, toIndex) {
      const project = openProject();
      if (!project) return;
      const from = project.clips.findIndex((c) => c.id === clipId);
      if (from < 0) return;
      updateProject(project.id, (p) => {
        const clips = moveItem(p.clips, from, toIndex);
        return clips === p.clips ? p : { ...p, clips };
      }, { label: `Move “${project.clips[from].name}”` });
    },

    selectClip(clipId) {
      set({ selectedClipId: clipId, selectedMediaId: clipId ? null : get().selectedMediaId });
      // the preview shows the frame under the playhead: bring it onto the chosen clip
      const project = openProject();
      const index = clipId && project ? project.clips.findIndex((c) => c.id === clipId) : -1;
      if (project && index >= 0) {
        const p = projectLayout(project.clips).placed[index];
        const t = get().playhead;
        if (t < p.start || t >= p.start + p.duration) get().seek(p.start);
      }
    },

    selectMedia(mediaId) {
      set({ selectedMediaId: mediaId, selectedClipId: mediaId ? null : get().selectedClipId });
    },

    applyEffect(projectId, clipId, toolId, chargeId) {
      const project = get().projects.find((p) => p.id === projectId);
      const clip = project?.clips.find((c) => c.id === clipId);
      // delivered again (after a restart, a second announcement): the clip has it already
      if (!project || !clip || clip.charges?.includes(chargeId)) return;
      const label = `${toolName(toolId, get().tools)} on “${clipName(project, clipId)}”`;
      const withResult = (c: Clip): Clip => ({ ...c, effects: [...c.effects, toolId], charges: [...(c.charges ?? []), chargeId].slice(-100) });
      updateProject(
        projectId,
        (p) => ({
          ...p,
          clips: p.clips.map((c) => (c.id === clipId && c.effects.length < 50 ? withResult(c) : c)),
        }),
        {
          label,
          kind: 'ai-result',
          // undo hides the paid result on the clip instead of dropping it
          before: (p) => ({ name: p.name, clips: p.clips.map((c) => (c.id === clipId ? hideEffect(withResult(c), toolId) : c)) }),
        },
      );
    },

    addGeneratedClip(projectId, toolId, prompt, chargeId) {
      const media = GENERATED_MEDIA[toolId];
      const project = get().projects.find((p) => p.id === projectId);
      if (!media || !project || project.clips.some((c) => c.charges?.includes(chargeId))) return;
      const clip: Clip = {
        id: deps.newId(),
        mediaId: media.id,
        name: (prompt.trim() || media.name).slice(0, 200),
        effects: [toolId],
        charges: [chargeId],
      };
      updateProject(projectId, (p) => (p.clips.length >= MAX_CLIPS ? p : { ...p, clips: [...p.clips, clip] }), {
        label: `${toolName(toolId, get().tools)} “${clip.name}”`,
        kind: 'ai-result',
      });
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
