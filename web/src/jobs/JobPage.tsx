import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../api/client';
import type { JobSummary } from '../api/types';
import { useApp } from '../app/context';
import { hrefOf, navigate } from '../app/route';
import { fixedRowJobs, linkedSource } from '../app/session';
import { formatDateTime, Loading, Notice, PageHeading, StatusBadge } from '../components/ui';
import { FixRows } from '../fix-rows/FixRows';
import { downloadReport, getJob, readJob } from './job-api';
import { ErrorCounts, FileErrorExplained, RowCounts } from './JobResults';
import { LiveProgress } from './LiveProgress';
import { formatBytes, formatCount } from './progress-format';
import { isFinished, statusWords } from './words';

/** One job: live progress while it runs; then its counts, reports, file error, resume or fixes. */
export function JobPage({ id }: { id: string }) {
  const { api, profiles } = useApp();
  const [job, setJob] = useState<JobSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // a resumed job is INTERRUPTED until the server takes it up again: follow it meanwhile
  const [resumed, setResumed] = useState(false);

  const load = useCallback(() => getJob(api, id).then(setJob, (e) => setError(describeError(e))), [api, id]);
  useEffect(() => {
    void load();
  }, [load]);

  const act = async (what: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await what();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  const download = (which: 'errors' | 'success') => act(() => downloadReport(api, id, which));

  if (!job) return error ? <Notice tone="danger" title="This job could not be opened">{<p>{error}</p>}</Notice> : <Loading what="the job" />;
  const running = !isFinished(job.status) && (job.status !== 'INTERRUPTED' || resumed);
  const source = job.sourceJobId ?? linkedSource(job.jobId);
  const profile = profiles.find((p) => p.key === job.profile);
  // a resumed job stays INTERRUPTED until the server takes it up: show it as waiting
  const shownStatus = resumed && job.status === 'INTERRUPTED' ? 'QUEUED' : job.status;
  const w = statusWords(shownStatus);
  return (
    <>
      <PageHeading title={`${job.dryRun ? 'Dry run' : 'Import'} of “${job.file?.name ?? 'file'}”`} intro={w.explain}>
        <StatusBadge status={shownStatus} />
      </PageHeading>
      {error ? (
        <Notice tone="danger" focus>
          <p>{error}</p>
        </Notice>
      ) : null}
      {source ? (
        <Notice tone="info">
          <p>
            These are fixed rows of <a href={hrefOf({ page: 'job', id: source })}>an earlier job</a>.
          </p>
        </Notice>
      ) : null}
      {fixedRowJobs(job.jobId).length ? (
        <Notice tone="info">
          <p>
            Fixed rows of this job were imported in{' '}
            {fixedRowJobs(job.jobId).map((f, i) => (
              <span key={f}>
                {i ? ', ' : ''}
                <a href={hrefOf({ page: 'job', id: f })}>job {f.slice(0, 8)}</a>
              </span>
            ))}
            . Fixing the same rows again would import them twice.
          </p>
        </Notice>
      ) : null}
      {running ? <LiveProgress job={job} onFinished={(j) => {
            setResumed(false);
            setJob(j);
          }} onStatus={(status) => status !== job.status && !isFinished(status) && void load()} /> : null}
      {job.status === 'INTERRUPTED' && !resumed ? (
        <Notice tone="warning" title="This job was interrupted">
          <p>What it wrote stays. Resume goes on after the last rows written; cancelling it ends it here.</p>
          <div className="actions">
            <button type="button" className="btn" disabled={busy} onClick={() =>
                act(async () => {
                  const next = readJob(await api.post(api.orgPath(`/jobs/${encodeURIComponent(id)}/resume`)));
                  setResumed(true);
                  setJob(next);
                })
              }>
              Resume
            </button>
            <button type="button" className="btn danger" disabled={busy} onClick={() => act(async () => setJob(readJob(await api.post(api.orgPath(`/jobs/${encodeURIComponent(id)}/cancel`)))))}>
              Cancel it
            </button>
          </div>
        </Notice>
      ) : null}
      {job.status === 'FAILED' && job.fileError ? <FileErrorExplained error={job.fileError} /> : null}
      {!running ? (
        <section className="card" aria-labelledby="summary-h">
          <h2 id="summary-h">Summary</h2>
          {job.status === 'FAILED' && job.rows.total === 0 ? <p className="muted">No row was read.</p> : <RowCounts job={job} />}
          {job.status === 'CANCELLED' && job.progress?.rowsTotal != null && job.progress.rowsTotal > job.rows.total ? (
            <p style={{ marginTop: '1rem' }}>
              Stopped after {formatCount(job.rows.total)} of {formatCount(job.progress.rowsTotal)} rows: the {formatCount(job.progress.rowsTotal - job.rows.total)} rows after them were not imported. The success report lists the rows that were.
            </p>
          ) : null}
          <ErrorCounts counts={job.errorCounts} />
          <div className="actions">
            {job.rows.rejected > 0 ? (
              <button type="button" className="btn secondary" onClick={() => download('errors')} disabled={busy}>
                Download rejected rows (errors.csv)
              </button>
            ) : null}
            {!job.dryRun && job.rows.imported > 0 ? (
              <button type="button" className="btn secondary" onClick={() => download('success')} disabled={busy}>
                Download imported rows (success.csv)
              </button>
            ) : null}
            {job.dryRun && job.status === 'VALIDATED' && job.rows.valid > 0 ? (
              <button type="button" className="btn" disabled={busy} onClick={() => act(async () => navigate({ page: 'job', id: readJob(await api.post(api.orgPath(`/jobs/${encodeURIComponent(id)}/import`))).jobId }))}>
                {job.rows.valid === 1 ? 'Import the 1 valid row' : `Import these ${formatCount(job.rows.valid)} rows`}
              </button>
            ) : null}
          </div>
        </section>
      ) : null}
      {!running && !job.dryRun && job.rows.rejected > 0 && (job.status === 'COMPLETED_WITH_ERRORS' || job.status === 'CANCELLED') ? <FixRows job={job} /> : null}
      <section className="card" aria-labelledby="details-h">
        <h2 id="details-h">Details</h2>
        <dl className="kv">
          <dt>Kind of data</dt>
          <dd>{profile?.label ?? job.profile}</dd>
          <dt>Template</dt>
          <dd>
            <a href={hrefOf({ page: 'template-edit', id: job.template.id })}>{job.template.name ?? 'Open the template'}</a> (version {job.template.version})
          </dd>
          {job.file ? (
            <>
              <dt>File</dt>
              <dd>
                {job.file.name} ({formatBytes(job.file.size)})
              </dd>
            </>
          ) : null}
          {job.promotionIdentifier ? (
            <>
              <dt>Promotion identifier</dt>
              <dd>
                <code>{job.promotionIdentifier}</code>
              </dd>
            </>
          ) : null}
          {Object.keys(job.autoMapped ?? {}).length ? (
            <>
              <dt>Matched by name</dt>
              <dd>
                {Object.entries(job.autoMapped)
                  .map(([field, header]) => `${profile?.fields.find((f) => f.key === field)?.label ?? field} ← “${header}”`)
                  .join('; ')}
              </dd>
            </>
          ) : null}
          <dt>Started</dt>
          <dd>{formatDateTime(job.startedAt)}</dd>
          <dt>Finished</dt>
          <dd>{formatDateTime(job.finishedAt)}</dd>
          <dt>Job id</dt>
          <dd>
            <code>{job.jobId}</code>
          </dd>
        </dl>
      </section>
    </>
  );
}
