export { paysWithProUses, type ProUseAccount } from '../../shared/pro-uses';
