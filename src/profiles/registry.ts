import { addProfileMigrations } from '../store/migrations/index.js';
import { customerPromotionProfile } from './customer-promotion/definition.js';
import { trackersProfile } from './trackers/definition.js';
import type { ProfileDefinition } from './types.js';

/** Every import profile the product ships, by key: the single source of truth the engine and adapters read. */
export const PROFILES = {
  TRACKERS: trackersProfile,
  CUSTOMER_PROMOTION: customerPromotionProfile,
} satisfies Record<string, ProfileDefinition<unknown>>;

export type ProfileKey = keyof typeof PROFILES;
export const PROFILE_KEYS = Object.keys(PROFILES) as ProfileKey[];

const registered = new Map<string, ProfileDefinition<unknown>>();

/**
 * Makes a profile known to the engine, the templates and the store (its migrations join the
 * store's): the profiles above are registered so when this module loads, and a profile defined
 * elsewhere (a test's) registers the same way before a store is opened.
 */
export function registerProfile(profile: ProfileDefinition<unknown>): void {
  const known = registered.get(profile.key);
  if (known === profile) return;
  if (known) throw new Error(`Profile ${profile.key} is registered already; give the new profile another key`);
  if (!/^[A-Z][A-Z0-9_]*$/.test(profile.key)) throw new Error(`Profile key "${profile.key}" must be upper case letters, digits and underscores, such as CUSTOMER_NOTES`);
  for (const table of profile.tables) {
    const missing = table.primaryKey.filter((c) => !(c in table.columns));
    if (missing.length > 0) throw new Error(`Profile ${profile.key}: the primary key of table "${table.name}" names ${missing.join(', ')}, which it does not declare as columns`);
  }
  addProfileMigrations(profile.key, profile.migrations);
  registered.set(profile.key, profile);
}

for (const profile of Object.values(PROFILES)) registerProfile(profile);

/** Whether a profile of this key is registered. */
export function isProfileKey(key: unknown): key is string {
  return typeof key === 'string' && registered.has(key);
}

/** The keys of the registered profiles, those the product ships first. */
export function profileKeys(): string[] {
  return [...registered.keys()];
}

/** The registered profiles, those the product ships first. */
export function registeredProfiles(): ProfileDefinition<unknown>[] {
  return [...registered.values()];
}

/** The profile of a key (a template's, checked against the registry when it was read). */
export function profileOf(key: string): ProfileDefinition<unknown> {
  const profile = registered.get(key);
  if (!profile) throw new Error(`No profile "${key}" is registered; the profiles are ${profileKeys().join(', ')}`);
  return profile;
}
