/** What the Customer Promotion suites (promotion-rows, promotion-template) share. */

/** The columns of their files: Customer, Store and Points. */
export const MAPPING = { customer: 'Customer', storeCode: 'Store', points: 'Points' };

/**
 * A Customer Promotion template mapping MAPPING, of the promotion "Festive bonus": `config` goes
 * over its config, `fields` over the rest (mapping, org, name…).
 */
export function promotionTemplate(config: Record<string, unknown> = {}, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { profile: 'CUSTOMER_PROMOTION', mapping: MAPPING, config: { promotionName: 'Festive bonus', ...config }, ...fields };
}
