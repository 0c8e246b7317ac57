/**
 * The undo stack: each entry is one edit with the state before and after it. `record` clears the
 * redo side (a new edit after undo starts a new branch); the oldest entries fall off past `limit`.
 * Generic and pure: the projects slice keeps one per project.
 */
export interface Edit<T> {
  label: string;
  before: T;
  after: T;
  /** What kind of edit (the UI words an undone AI result differently). */
  kind?: 'edit' | 'ai-result';
}

export class UndoStack<T> {
  private done: Edit<T>[] = [];
  private undone: Edit<T>[] = [];

  constructor(private readonly limit = 200) {}

  record(edit: Edit<T>): void {
    this.done.push(edit);
    if (this.done.length > this.limit) this.done.splice(0, this.done.length - this.limit);
    this.undone = [];
  }

  /** The edit to take back (its `before` is the state to restore), or null. */
  undo(): Edit<T> | null {
    const edit = this.done.pop();
    if (!edit) return null;
    this.undone.push(edit);
    return edit;
  }

  /** The edit to do again (its `after` is the state to restore), or null. */
  redo(): Edit<T> | null {
    const edit = this.undone.pop();
    if (!edit) return null;
    this.done.push(edit);
    return edit;
  }

  get canUndo(): boolean {
    return this.done.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  /** Labels of the next undo and redo, for menus and tooltips. */
  peek(): { undo: string | null; redo: string | null } {
    return { undo: this.done.at(-1)?.label ?? null, redo: this.undone.at(-1)?.label ?? null };
  }
}
