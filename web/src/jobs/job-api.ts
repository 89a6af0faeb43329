import { ApiError, type Api } from '../api/client';
import type { JobSummary } from '../api/types';
import { readErrorReport, type ErrorReport } from '../fix-rows/build-csv';

/** Reads a job document (bare, or under `job`). */
export function readJob(doc: unknown): JobSummary {
  const d = doc as { job?: JobSummary } & JobSummary;
  const job = (d && typeof d === 'object' && d.job && typeof d.job === 'object' ? d.job : d) as JobSummary;
  return { ...job, jobId: job.jobId ?? (job as unknown as { id: string }).id, rows: job.rows ?? { total: 0, valid: 0, rejected: 0, imported: 0 }, errorCounts: job.errorCounts ?? {} };
}

export async function getJob(api: Api, id: string): Promise<JobSummary> {
  return readJob(await api.get(api.orgPath(`/jobs/${encodeURIComponent(id)}`)));
}

/**
 * Starts a job. `sourceJobId` links a job of fixed rows to the job they came from; a server
 * that refuses the key gets the request again without it (the link is then kept in the browser).
 */
export async function startJob(api: Api, body: { fileId: string; template: string; dryRun: boolean; allowDuplicate?: boolean; sourceJobId?: string }): Promise<{ job: JobSummary; linked: boolean }> {
  try {
    const job = readJob(await api.post(api.orgPath('/jobs'), body));
    // linked only when the server says it recorded the link
    return { job, linked: !!body.sourceJobId && job.sourceJobId === body.sourceJobId };
  } catch (e) {
    if (body.sourceJobId && e instanceof ApiError && e.status === 400 && JSON.stringify([e.message, e.details]).includes('sourceJobId')) {
      const { sourceJobId: _, ...rest } = body;
      return { job: readJob(await api.post(api.orgPath('/jobs'), rest)), linked: false };
    }
    throw e;
  }
}

/** A report's text, fetched with the key. */
export async function reportText(api: Api, jobId: string, which: 'errors' | 'success'): Promise<string> {
  const res = await api.fetch(api.orgPath(`/jobs/${encodeURIComponent(jobId)}/${which}.csv`));
  return res.text();
}

/** The job's error report, read. */
export async function errorReport(api: Api, jobId: string, delimiter = ','): Promise<ErrorReport> {
  return readErrorReport(await reportText(api, jobId, 'errors'), delimiter);
}

/** Saves a report as a file: fetched with the key, then handed to the browser as a blob. */
export async function downloadReport(api: Api, jobId: string, which: 'errors' | 'success'): Promise<void> {
  const res = await api.fetch(api.orgPath(`/jobs/${encodeURIComponent(jobId)}/${which}.csv`));
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${which === 'errors' ? 'errors' : 'success'}-${jobId.slice(0, 8)}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
