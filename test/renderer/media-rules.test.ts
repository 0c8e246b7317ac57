/** Import validation: which files, how large, the names they get and the ids that name stored files. */
import { describe, expect, it } from 'vitest';
import { checkMediaFile, displayName, isMediaId, MAX_MEDIA_BYTES, storedFileName } from '@cutline/contract/media-rules';

describe('checkMediaFile', () => {
  it('accepts video, audio and images by MIME type', () => {
    expect(checkMediaFile({ name: 'clip.webm', type: 'video/webm', size: 1000 })).toMatchObject({ ok: true, kind: 'video', ext: 'webm', name: 'clip' });
    expect(checkMediaFile({ name: 'song.mp3', type: 'audio/mpeg', size: 10 })).toMatchObject({ ok: true, kind: 'audio' });
    expect(checkMediaFile({ name: 'p.png', type: 'image/png', size: 10 })).toMatchObject({ ok: true, kind: 'image' });
    expect(checkMediaFile({ name: 'x.webm', type: 'video/webm;codecs=vp8', size: 10 })).toMatchObject({ ok: true, mime: 'video/webm' });
  });

  it('falls back to the extension when the OS gives no type', () => {
    expect(checkMediaFile({ name: 'Holiday.MOV', type: '', size: 10 })).toMatchObject({ ok: true, kind: 'video', mime: 'video/quicktime' });
    expect(checkMediaFile({ name: 'voice.m4a', type: '', size: 10 })).toMatchObject({ ok: true, kind: 'audio' });
  });

  it('refuses other files with a sentence naming the file and what is accepted', () => {
    const r = checkMediaFile({ name: 'notes.pdf', type: 'application/pdf', size: 10 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe("“notes.pdf” can't be imported: Cutline imports video (MP4, WebM, MOV), audio (MP3, WAV, OGG, M4A) and images (PNG, JPEG, WebP, GIF).");
    expect(checkMediaFile({ name: 'image.svg', type: 'image/svg+xml', size: 10 }).ok).toBe(false);
    expect(checkMediaFile({ name: 'noext', type: '', size: 10 }).ok).toBe(false);
  });

  it('refuses empty and too large files', () => {
    const empty = checkMediaFile({ name: 'a.mp4', type: 'video/mp4', size: 0 });
    expect(empty).toEqual({ ok: false, message: '“a.mp4” is empty, so there is nothing to import.' });
    expect(checkMediaFile({ name: 'a.mp4', type: 'video/mp4', size: MAX_MEDIA_BYTES }).ok).toBe(true);
    const big = checkMediaFile({ name: 'a.mp4', type: 'video/mp4', size: MAX_MEDIA_BYTES + 1 });
    expect(big).toEqual({ ok: false, message: '“a.mp4” is 512 MB; Cutline imports files up to 512 MB.' });
  });
});

describe('names and stored files', () => {
  it('a clip name is the file name without folders, extension or control characters', () => {
    expect(displayName('C:\\Users\\me\\Trip day 1.mp4')).toBe('Trip day 1');
    expect(displayName('/home/me/a\u0007b.webm')).toBe('ab');
    expect(displayName('.mp4')).toBe('.mp4');
    expect(displayName('   ')).toBe('Untitled media');
    expect(displayName(`${'x'.repeat(300)}.png`)).toHaveLength(200);
  });

  it('only well-formed ids name a stored file, with the extension of its type', () => {
    expect(isMediaId('m-0123456789abcdef')).toBe(true);
    for (const bad of ['../../etc/passwd', 'm-../x', 'm-ABCDEF12', 'x-0123456789', 'm-12']) expect(isMediaId(bad), bad).toBe(false);
    expect(storedFileName('m-0123456789abcdef', 'video/webm')).toBe('m-0123456789abcdef.webm');
    expect(storedFileName('m-0123456789abcdef', 'text/html')).toBeNull();
    expect(storedFileName('../m-0123456789', 'video/webm')).toBeNull();
  });
});
