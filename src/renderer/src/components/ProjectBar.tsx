/** Project switcher: open, create, rename; and whether the changes are saved. */
import { useState, type FormEvent } from 'react';
import { useApp } from '../store';
import { DangerDialog } from './Dialog';
import { ProjectCost } from './ProjectCost';

export function ProjectBar() {
  const projects = useApp((s) => s.projects);
  const openId = useApp((s) => s.openProjectId);
  const loaded = useApp((s) => s.projectsLoaded);
  const saveState = useApp((s) => s.saveState);
  const saveError = useApp((s) => s.saveError);
  const openProject = useApp((s) => s.openProject);
  const createProject = useApp((s) => s.createProject);
  const renameProject = useApp((s) => s.renameProject);
  const deleteProject = useApp((s) => s.deleteProject);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  if (!loaded) return <div className="projectbar">Loading projects…</div>;
  const current = projects.find((p) => p.id === openId);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!current || renaming === null) return;
    const err = renameProject(current.id, renaming);
    setError(err);
    if (!err) setRenaming(null);
  };

  return (
    <div className="projectbar">
      {renaming !== null ? (
        <form className="rename-form" onSubmit={submit}>
          <input
            aria-label="Project name"
            value={renaming}
            maxLength={120}
            autoFocus
            onChange={(e) => setRenaming(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.preventDefault();
                setRenaming(null);
                setError(null);
              }
            }}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'rename-error' : undefined}
          />
          <button type="submit">Save</button>
          <button
            type="button"
            onClick={() => {
              setRenaming(null);
              setError(null);
            }}
          >
            Cancel
          </button>
          {error && (
            <span id="rename-error" className="error" role="alert">
              {error}
            </span>
          )}
        </form>
      ) : (
        <>
          <label className="visually-hidden" htmlFor="project-select">
            Project
          </label>
          <select id="project-select" value={openId ?? ''} onChange={(e) => openProject(e.target.value)}>
            {projects.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          <button type="button" onClick={() => current && setRenaming(current.name)} disabled={!current}>
            Rename
          </button>
          <button type="button" onClick={() => createProject()}>
            New project
          </button>
          <button type="button" onClick={() => setConfirmDelete(true)} disabled={!current}>
            Delete…
          </button>
          <ProjectCost />
        </>
      )}
      {confirmDelete && current && (
        <DangerDialog title={`Delete “${current.name}”?`} confirmLabel="Delete project" onConfirm={() => deleteProject(current.id)} onCancel={() => setConfirmDelete(false)}>
          <p>
            The project and its timeline of {current.clips.length === 1 ? '1 clip' : `${current.clips.length} clips`} are deleted and
            can't be brought back with Undo. Imported media stays in Media. Credits already spent on its AI results are not
            returned.
          </p>
        </DangerDialog>
      )}
      <span className={`save-state save-${saveState}`} role="status" title={saveError ?? undefined}>
        {saveState === 'saving' ? 'Saving…' : saveState === 'saved' ? 'Saved' : saveState === 'error' ? `Not saved: ${saveError}` : ''}
      </span>
    </div>
  );
}
