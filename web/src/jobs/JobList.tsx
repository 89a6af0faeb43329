import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../api/client';
import type { JobSummary } from '../api/types';
import { useApp } from '../app/context';
import { hrefOf } from '../app/route';
import { Empty, formatDateTime, Loading, Notice, PageHeading, StatusBadge } from '../components/ui';
import { downloadReport, readJob } from './job-api';
import { formatCount } from './progress-format';
import { isRunning, STATUS_WORDS } from './words';

/** Job history, newest first, a page at a time, filterable by status. */
export function JobList() {
  const { api } = useApp();
  const [jobs, setJobs] = useState<JobSummary[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const download = (jobId: string, which: 'errors' | 'success') => {
    setDownloadError(null);
    downloadReport(api, jobId, which).catch((e: unknown) => setDownloadError(describeError(e)));
  };

  const load = useCallback(
    async (after: string | null) => {
      const q = new URLSearchParams({ limit: '25' });
      if (status) q.set('status', status);
      if (after) q.set('cursor', after);
      try {
        const d = await api.get<{ jobs?: unknown[]; nextCursor?: string | null }>(api.orgPath(`/jobs?${q}`));
        const page = (Array.isArray(d) ? d : (d.jobs ?? [])).map(readJob);
        setJobs((prev) => (after && prev ? [...prev, ...page] : page));
        setCursor(Array.isArray(d) ? null : (d.nextCursor ?? null));
      } catch (e) {
        setError(describeError(e));
      }
    },
    [api, status],
  );

  useEffect(() => {
    setJobs(null);
    void load(null);
  }, [load]);

  // while a job runs, refresh the first page now and then
  useEffect(() => {
    if (!jobs?.some((j) => isRunning(j.status))) return;
    const t = setTimeout(() => void load(null), 3000);
    return () => clearTimeout(t);
  }, [jobs, load]);

  return (
    <>
      <PageHeading title="Jobs" intro="Every file checked or imported, newest first. Open a job for its details and its reports.">
        <a className="btn" href={hrefOf({ page: 'import', templateId: null })}>
          Import a file
        </a>
      </PageHeading>
      <div className="field" style={{ maxWidth: 320 }}>
        <label htmlFor="status-filter">Show</label>
        <select id="status-filter" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">All jobs</option>
          {Object.entries(STATUS_WORDS).map(([k, w]) => (
            <option key={k} value={k}>
              {w.label}
            </option>
          ))}
        </select>
      </div>
      {error ? <Notice tone="danger" title="Jobs could not be loaded">{<p>{error}</p>}</Notice> : null}
      {downloadError ? <Notice tone="danger" title="The report could not be downloaded">{<p>{downloadError}</p>}</Notice> : null}
      {!jobs && !error ? <Loading what="jobs" /> : null}
      {jobs && jobs.length === 0 ? (
        <div className="card">
          <Empty title={status ? 'No job with this status' : 'No jobs yet'}>
            <p>{status ? 'Choose "All jobs" to see the others.' : 'Import a file and its job appears here.'}</p>
            {status ? null : (
              <a className="btn" href={hrefOf({ page: 'import', templateId: null })}>
                Import a file
              </a>
            )}
          </Empty>
        </div>
      ) : null}
      {jobs && jobs.length > 0 ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Jobs">
          <table data-testid="job-list">
            <caption className="sr-only">Jobs, newest first</caption>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Status</th>
                <th scope="col" className="num hide-narrow">
                  Rows
                </th>
                <th scope="col" className="num hide-narrow">
                  Imported
                </th>
                <th scope="col" className="num hide-narrow">
                  Rejected
                </th>
                <th scope="col">Reports</th>
                <th scope="col" className="hide-narrow">
                  Started
                </th>
                <th scope="col" className="hide-narrow">
                  Finished
                </th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => (
                <tr key={j.jobId}>
                  <td>
                    <a href={hrefOf({ page: 'job', id: j.jobId })}>{j.file?.name ?? j.jobId.slice(0, 8)}</a>
                    <div className="small muted">{j.dryRun ? 'Dry run' : 'Import'}</div>
                  </td>
                  <td>
                    <StatusBadge status={j.status} />
                    <div className="small muted show-narrow">
                      {formatCount(j.rows.total)} rows{j.dryRun ? '' : `, ${formatCount(j.rows.imported)} imported`}, {formatCount(j.rows.rejected)} rejected
                    </div>
                  </td>
                  <td className="num hide-narrow">{formatCount(j.rows.total)}</td>
                  <td className="num hide-narrow">{j.dryRun ? '—' : formatCount(j.rows.imported)}</td>
                  <td className="num hide-narrow">{formatCount(j.rows.rejected)}</td>
                  <td className="reports">
                    {j.rows.rejected > 0 ? (
                      <button type="button" className="btn link small" onClick={() => download(j.jobId, 'errors')}>
                        errors.csv<span className="sr-only">: the rejected rows of {j.file?.name ?? 'this job'}</span>
                      </button>
                    ) : null}
                    {!j.dryRun && j.rows.imported > 0 ? (
                      <button type="button" className="btn link small" onClick={() => download(j.jobId, 'success')}>
                        success.csv<span className="sr-only">: the imported rows of {j.file?.name ?? 'this job'}</span>
                      </button>
                    ) : null}
                  </td>
                  <td className="hide-narrow">{formatDateTime(j.startedAt ?? j.createdAt)}</td>
                  <td className="hide-narrow">{formatDateTime(j.finishedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {cursor ? (
        <div className="actions">
          <button type="button" className="btn secondary" onClick={() => void load(cursor)}>
            Show older jobs
          </button>
        </div>
      ) : null}
    </>
  );
}
