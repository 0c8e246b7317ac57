/**
 * The default tool catalogue (docs/api.md § Account and balance), part of the contract: the service
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
  // Eligible like every AI tool: the exchange help page names "AI Script-to-Video" as the example
  // of an eligible tool that triggers the legacy Pro uses system (docs/product.md § Decisions).
  { id: 'script-to-video', name: 'Script to Video', cost: 60, eligibleForProUses: true },
];

const byId = new Map(TOOLS.map((t) => [t.id, t]));
export const findTool = (id: string): ToolDef | undefined => byId.get(id);
