/** Which AI tools appear where. Names and prices always come from the service (`listTools`). */
import type { Tool } from '@cutline/contract/api';

/** Right-click a clip → AI Tools (docs/product.md § The desktop app). */
export const CLIP_TOOL_IDS = ['remove-background', 'smart-cutout', 'ai-portrait', 'premium-voiceover', 'auto-captions'] as const;
/** Toolbar → AI Generate. */
export const GENERATE_TOOL_IDS = ['ai-image', 'script-to-video'] as const;

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
  return (GENERATE_TOOL_IDS as readonly string[]).includes(id);
}

export function toolName(id: string | null | undefined, tools: Tool[] | null): string {
  if (!id) return '';
  return tools?.find((t) => t.id === id)?.name ?? FALLBACK_NAMES[id] ?? id;
}
