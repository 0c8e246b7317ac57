/** A clip's picture with the visible result of every AI tool applied to it. */
import type { Tool } from '@cutline/contract/api';
import { mediaById } from '../media';
import { toolName } from '../tools';

export function effectClasses(effects: string[]): string {
  return effects.map((e) => `fx-${e}`).join(' ');
}

export function Thumb({
  mediaId,
  effects,
  size,
  alt,
}: {
  mediaId: string;
  effects: string[];
  size: 'small' | 'large';
  alt: string;
}) {
  const media = mediaById(mediaId);
  return (
    <div className={`thumb thumb-${size} ${effectClasses(effects)}`} data-effects={effects.join(' ') || undefined}>
      {media ? <img src={media.url} alt={alt} draggable={false} /> : <div className="thumb-missing">Missing media</div>}
      {effects.includes('premium-voiceover') && <span className="fx-wave" aria-hidden="true" />}
      {effects.includes('auto-captions') && (
        <span className="fx-caption" aria-hidden="true">
          “…and that's how we got here.”
        </span>
      )}
    </div>
  );
}

export function EffectBadges({ effects, tools }: { effects: string[]; tools: Tool[] | null }) {
  if (effects.length === 0) return null;
  const unique = [...new Set(effects)];
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
