/**
 * Reads what the editor needs from a media file with the browser's own elements (no native
 * dependency): duration, size, a thumbnail frame, and for audio the peaks of a waveform. A file
 * the browser cannot read gets a sentence back and nothing is imported.
 */
import type { MediaMeta } from '@cutline/contract/ipc';
import { STILL_SECONDS, type MediaKind } from '@cutline/contract/media-rules';

export type ProbeResult = { ok: true; meta: MediaMeta } | { ok: false; message: string };
export type Probe = (file: Blob, kind: MediaKind, name: string) => Promise<ProbeResult>;

const THUMB_WIDTH = 192;
const PEAKS = 160;
const TIMEOUT_MS = 20_000;

function thumbnailOf(source: CanvasImageSource, width: number, height: number): string | undefined {
  if (!width || !height) return undefined;
  const canvas = document.createElement('canvas');
  canvas.width = THUMB_WIDTH;
  canvas.height = Math.max(1, Math.round((THUMB_WIDTH * height) / width));
  const ctx = canvas.getContext('2d');
  if (!ctx) return undefined;
  ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL('image/jpeg', 0.7);
}

function withTimeout<T>(run: (done: (v: T) => void, fail: () => void) => void): Promise<T | null> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (v: T | null) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve(v);
      }
    };
    const timer = setTimeout(() => finish(null), TIMEOUT_MS);
    run((v) => finish(v), () => finish(null));
  });
}

async function probeImage(file: Blob): Promise<MediaMeta | null> {
  const url = URL.createObjectURL(file);
  try {
    const img = await withTimeout<HTMLImageElement>((done, fail) => {
      const el = new Image();
      el.onload = () => done(el);
      el.onerror = fail;
      el.src = url;
    });
    if (!img || !img.naturalWidth) return null;
    return { duration: STILL_SECONDS, width: img.naturalWidth, height: img.naturalHeight, thumbnail: thumbnailOf(img, img.naturalWidth, img.naturalHeight) };
  } finally {
    URL.revokeObjectURL(url);
  }
}

async function probeVideo(file: Blob): Promise<MediaMeta | null> {
  const url = URL.createObjectURL(file);
  const video = document.createElement('video');
  video.muted = true;
  video.preload = 'auto';
  try {
    const duration = await withTimeout<number>((done, fail) => {
      video.onerror = fail;
      video.onloadedmetadata = () => {
        if (Number.isFinite(video.duration) && video.duration > 0) return done(video.duration);
        // recordings (MediaRecorder WebM) carry no duration: seeking far makes the browser find it
        video.ondurationchange = () => {
          if (Number.isFinite(video.duration) && video.duration > 0) {
            video.ondurationchange = null;
            done(video.duration);
          }
        };
        video.currentTime = 1e9;
      };
      video.src = url;
    });
    if (!duration || !video.videoWidth) return null;
    const frameAt = Math.min(0.5, duration / 3);
    const seeked = await withTimeout<true>((done, fail) => {
      video.onerror = fail;
      video.onseeked = () => done(true);
      video.currentTime = frameAt;
    });
    const thumbnail = seeked ? thumbnailOf(video, video.videoWidth, video.videoHeight) : undefined;
    return { duration, width: video.videoWidth, height: video.videoHeight, thumbnail };
  } finally {
    video.removeAttribute('src');
    video.load();
    URL.revokeObjectURL(url);
  }
}

/** Peak levels of `samples` in `buckets` equal slices, scaled so the loudest is 1. */
export function peaksOf(samples: Float32Array, buckets = PEAKS): number[] {
  if (samples.length === 0) return [];
  const size = Math.max(1, Math.floor(samples.length / buckets));
  const out: number[] = [];
  for (let b = 0; b < buckets && b * size < samples.length; b++) {
    let max = 0;
    const end = Math.min(samples.length, (b + 1) * size);
    for (let i = b * size; i < end; i++) max = Math.max(max, Math.abs(samples[i]));
    out.push(max);
  }
  const top = Math.max(...out, 1e-6);
  return out.map((p) => Math.round(Math.min(1, p / top) * 1000) / 1000);
}

async function probeAudio(file: Blob): Promise<MediaMeta | null> {
  try {
    const ctx = new OfflineAudioContext(1, 1, 44_100);
    const buffer = await ctx.decodeAudioData(await file.arrayBuffer());
    if (!(buffer.duration > 0)) return null;
    return { duration: buffer.duration, peaks: peaksOf(buffer.getChannelData(0)) };
  } catch {
    return null;
  }
}

export const probeMedia: Probe = async (file, kind, name) => {
  const meta = kind === 'image' ? await probeImage(file) : kind === 'video' ? await probeVideo(file) : await probeAudio(file);
  if (meta) return { ok: true, meta: { ...meta, duration: Math.min(86_400, Math.round(meta.duration * 1000) / 1000) } };
  const what = kind === 'image' ? 'an image' : kind === 'video' ? 'a video' : 'audio';
  return { ok: false, message: `“${name}” could not be read as ${what}: the file may be damaged or in a format this app can't play. Nothing was imported.` };
};
