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
