/**
 * What each AI tool applies to (issue 18 item 4): the kinds of media a clip tool can run on, and
 * the tools that make a new clip instead (AI Generate). Pure data both sides apply: the renderer
 * disables an inapplicable tool in its menus with the reason, and main refuses it before any
 * quote. The sample clips the editor ships stand for video footage (they are drawn as stills), so
 * every clip tool applies to them.
 */
import type { MediaKind } from './media-rules';

/** Clip tools → the media kinds they apply to. */
export const TOOL_APPLIES_TO: Readonly<Record<string, readonly MediaKind[]>> = {
  'remove-background': ['video', 'image'],
  'smart-cutout': ['video', 'image'],
  'ai-portrait': ['video', 'image'],
  'premium-voiceover': ['video', 'audio'],
  'auto-captions': ['video', 'audio'],
};

/** AI Generate tools: no clip to run on; each adds a clip of this kind. */
export const GENERATE_TOOLS: Readonly<Record<string, MediaKind>> = {
  'ai-image': 'image',
  'script-to-video': 'video',
};

/** What the built-in media hold, for the tools: the samples are video footage, generated media what they were made as. */
export const BUILT_IN_MEDIA: Readonly<Record<string, MediaKind>> = {
  sunrise: 'video',
  'city-night': 'video',
  'forest-trail': 'video',
  interview: 'video',
  'product-spin': 'video',
  'drone-damaged': 'video',
  'generated-image': 'image',
  'generated-video': 'video',
};

const KIND_WORDS: Record<MediaKind, string> = { video: 'video', audio: 'audio', image: 'images' };
const KIND_NOUN: Record<MediaKind, string> = { video: 'a video', audio: 'audio', image: 'an image' };

function joinOr(words: string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/**
 * Why `toolName` (tool `toolId`) cannot run on media of kind `kind`, as a sentence; null when it
 * can. An unknown tool id is not this rule's business (the catalogue refuses it).
 */
export function toolNotApplicable(toolId: string, toolName: string, kind: MediaKind | null): string | null {
  if (GENERATE_TOOLS[toolId]) return kind === null ? null : `${toolName} makes a new clip; it does not run on one.`;
  const applies = TOOL_APPLIES_TO[toolId];
  if (!applies) return null;
  if (kind === null) return `${toolName} runs on a clip: choose one on the timeline.`;
  if (applies.includes(kind)) return null;
  return `${toolName} works on ${joinOr(applies.map((k) => KIND_WORDS[k]))}; this clip is ${KIND_NOUN[kind]}.`;
}
