/** The Pro-use rule, for the service (which decides) and the renderer (which words its menus). */
export interface ProUseAccount {
  proUsesRemaining: number | null;
  exchanged: boolean;
}

/**
 * Whether an action is paid with Pro uses (docs/product.md § Pro uses): a legacy Pro account that has
 * not exchanged pays each eligible action with one Pro use per unit of quantity, whatever the
 * tool's credit price, while enough remain; credits after that.
 */
export function paysWithProUses(account: ProUseAccount, tool: { eligibleForProUses: boolean }, quantity: number): boolean {
  return (
    !account.exchanged &&
    account.proUsesRemaining !== null &&
    tool.eligibleForProUses &&
    account.proUsesRemaining >= quantity
  );
}

/** A tool as the trade-off needs it: its id (to tell clip tools), its name and its credit price. */
export interface PricedTool {
  id: string;
  name: string;
  cost: number;
}

function many(name: string, n: number): string {
  return `${n.toLocaleString('en-US')} ${n === 1 || name.endsWith('s') ? name : `${name}s`}`;
}

/**
 * What an exchange trades, in words both the desktop's prompt and the web's exchange page say:
 * Pro uses pay for one action each whatever the tool's price; the credits they become pay each
 * tool's price. The examples are computed from the catalogue: the priciest clip tool the credits
 * cover and a mid-priced one ("2 AI Portraits or 5 Smart Cutouts").
 */
export function exchangeTradeOff(proUses: number, credits: number, tools: readonly PricedTool[], clipToolIds: readonly string[]): string {
  const actions = `${proUses.toLocaleString('en-US')} Pro ${proUses === 1 ? 'use covers' : 'uses cover'} ${proUses.toLocaleString('en-US')} AI ${proUses === 1 ? 'action' : 'actions'} with any tool, whatever its price`;
  const clip = tools.filter((t) => clipToolIds.includes(t.id) && t.cost > 0).sort((a, b) => b.cost - a.cost);
  const covered = clip.filter((t) => Math.floor(credits / t.cost) >= 1);
  const amount = `${credits.toLocaleString('en-US')} ${credits === 1 ? 'credit' : 'credits'}`;
  const become = proUses === 1 ? 'it becomes' : 'they become';
  if (covered.length === 0) return `${actions}; the ${amount} ${become} cover no AI tool on their own.`;
  const priciest = covered[0];
  const middle = clip[Math.floor(clip.length / 2)];
  const examples = [priciest, ...(middle && middle.id !== priciest.id && Math.floor(credits / middle.cost) >= 1 ? [middle] : [])];
  return `${actions}; the ${amount} ${become} cover, for example, ${examples.map((t) => many(t.name, Math.floor(credits / t.cost))).join(' or ')}.`;
}
