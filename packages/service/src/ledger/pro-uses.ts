export { paysWithProUses, type ProUseAccount } from '@cutline/contract/pro-uses';
