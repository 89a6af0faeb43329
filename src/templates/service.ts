import { randomUUID } from 'node:crypto';
import { FileError } from '../core/error-codes.js';
import { profileOf } from '../profiles/registry.js';
import type { ProfileDefinition } from '../profiles/types.js';
import type { Org } from '../domain/org.js';
import type { TemplateVersionRecord } from '../domain/templates.js';
import type { Store } from '../store/port.js';
import { prototypeKeyIssue, type TemplateBody, templateIssue, templateSchema } from './schema.js';

/**
 * Templates: saved per org and profile, versioned. Saving an unchanged template keeps its
 * version; any change makes a new one (and, for profiles that award under a promotion, a new
 * generated promotion identifier unless the template sets its own).
 */

export interface CheckedTemplate {
  body: TemplateBody;
  profile: ProfileDefinition<unknown>;
  config: unknown;
  org: Org;
}

/** Checks a template's JSON form against the schema, its profile and the org as it is now. */
export async function checkTemplate(input: unknown, store: Store): Promise<CheckedTemplate> {
  const parsed = templateSchema.safeParse(input);
  if (!parsed.success) throw templateIssue(parsed.error);
  const body = parsed.data;
  const org = await store.getOrg(body.org);
  if (!org) throw new FileError('INVALID_TEMPLATE', `Template "org": org "${body.org}" does not exist; load it first with \`loyalty-import org load\``);
  const profile = profileOf(body.profile);
  const config = profile.configSchema.safeParse(body.config);
  if (!config.success) throw templateIssue(config.error, 'config');
  const known = new Set(profile.fields.map((f) => f.key));
  for (const section of ['mapping', 'defaults'] as const) {
    for (const key of Object.keys(body[section])) {
      if (!known.has(key)) {
        throw new FileError(
          'INVALID_TEMPLATE',
          `Template "${section}.${key}": profile ${profile.key} has no field "${key}"; its fields are ${[...known].join(', ')}`,
        );
      }
    }
  }
  const hidden = prototypeKeyIssue(input);
  if (hidden) throw hidden;
  // The profile's own checks against the org (tracker, stores, programs…).
  await profile.prepare({
    org,
    config: config.data,
    store,
    dryRun: true,
    jobId: '',
    startedAt: new Date().toISOString(),
    promotionIdentifier: null,
  });
  return { body, profile, config: config.data, org };
}

export interface SavedTemplate {
  id: string;
  name: string;
  version: number;
  promotionIdentifier?: string | null;
  changed: boolean;
}

/** Saves a template: a new template, a new version of a changed one, or nothing for an unchanged one. */
export async function saveTemplate(input: unknown, store: Store, now = new Date()): Promise<SavedTemplate> {
  const { body, profile, config } = await checkTemplate(input, store);
  const existing = await store.findTemplate(body.org, body.name);
  const summary = (r: TemplateVersionRecord, changed: boolean): SavedTemplate => ({
    id: r.id,
    name: r.name,
    version: r.version,
    ...(profile.awardsUnderPromotion ? { promotionIdentifier: r.promotionIdentifier } : {}),
    changed,
  });
  if (existing && existing.name === body.name && canonicalJson(existing.body) === canonicalJson(body)) return summary(existing, false);
  const userIdentifier = profile.userPromotionIdentifier(config);
  const record: TemplateVersionRecord = {
    id: existing?.id ?? randomUUID(),
    orgId: body.org,
    name: body.name,
    profile: body.profile,
    version: (existing?.version ?? 0) + 1,
    body,
    promotionIdentifier: profile.awardsUnderPromotion ? (userIdentifier ?? generatedPromotionIdentifier()) : null,
    createdAt: now.toISOString(),
  };
  await store.saveTemplateVersion(record);
  return summary(record, true);
}

function generatedPromotionIdentifier(): string {
  return `PROMO-${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}`;
}

/** JSON with object keys sorted, so that equal templates compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
