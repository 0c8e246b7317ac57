/**
 * Which files the editor imports, as pure rules both sides apply: the renderer before it reads a
 * file (so a refused file changes nothing and gets a sentence), and the main process again before
 * it stores one (it trusts nothing the page sends). No I/O here.
 */
import { CONTROL_CHARS } from './text';

export type MediaKind = 'video' | 'audio' | 'image';

/** The formats Chromium's media elements play or show, by MIME type, with the stored extension. */
export const MEDIA_TYPES: Record<string, { kind: MediaKind; ext: string }> = {
  'video/mp4': { kind: 'video', ext: 'mp4' },
  'video/webm': { kind: 'video', ext: 'webm' },
  'video/quicktime': { kind: 'video', ext: 'mov' },
  'video/ogg': { kind: 'video', ext: 'ogv' },
  'audio/mpeg': { kind: 'audio', ext: 'mp3' },
  'audio/wav': { kind: 'audio', ext: 'wav' },
  'audio/x-wav': { kind: 'audio', ext: 'wav' },
  'audio/ogg': { kind: 'audio', ext: 'ogg' },
  'audio/webm': { kind: 'audio', ext: 'weba' },
  'audio/mp4': { kind: 'audio', ext: 'm4a' },
  'audio/aac': { kind: 'audio', ext: 'aac' },
  'audio/flac': { kind: 'audio', ext: 'flac' },
  'image/png': { kind: 'image', ext: 'png' },
  'image/jpeg': { kind: 'image', ext: 'jpg' },
  'image/webp': { kind: 'image', ext: 'webp' },
  'image/gif': { kind: 'image', ext: 'gif' },
};

/** When the OS gives no MIME type (drag and drop of some files, Electron's dialog): by extension. */
const BY_EXTENSION: Record<string, string> = {
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
  ogv: 'video/ogg',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  weba: 'audio/webm',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  flac: 'audio/flac',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
};

/** The largest file imported (kept with the project, sent once from the page to main). */
export const MAX_MEDIA_BYTES = 512 * 1024 * 1024;
export const MAX_MEDIA_NAME = 200;
/** A still image lasts this long when added to the timeline. */
export const STILL_SECONDS = 5;

export type MediaCheck =
  | { ok: true; kind: MediaKind; mime: string; ext: string; name: string }
  | { ok: false; message: string };

export function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(dot + 1).toLowerCase() : '';
}

/** The file's name without folders or extension, trimmed to a clip name. */
export function displayName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  const stem = (dot > 0 ? base.slice(0, dot) : base).replace(new RegExp(CONTROL_CHARS.source, 'g'), '').trim();
  return (stem || 'Untitled media').slice(0, MAX_MEDIA_NAME);
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** Whether a file may be imported, by its name, MIME type (may be empty) and size. */
export function checkMediaFile(file: { name: string; type: string; size: number }): MediaCheck {
  const label = `“${(file.name.split(/[\\/]/).pop() ?? file.name).slice(0, 80)}”`;
  const mime = (file.type || BY_EXTENSION[extensionOf(file.name)] || '').toLowerCase().split(';')[0].trim();
  const known = MEDIA_TYPES[mime];
  if (!known) {
    return {
      ok: false,
      message: `${label} can't be imported: Cutline imports video (MP4, WebM, MOV), audio (MP3, WAV, OGG, M4A) and images (PNG, JPEG, WebP, GIF).`,
    };
  }
  if (!Number.isFinite(file.size) || file.size <= 0) return { ok: false, message: `${label} is empty, so there is nothing to import.` };
  if (file.size > MAX_MEDIA_BYTES) {
    return { ok: false, message: `${label} is ${sizeText(file.size)}; Cutline imports files up to ${sizeText(MAX_MEDIA_BYTES)}.` };
  }
  return { ok: true, kind: known.kind, mime, ext: known.ext, name: displayName(file.name) };
}

/** Ids of imported media: what names a file in the media folder, so nothing else can. */
export const MEDIA_ID_PATTERN = /^m-[a-z0-9]{8,40}$/;

export function isMediaId(id: string): boolean {
  return MEDIA_ID_PATTERN.test(id);
}

/** The stored file name of a media item: its id and the extension its type gives. */
export function storedFileName(id: string, mime: string): string | null {
  const known = MEDIA_TYPES[mime];
  return known && isMediaId(id) ? `${id}.${known.ext}` : null;
}
