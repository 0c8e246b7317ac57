/**
 * The preview: the frame under the playhead (a video element for video, the image for stills, a
 * waveform for audio) with the clip's AI results on it — or the media item chosen in Media.
 */
import { useEffect, useRef } from 'react';
import type { Clip } from '@cutline/contract/ipc';
import { projectLayout } from '../editor/project-layout';
import { clipAt, timecode } from '../editor/timeline-math';
import { duration } from '../format';
import { mediaById, type MediaItem } from '../media';
import { useApp, useCutlineStore, type AppStore } from '../store';
import { EffectBadges, Thumb, Waveform } from './Thumb';

const openClips = (s: AppStore): Clip[] | undefined => s.projects.find((p) => p.id === s.openProjectId)?.clips;

/** Index of the clip under the playhead, or -1. */
function activeIndex(s: AppStore): number {
  const clips = openClips(s);
  if (!clips || clips.length === 0) return -1;
  return clipAt(projectLayout(clips).placed, s.playhead)?.index ?? -1;
}

export function Preview() {
  const mediaId = useApp((s) => s.selectedMediaId);
  const clipId = useApp((s) => s.selectedClipId);
  const index = useApp(activeIndex);
  const clips = useApp(openClips);
  const tools = useApp((s) => s.tools);
  const showHidden = useApp((s) => s.showHiddenEffects);

  // A media item chosen in Media is previewed as it is; otherwise the clip under the playhead.
  const fromMedia = mediaId !== null && clipId === null;
  const clip = !fromMedia && index >= 0 ? clips?.[index] : undefined;
  const media = mediaById(clip?.mediaId ?? (fromMedia ? mediaId : '') ?? '');
  const job = useApp((s) => (clip ? s.jobForClip(clip.id) : undefined));
  const place = clip && clips ? projectLayout(clips).placed[index] : undefined;
  const hidden = clip?.hiddenEffects?.length ?? 0;

  return (
    <section className="panel preview" aria-labelledby="preview-title">
      <h2 id="preview-title" className="panel-title">
        Preview
      </h2>
      {!media ? (
        <p className="empty">Add clips to the timeline, or select media, to preview it.</p>
      ) : (
        <figure className="preview-figure" data-testid="preview" data-media-kind={media.kind}>
          <div className="preview-stage">
            <Thumb mediaId={media.id} effects={clip?.effects ?? []} size="large" alt={clip?.name ?? media.name}>
              {media.kind === 'video' ? (
                <VideoFrame media={media} clipStart={place?.start ?? 0} mediaStart={place?.mediaStart ?? 0} follow={Boolean(clip)} />
              ) : media.kind === 'audio' ? (
                <AudioFrame media={media} clipStart={place?.start ?? 0} mediaStart={place?.mediaStart ?? 0} follow={Boolean(clip)} />
              ) : undefined}
            </Thumb>
            {job && (
              <div className="preview-job" aria-hidden="true">
                {job.toolName}… {Math.round(job.progress * 100)}%
              </div>
            )}
          </div>
          <figcaption>
            <span className="preview-name">{clip?.name ?? media.name}</span>
            <span className="preview-meta">
              {duration(place?.duration ?? media.duration)}
              {clip ? ` · clip ${index + 1} on the timeline` : ' · in media'}
              {media.corrupt ? ' · damaged file' : ''}
            </span>
            {clip && <EffectBadges effects={clip.effects} tools={tools} />}
            {clip && hidden > 0 && (
              <span className="hidden-results" data-testid="hidden-results">
                {hidden === 1 ? '1 AI result is hidden' : `${hidden} AI results are hidden`} (undone; its credits stay spent).{' '}
                <button type="button" className="link" onClick={() => showHidden(clip.id)}>
                  Show again at no cost
                </button>
              </span>
            )}
          </figcaption>
        </figure>
      )}
    </section>
  );
}

/**
 * Keeps a media element on the playhead: while playing it plays (re-seeking only on drift), when
 * paused it shows the exact frame. Subscribes to the store directly, so a frame re-renders nothing.
 */
function useFollowPlayhead(ref: React.RefObject<HTMLMediaElement | null>, clipStart: number, mediaStart: number, follow: boolean) {
  const store = useCutlineStore();
  useEffect(() => {
    if (!follow) return;
    const sync = (s: AppStore) => {
      const el = ref.current;
      if (!el) return;
      const target = mediaStart + Math.max(0, s.playhead - clipStart);
      if (s.playing) {
        if (Math.abs(el.currentTime - target) > 0.3) el.currentTime = target;
        if (el.paused) {
          el.play().catch(() => {
            // autoplay with sound refused: play muted rather than not at all
            el.muted = true;
            void el.play().catch(() => {});
          });
        }
      } else {
        if (!el.paused) el.pause();
        if (Math.abs(el.currentTime - target) > 0.02) el.currentTime = target;
      }
    };
    sync(store.getState());
    const off = store.subscribe(sync);
    return () => {
      off();
      ref.current?.pause();
    };
  }, [store, ref, clipStart, mediaStart, follow]);
}

function VideoFrame({ media, clipStart, mediaStart, follow }: { media: MediaItem; clipStart: number; mediaStart: number; follow: boolean }) {
  const ref = useRef<HTMLVideoElement>(null);
  useFollowPlayhead(ref, clipStart, mediaStart, follow);
  return <video ref={ref} className="preview-video" src={media.url} poster={media.thumb} preload="auto" playsInline data-testid="preview-video" />;
}

function AudioFrame({ media, clipStart, mediaStart, follow }: { media: MediaItem; clipStart: number; mediaStart: number; follow: boolean }) {
  const ref = useRef<HTMLAudioElement>(null);
  useFollowPlayhead(ref, clipStart, mediaStart, follow);
  const local = useApp((s) => (follow ? Math.max(0, s.playhead - clipStart) + mediaStart : 0));
  return (
    <div className="preview-audio">
      <Waveform peaks={media.peaks ?? []} label={`${media.name} waveform`} progress={media.duration > 0 ? local / media.duration : 0} />
      <span className="preview-audio-time">{timecode(local)}</span>
      <audio ref={ref} src={media.url} preload="auto" />
    </div>
  );
}
