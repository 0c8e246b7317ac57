/// <reference lib="dom" />
/**
 * Real media files for the end-to-end specs, made on the spot (nothing downloaded, no encoder to
 * install): video recorded from an animated canvas by the page's own MediaRecorder (WebM, and
 * H.264 in MP4 — the MOV is that MP4 under QuickTime's name and type), stills drawn on a canvas
 * (PNG, JPEG), and audio written here byte by byte (a PCM WAV tone, an MP3 of silent MPEG-1
 * Layer III frames). Chromium decodes every one of them.
 */
import type { Page } from '@playwright/test';
import { expect } from '../fixtures/cutline';

export interface MediaFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** Records `seconds` of an animated canvas in the page; `mimeType` as MediaRecorder takes it. */
export async function recordVideo(page: Page, seconds = 2, mimeType = 'video/webm'): Promise<Buffer> {
  const b64 = await page.evaluate(
    async ({ ms, type }) => {
      const canvas = document.createElement('canvas');
      canvas.width = 160;
      canvas.height = 90;
      const ctx = canvas.getContext('2d')!;
      const stream = canvas.captureStream(25);
      const recorder = new MediaRecorder(stream, { mimeType: type });
      const chunks: Blob[] = [];
      recorder.ondataavailable = (e) => chunks.push(e.data);
      const done = new Promise<void>((r) => (recorder.onstop = () => r()));
      const start = performance.now();
      recorder.start(100);
      await new Promise<void>((resolve) => {
        const draw = () => {
          const t = performance.now() - start;
          ctx.fillStyle = `hsl(${(t / 10) % 360} 70% 50%)`;
          ctx.fillRect(0, 0, 160, 90);
          ctx.fillStyle = '#fff';
          ctx.fillRect((t / 10) % 160, 30, 20, 30);
          if (t < ms) requestAnimationFrame(draw);
          else resolve();
        };
        draw();
      });
      recorder.stop();
      await done;
      const bytes = new Uint8Array(await new Blob(chunks, { type }).arrayBuffer());
      let binary = '';
      for (const b of bytes) binary += String.fromCharCode(b);
      return btoa(binary);
    },
    { ms: seconds * 1000, type: mimeType },
  );
  return Buffer.from(b64, 'base64');
}

/** H.264 video in an MP4 container. */
export async function mp4(page: Page, name: string, seconds = 2): Promise<MediaFile> {
  return { name, mimeType: 'video/mp4', buffer: await recordVideo(page, seconds, 'video/mp4;codecs=avc1') };
}

/** A still drawn on a canvas, as PNG or JPEG. */
export async function still(page: Page, name: string, mimeType: 'image/png' | 'image/jpeg'): Promise<MediaFile> {
  const b64 = await page.evaluate(async (type) => {
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 180;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#2b3a67';
    ctx.fillRect(0, 0, 320, 180);
    ctx.fillStyle = '#f28f3b';
    ctx.beginPath();
    ctx.arc(160, 100, 40, 0, Math.PI * 2);
    ctx.fill();
    const blob = await new Promise<Blob>((r) => canvas.toBlob((b) => r(b!), type, 0.9));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    return btoa(binary);
  }, mimeType);
  return { name, mimeType, buffer: Buffer.from(b64, 'base64') };
}

/** A 440 Hz tone as 16-bit mono PCM WAV at 8 kHz. */
export function wav(name: string, seconds = 2): MediaFile {
  const rate = 8000;
  const samples = rate * seconds;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 12000), i * 2);
  const head = Buffer.alloc(44);
  head.write('RIFF', 0);
  head.writeUInt32LE(36 + data.length, 4);
  head.write('WAVEfmt ', 8);
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20); // PCM
  head.writeUInt16LE(1, 22); // mono
  head.writeUInt32LE(rate, 24);
  head.writeUInt32LE(rate * 2, 28);
  head.writeUInt16LE(2, 32);
  head.writeUInt16LE(16, 34);
  head.write('data', 36);
  head.writeUInt32LE(data.length, 40);
  return { name, mimeType: 'audio/wav', buffer: Buffer.concat([head, data]) };
}

/**
 * An MP3: MPEG-1 Layer III frames at 128 kbit/s, 44.1 kHz, mono, each with empty side
 * information — valid frames that decode to silence (1,152 samples, 417 bytes each).
 */
export function mp3(name: string, seconds = 2): MediaFile {
  const frames = Math.ceil((seconds * 44_100) / 1152);
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, 0xc4]);
  return { name, mimeType: 'audio/mpeg', buffer: Buffer.concat(Array.from({ length: frames }, () => frame)) };
}

const yourMedia = (page: Page) => page.getByRole('list', { name: 'Your media' }).getByRole('listitem');

/** Imports files through *Import media…* (the browser host's file input) and waits until they are listed. */
export async function importFiles(page: Page, files: MediaFile[]): Promise<void> {
  const before = await yourMedia(page).count();
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import media…' }).click();
  await (await chooser).setFiles(files);
  await expect(yourMedia(page)).toHaveCount(before + files.length, { timeout: 60_000 });
}
