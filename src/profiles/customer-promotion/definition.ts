import { z } from 'zod';
import { CUSTOMER_COLUMN_NAMES, type SharedConfig, sharedConfigShape } from '../shared/config.js';
import type { ProfileDefinition } from '../types.js';
import { CUSTOMER_PROMOTION_FIELDS } from './fields.js';
import { PROMOTIONS } from '../../store/tables.js';
import { POINTS_LEDGER } from './ledger.js';
import { customerPromotionSuccessReport, prepareCustomerPromotion } from './rules.js';

/** Customer Promotion (`CUSTOMER_PROMOTION`): promotional points to customers or user groups. */

const idOrName = z.union([z.number().int().positive(), z.string().trim().min(1)]);

export const customerPromotionConfigSchema = z
  .object({
    ...sharedConfigShape(['MOBILE', 'EMAIL', 'EXTERNAL_ID', 'USER_ID', 'CARD_NUMBER', 'CARD_EXTERNAL_ID'] as const),
    promotionName: z
      .string({ error: 'a promotion name of 1 to 100 characters is required' })
      .min(1)
      .max(100)
      .meta({ title: 'Promotion name', description: 'The name of the promotion the points are awarded under, stored exactly as given.' }),
    program: idOrName
      .nullish()
      .meta({ title: 'Program', description: "The program the points belong to, by id or name; absent or null: the org's default program." }),
    expiryStrategy: idOrName
      .nullish()
      .meta({ title: 'Expiry strategy', description: "An expiry strategy of that program, by id or name; absent or null: the points never expire." }),
    promotionIdentifier: z.string().trim().min(1).max(100).nullish().meta({
      title: 'Set user defined promotion identifier',
      description:
        'The promotion to award under. Absent or null: saving the template generates one (`PROMO-` and 16 hex digits), new with every changed version. A new identifier creates the promotion with the first import; an existing one must have the name `promotionName`.',
    }),
  })
  .strict();

export type CustomerPromotionConfig = z.output<typeof customerPromotionConfigSchema> & SharedConfig;

export const customerPromotionProfile: ProfileDefinition<CustomerPromotionConfig> = {
  key: 'CUSTOMER_PROMOTION',
  label: 'Customer Promotion',
  fields: CUSTOMER_PROMOTION_FIELDS,
  configSchema: customerPromotionConfigSchema,
  extraNames: (field, config) => (field === 'customer' ? CUSTOMER_COLUMN_NAMES[config.customerIdentifier] : []),
  awardsUnderPromotion: true,
  userPromotionIdentifier: (config) => config.promotionIdentifier ?? null,
  prepare: prepareCustomerPromotion,
  successReport: customerPromotionSuccessReport,
  tables: [POINTS_LEDGER, PROMOTIONS],
  // Its tables predate profile migrations: 0001_initial makes them (see ledger.ts).
  migrations: {},
};
