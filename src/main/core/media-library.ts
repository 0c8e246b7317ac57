/**
 * Imported media kept with the projects: each file copied into the app's data folder
 * (`<data>/media/<id>.<ext>`) and its record (name, kind, duration, thumbnail…) in the data store.
 * Both hosts use it; they differ only in the URL the window loads a file from (`urlFor`).
 * Every file is checked again here with the shared rules; a file name is always built from a
 * validated id, never from anything the page sent.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { MediaRecordSchema, type ImportMediaRequest, type MediaRecord, type PickedFile } from '@cutline/contract/ipc';
import { checkMediaFile, isMediaId, MAX_MEDIA_BYTES, storedFileName, type MediaKind } from '@cutline/contract/media-rules';
import { err, ok, type Result } from '@cutline/contract/result';
import type { KeyValueStore } from './key-value-store';
import type { Logger } from './logger';

const KEY = 'media';
const MAX_ITEMS = 2000;

type StoredRecord = Omit<MediaRecord, 'url'>;
const StoredSchema = MediaRecordSchema.omit({ url: true });

export interface MediaLibraryOptions {
  /** The folder the files are copied into (created when needed). */
  dir: string;
  store: KeyValueStore;
  /** The URL the window loads a media file from. */
  urlFor: (id: string) => string;
  logger: Logger;
  now?: () => number;
  newId?: () => string;
}

export class MediaLibrary {
  private readonly now: () => number;
  private readonly newId: () => string;

  constructor(private readonly options: MediaLibraryOptions) {
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? (() => `m-${randomBytes(10).toString('hex')}`);
  }

  private records(): StoredRecord[] {
    const raw = this.options.store.get(KEY);
    if (!Array.isArray(raw)) return [];
    const out: StoredRecord[] = [];
    for (const item of raw) {
      const parsed = StoredSchema.safeParse(item);
      if (parsed.success && isMediaId(parsed.data.id)) out.push(parsed.data);
      else this.options.logger.warn('stored media record unreadable; skipped');
    }
    return out;
  }

  list(): MediaRecord[] {
    return this.records().map((r) => ({ ...r, url: this.options.urlFor(r.id) }));
  }

  async import(req: ImportMediaRequest): Promise<Result<MediaRecord>> {
    const check = checkMediaFile({ name: req.name, type: req.type, size: req.bytes.byteLength });
    if (!check.ok) return err('invalid_request', check.message);
    const existing = this.records();
    if (existing.length >= MAX_ITEMS) return err('invalid_request', `The media library holds at most ${MAX_ITEMS} files.`);
    const id = this.newId();
    const fileName = storedFileName(id, check.mime);
    if (!fileName) return err('internal', 'The file could not be stored.');
    try {
      await mkdir(this.options.dir, { recursive: true });
      const target = join(this.options.dir, fileName);
      const temp = `${target}.part`;
      await writeFile(temp, req.bytes);
      await rename(temp, target);
    } catch (error) {
      this.options.logger.error('media file not written', { error: String(error) });
      return err('internal', 'The file could not be copied into Cutline’s data folder. Check the free disk space.');
    }
    const record: StoredRecord = {
      ...req.meta,
      id,
      name: check.name,
      kind: check.kind,
      mime: check.mime,
      size: req.bytes.byteLength,
      importedAt: new Date(this.now()).toISOString(),
    };
    this.options.store.set(KEY, [...existing, record]);
    return ok({ ...record, url: this.options.urlFor(id) });
  }

  /** Forgets an imported item and deletes its file; an unknown id is refused with a sentence. */
  async remove(id: string): Promise<Result<void>> {
    const all = this.records();
    const record = isMediaId(id) ? all.find((r) => r.id === id) : undefined;
    if (!record) return err('not_found', 'That media is no longer in Cutline.');
    this.options.store.set(KEY, all.filter((r) => r.id !== id));
    const fileName = storedFileName(record.id, record.mime);
    if (fileName) {
      await unlink(join(this.options.dir, fileName)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') this.options.logger.warn('media file not deleted', { error: String(error) });
      });
    }
    return ok(undefined);
  }

  /** What an imported media item is (video, audio, image), or null when there is none by that id. */
  kindOf(id: string): MediaKind | null {
    return this.records().find((r) => r.id === id)?.kind ?? null;
  }

  /** The stored file of a media id and its type, or null (unknown or malformed id). */
  fileOf(id: string): { path: string; mime: string } | null {
    if (!isMediaId(id)) return null;
    const record = this.records().find((r) => r.id === id);
    const fileName = record && storedFileName(record.id, record.mime);
    return fileName ? { path: join(this.options.dir, fileName), mime: record.mime } : null;
  }
}

/**
 * Reads files the user chose in a native dialog. A file the rules refuse is not read: it comes
 * back with `refused` (the sentence to show) and no bytes.
 */
export async function readPickedFiles(paths: string[], types: (path: string) => string = () => ''): Promise<PickedFile[]> {
  const out: PickedFile[] = [];
  for (const path of paths) {
    const name = basename(path);
    try {
      const info = await stat(path);
      const check = checkMediaFile({ name, type: types(path), size: info.size });
      if (!check.ok) out.push({ name, type: '', bytes: new Uint8Array(0), refused: check.message });
      else if (info.size > MAX_MEDIA_BYTES) out.push({ name, type: '', bytes: new Uint8Array(0), refused: `${name} is too large.` });
      else out.push({ name, type: check.mime, bytes: new Uint8Array(await readFile(path)) });
    } catch {
      out.push({ name, type: '', bytes: new Uint8Array(0), refused: `“${name}” could not be read.` });
    }
  }
  return out;
}
