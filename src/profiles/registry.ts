import type { ProfileDefinition, ProfileKey } from './types.js';
import { customerPromotionProfile } from './customer-promotion/definition.js';
import { trackersProfile } from './trackers/definition.js';

/** Every import profile, by key: the single source of truth the engine and adapters read. */
export const PROFILES = {
  TRACKERS: trackersProfile,
  CUSTOMER_PROMOTION: customerPromotionProfile,
} satisfies Record<ProfileKey, ProfileDefinition<unknown>>;

/** The profile of a key. */
export function profileOf(key: ProfileKey): ProfileDefinition<unknown> {
  return PROFILES[key];
}
