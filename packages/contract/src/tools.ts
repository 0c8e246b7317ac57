/**
 * The default tool catalogue (API.md § Account and balance), part of the contract: the service
 * prices charges with it; the renderer's test fake uses the same prices. Prices are in credits.
 */
export interface ToolDef {
  id: string;
  name: string;
  cost: number;
  eligibleForProUses: boolean;
}

export const TOOLS: readonly ToolDef[] = [
  { id: 'remove-background', name: 'Remove Background', cost: 5, eligibleForProUses: true },
  { id: 'smart-cutout', name: 'Smart Cutout', cost: 8, eligibleForProUses: true },
  { id: 'ai-portrait', name: 'AI Portrait', cost: 15, eligibleForProUses: true },
  { id: 'premium-voiceover', name: 'Premium Voiceover', cost: 10, eligibleForProUses: true },
  { id: 'auto-captions', name: 'Auto Captions', cost: 3, eligibleForProUses: true },
  { id: 'ai-image', name: 'AI Image', cost: 20, eligibleForProUses: true },
  // A long generation: priced in credits only, never covered by a legacy Pro use.
  { id: 'script-to-video', name: 'Script to Video', cost: 60, eligibleForProUses: false },
];

const byId = new Map(TOOLS.map((t) => [t.id, t]));
export const findTool = (id: string): ToolDef | undefined => byId.get(id);
