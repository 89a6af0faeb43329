import { loadReferenceData } from '../org/reference-data.js';
import { GROUP_KEY_KINDS } from '../domain/customers.js';
import type { Org } from '../domain/org.js';
import type { Program, Promotion } from '../domain/programs.js';
import type { Tracker } from '../domain/trackers.js';
import { type AppContext, requireOrg } from './context.js';
import { AppError } from './errors.js';
import type { Caller } from './keys.js';

/** An org with the lists a template form offers. */
export interface OrgOverview extends Org {
  stores: Array<{ code: string; externalId: string | null; name: string | null; tills: string[] }>;
  trackers: Tracker[];
  /** As the reference-data file writes them: `default`, not the domain's `isDefault`. */
  programs: Array<Omit<Program, 'isDefault'> & { default: boolean }>;
  promotions: Promotion[];
  userGroupIdentifierTypes: string[];
}

/**
 * Loads an org's reference data (the `org load` file). Creating an org is the admin's; an org key
 * updates its own org. The file's `org.id` must be the org the request names.
 */
export async function putReferenceData(ctx: AppContext, caller: Caller, orgId: string, body: unknown): Promise<{ created: boolean; counts: Record<string, number | string> }> {
  const named = (body as { org?: { id?: unknown } } | null)?.org?.id;
  if (named !== undefined && named !== orgId) {
    throw new AppError('INVALID_REQUEST', `The file's "org.id" is "${String(named)}" but the request is for org "${orgId}"; send it to /api/orgs/${String(named)}/reference-data or correct "org.id"`, [
      { field: 'org.id', message: `must be "${orgId}"` },
    ]);
  }
  const existed = (await ctx.store.getOrg(orgId)) !== null;
  if (!existed && caller.kind !== 'admin') throw new AppError('FORBIDDEN', `Only the admin key creates an org; org "${orgId}" does not exist`);
  const counts = await loadReferenceData(body, ctx.store);
  return { created: !existed, counts };
}

/** The org, with its stores and tills, trackers, programs and their expiry strategies, promotions. */
export async function orgOverview(ctx: AppContext, orgId: string): Promise<OrgOverview> {
  const org = await requireOrg(ctx, orgId);
  const [stores, tills, trackers, programs, promotions] = await Promise.all([
    ctx.store.listStores(orgId),
    ctx.store.listTills(orgId),
    ctx.store.listTrackers(orgId),
    ctx.store.listPrograms(orgId),
    ctx.store.listPromotions(orgId),
  ]);
  const tillsOf = new Map<string, string[]>();
  for (const t of tills) tillsOf.set(t.storeCode, [...(tillsOf.get(t.storeCode) ?? []), t.code]);
  return {
    ...org,
    stores: stores.map((s) => ({ ...s, tills: tillsOf.get(s.code) ?? [] })),
    trackers,
    programs: programs.map(({ isDefault, ...p }) => ({ ...p, default: isDefault })),
    promotions,
    userGroupIdentifierTypes: [...GROUP_KEY_KINDS],
  };
}
