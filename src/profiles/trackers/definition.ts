import { z } from 'zod';
import { CUSTOMER_COLUMN_NAMES, type SharedConfig, sharedConfigShape } from '../shared/config.js';
import type { ProfileDefinition } from '../types.js';
import { TRACKER_FIELDS } from './fields.js';
import { prepareTrackers, trackersSuccessReport } from './rules.js';
import { TRACKER_VALUES } from './tracker-values.js';

/** Trackers (`TRACKERS`): tracker values for existing transactions of customers or user groups. */

const BILL_IDENTIFICATIONS = ['LOYALTY_LOG_ID', 'STANDARD_FIELDS'] as const;

export const trackersConfigSchema = z
  .object({
    ...sharedConfigShape(['MOBILE', 'EMAIL', 'EXTERNAL_ID', 'USER_ID'] as const),
    billIdentification: z.enum(BILL_IDENTIFICATIONS).default('STANDARD_FIELDS').meta({
      title: 'Identification of Bill',
      description: 'How a row names its transaction: `LOYALTY_LOG_ID` by its loyalty log id, `STANDARD_FIELDS` by bill number, store and transaction date.',
    }),
    tracker: z
      .union([z.number().int().positive(), z.string().trim().min(1)], { error: 'a tracker id or name of the org is required' })
      .meta({ title: 'Tracker', description: 'The tracker to import into, by id or name. It must be a tracker of the org of type `BILL` or `LINEITEM`.' }),
  })
  .strict();

export type TrackersConfig = z.output<typeof trackersConfigSchema> & SharedConfig;

export const trackersProfile: ProfileDefinition<TrackersConfig> = {
  key: 'TRACKERS',
  label: 'Trackers',
  fields: TRACKER_FIELDS,
  configSchema: trackersConfigSchema,
  extraNames: (field, config) => (field === 'customer' ? CUSTOMER_COLUMN_NAMES[config.customerIdentifier] : []),
  awardsUnderPromotion: false,
  userPromotionIdentifier: () => null,
  prepare: prepareTrackers,
  successReport: trackersSuccessReport,
  tables: [TRACKER_VALUES],
  // Its table predates profile migrations: 0001_initial makes it (see tracker-values.ts).
  migrations: {},
};
