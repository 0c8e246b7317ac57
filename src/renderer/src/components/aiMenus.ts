/** Builds the AI menu entries (names and prices from the service, reasons when unavailable). */
import type { Tool } from '@cutline/contract/api';
import { paysWithProUses } from '@cutline/contract/pro-uses';
import { credits } from '../format';
import type { AppStore } from '../store';
import { FALLBACK_NAMES } from '../tools';
import type { MenuItemSpec } from './Menu';

/** Whether an action would take a Pro use rather than credits. */
export function takesProUse(s: Pick<AppStore, 'app' | 'balance'>, tool: Tool): boolean {
  const uses = s.balance?.proUses ?? s.app?.account?.proUses ?? null;
  return paysWithProUses({ proUsesRemaining: uses?.remaining ?? null, exchanged: false }, tool, 1);
}

export function priceLabel(s: Pick<AppStore, 'app' | 'balance'>, tool: Tool | undefined): string | undefined {
  if (!tool) return undefined;
  return takesProUse(s, tool) ? '1 Pro use' : credits(tool.cost);
}

export function toolItems(s: AppStore, ids: readonly string[], run: (toolId: string) => void, clipId?: string): MenuItemSpec[] {
  return ids.map((id) => {
    const tool = s.tools?.find((t) => t.id === id);
    const reason = s.aiBlockedReason(id, clipId);
    return {
      id,
      label: tool?.name ?? FALLBACK_NAMES[id] ?? id,
      detail: priceLabel(s, tool),
      disabled: reason !== null,
      reason,
      onSelect: () => run(id),
    };
  });
}
