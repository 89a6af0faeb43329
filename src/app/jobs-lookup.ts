import type { JobRecord } from '../domain/jobs.js';
import type { Store } from '../store/port.js';
import { AppError } from './errors.js';

/**
 * Finding the job an operator names. A job id is a UUID, too long to type from a listing: its
 * first 8 or more characters do, when no other job's id begins with them. Given an org, a job of
 * another org is answered exactly as a job that does not exist, so that an id tells nobody what
 * another org runs.
 */

/** The fewest characters of a job id that name it: 8 hexadecimal digits are 4 billion ids. */
export const MIN_JOB_ID_PREFIX = 8;

/** How many candidates an ambiguous prefix names. */
const CANDIDATES = 5;

/** The job whose id is, or begins with, `idOrPrefix` (of `orgId` only, when given); NOT_FOUND, or INVALID_REQUEST for a prefix too short or ambiguous. */
export async function findJob(store: Store, idOrPrefix: string, orgId?: string): Promise<JobRecord> {
  const wanted = idOrPrefix.trim().toLowerCase();
  if (wanted.length < MIN_JOB_ID_PREFIX) {
    throw new AppError(
      'INVALID_REQUEST',
      `A job id, or the beginning of one, has at least ${MIN_JOB_ID_PREFIX} characters; "${idOrPrefix}" has ${wanted.length}. ${listHint(orgId)}`,
    );
  }
  const exact = await store.getJob(wanted);
  if (exact) {
    if (orgId === undefined || exact.orgId === orgId) return exact;
    throw notFound(idOrPrefix, orgId);
  }
  const found = await store.findJobsByIdPrefix(wanted, orgId, CANDIDATES + 1);
  if (found.length === 1) return found[0]!;
  if (found.length === 0) throw notFound(idOrPrefix, orgId);
  const named = found.slice(0, CANDIDATES).map((j) => j.id);
  const more = found.length > CANDIDATES ? ' and more' : '';
  throw new AppError('INVALID_REQUEST', `Several jobs have an id that begins with "${idOrPrefix}": ${named.join(', ')}${more}; give more of the id`, {
    candidates: named,
  });
}

function notFound(idOrPrefix: string, orgId: string | undefined): AppError {
  return new AppError('NOT_FOUND', `No job with id "${idOrPrefix}"${orgId === undefined ? '' : ` in org "${orgId}"`}. ${listHint(orgId)}`);
}

function listHint(orgId: string | undefined): string {
  return `See the jobs with \`loyalty-import job list --org ${orgId ?? 'ORG'}\``;
}
