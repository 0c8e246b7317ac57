/** The preview of the selected timeline clip (or media item), with its AI results. */
import { duration } from '../format';
import { mediaById } from '../media';
import { useApp } from '../store';
import { EffectBadges, Thumb } from './Thumb';

export function Preview() {
  const clipId = useApp((s) => s.selectedClipId);
  const mediaId = useApp((s) => s.selectedMediaId);
  const project = useApp((s) => s.projects.find((p) => p.id === s.openProjectId));
  const tools = useApp((s) => s.tools);
  const job = useApp((s) => (clipId ? s.jobForClip(clipId) : undefined));

  const clip = clipId ? project?.clips.find((c) => c.id === clipId) : undefined;
  const media = mediaById(clip?.mediaId ?? mediaId ?? '');

  return (
    <section className="panel preview" aria-labelledby="preview-title">
      <h2 id="preview-title" className="panel-title">
        Preview
      </h2>
      {!media ? (
        <p className="empty">Select a clip to preview it.</p>
      ) : (
        <figure className="preview-figure" data-testid="preview">
          <div className="preview-stage">
            <Thumb mediaId={media.id} effects={clip?.effects ?? []} size="large" alt={clip?.name ?? media.name} />
            {job && (
              <div className="preview-job" aria-hidden="true">
                {job.toolName}… {Math.round(job.progress * 100)}%
              </div>
            )}
          </div>
          <figcaption>
            <span className="preview-name">{clip?.name ?? media.name}</span>
            <span className="preview-meta">
              {duration(media.duration)}
              {clip ? ' · on the timeline' : ' · in media'}
              {media.corrupt ? ' · damaged file' : ''}
            </span>
            {clip && <EffectBadges effects={clip.effects} tools={tools} />}
          </figcaption>
        </figure>
      )}
    </section>
  );
}
