import { maxFileBytes as maxFileBytesFromEnv } from '../jobs/files.js';
import type { Org } from '../domain/org.js';
import type { Store } from '../store/port.js';
import { AppError } from './errors.js';

/**
 * What every use case works on: the store, where it is (a job thread opens its own connection
 * there), and the largest file accepted. The command line and the server each make one and pass
 * it to the use cases of this folder.
 */
export interface AppContext {
  store: Store;
  location: string;
  maxFileBytes: number;
}

/** The context of a store at a location; `maxFileBytes` from `$LOYALTY_MAX_FILE_MB` unless given. */
export function appContext(store: Store, location: string, maxFileBytes = maxFileBytesFromEnv()): AppContext {
  return { store, location, maxFileBytes };
}

/** The org, or NOT_FOUND. */
export async function requireOrg(ctx: AppContext, orgId: string): Promise<Org> {
  const org = await ctx.store.getOrg(orgId);
  if (!org) throw noSuchOrg(orgId);
  return org;
}

/** The answer for a missing org, and for another org's: the same, so that neither tells which. */
export function noSuchOrg(orgId: string): AppError {
  return new AppError('NOT_FOUND', `No org "${orgId}"; an admin creates it by loading its reference data (PUT /api/orgs/${orgId}/reference-data or \`loyalty-import org load\`)`);
}
