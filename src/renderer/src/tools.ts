/**
 * Which AI tools appear where (the contract's `tool-media.ts` says what each applies to). Names
 * and prices always come from the service (`listTools`).
 */
import type { Tool } from '@cutline/contract/api';
import type { MediaKind } from '@cutline/contract/media-rules';
import { BUILT_IN_MEDIA, GENERATE_TOOLS, TOOL_APPLIES_TO } from '@cutline/contract/tool-media';
import { mediaById } from './media';

/** Right-click a clip → AI Tools (docs/product.md § The desktop app). */
export const CLIP_TOOL_IDS: readonly string[] = Object.keys(TOOL_APPLIES_TO);
/** Toolbar → AI Generate. */
export const GENERATE_TOOL_IDS: readonly string[] = Object.keys(GENERATE_TOOLS);

/** What a media item holds, for the tools: the built-in samples are video footage drawn as stills. */
export function toolMediaKind(mediaId: string): MediaKind | null {
  return BUILT_IN_MEDIA[mediaId] ?? mediaById(mediaId)?.kind ?? null;
}

/** Names to show while the catalogue is loading or unavailable (never prices). */
export const FALLBACK_NAMES: Record<string, string> = {
  'remove-background': 'Remove Background',
  'smart-cutout': 'Smart Cutout',
  'ai-portrait': 'AI Portrait',
  'premium-voiceover': 'Premium Voiceover',
  'auto-captions': 'Auto Captions',
  'ai-image': 'AI Image',
  'script-to-video': 'Script to Video',
};

export function isGenerateTool(id: string): boolean {
  return GENERATE_TOOL_IDS.includes(id);
}

export function toolName(id: string | null | undefined, tools: Tool[] | null): string {
  if (!id) return '';
  return tools?.find((t) => t.id === id)?.name ?? FALLBACK_NAMES[id] ?? id;
}
