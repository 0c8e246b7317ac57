/** A clip's picture with the visible result of every AI tool applied to it. */
import { Fragment, type ReactNode } from 'react';
import type { Tool } from '@cutline/contract/api';
import { mediaById, pictureOf } from '../media';
import { toolName } from '../tools';
import { LazyImage } from './LazyImage';

export function effectClasses(effects: string[]): string {
  return effects.map((e) => `fx-${e}`).join(' ');
}

export function Thumb({
  mediaId,
  effects,
  size,
  alt,
  children,
}: {
  mediaId: string;
  effects: string[];
  size: 'small' | 'large';
  alt: string;
  /** What stands in for the picture (the preview's video element or waveform). */
  children?: ReactNode;
}) {
  const media = mediaById(mediaId);
  const picture = media && pictureOf(media);
  return (
    <div className={`thumb thumb-${size} ${effectClasses(effects)}`} data-effects={effects.join(' ') || undefined}>
      {children ??
        (!media ? (
          <div className="thumb-missing">Missing media</div>
        ) : picture ? (
          // the timeline's many small pictures load when they come into view; the preview's at once
          size === 'small' ? <LazyImage src={picture} alt={alt} /> : <img src={picture} alt={alt} draggable={false} />
        ) : (
          <Waveform peaks={media.peaks ?? []} label={alt} />
        ))}
      {effects.includes('premium-voiceover') && <span className="fx-wave" aria-hidden="true" />}
      {effects.includes('auto-captions') && (
        <span className="fx-caption" aria-hidden="true">
          “…and that's how we got here.”
        </span>
      )}
    </div>
  );
}

/**
 * The AI results' names. `inline`: plain text inside a control whose name they are part of (a
 * timeline clip: an option's content is its name, not a list); otherwise a labelled list.
 */
export function EffectBadges({ effects, tools, inline = false }: { effects: string[]; tools: Tool[] | null; inline?: boolean }) {
  if (effects.length === 0) return null;
  const unique = [...new Set(effects)];
  if (inline) {
    return (
      <span className="badges">
        {unique.map((e, i) => (
          <Fragment key={e}>
            {i > 0 && <span className="visually-hidden">, </span>}
            <span className={`badge badge-${e}`}>{toolName(e, tools)}</span>
          </Fragment>
        ))}
      </span>
    );
  }
  return (
    <ul className="badges" aria-label="AI results">
      {unique.map((e) => (
        <li key={e} className={`badge badge-${e}`}>
          {toolName(e, tools)}
        </li>
      ))}
    </ul>
  );
}

/** Audio as a waveform (peaks 0..1), with an optional played part up to `progress` (0..1). */
export function Waveform({ peaks, label, progress }: { peaks: number[]; label: string; progress?: number }) {
  const n = Math.max(1, peaks.length);
  return (
    <svg className="waveform" viewBox={`0 0 ${n} 100`} preserveAspectRatio="none" role="img" aria-label={label || 'Audio waveform'}>
      {peaks.map((p, i) => (
        <rect key={i} x={i + 0.1} width={0.8} y={50 - p * 48} height={Math.max(1, p * 96)} className={progress !== undefined && i / n <= progress ? 'played' : undefined} />
      ))}
    </svg>
  );
}
