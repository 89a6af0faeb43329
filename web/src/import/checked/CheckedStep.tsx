import { useEffect, useState } from 'react';
import { describeError } from '../../api/client';
import type { JobSummary, TemplateDocument, UploadedFile } from '../../api/types';
import { useApp } from '../../app/context';
import { hrefOf, navigate } from '../../app/route';
import { Notice, StatusBadge } from '../../components/ui';
import type { ErrorReport } from '../../fix-rows/build-csv';
import { errorReport, readJob } from '../../jobs/job-api';
import { ErrorCounts, FileErrorExplained, RejectedRowsTable, RowCounts } from '../../jobs/JobResults';
import { formatCount } from '../../jobs/progress-format';

/** Step 4: the dry run's counts by code, the first rejected rows, and "Import these rows". */
export function CheckedStep({ template, file, job, onRestart }: { template: TemplateDocument; file: UploadedFile; job: JobSummary; onRestart(): void }) {
  const { api } = useApp();
  const [report, setReport] = useState<ErrorReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (job.rows.rejected > 0) errorReport(api, job.jobId, template.csv.delimiter).then(setReport, (e) => setError(describeError(e)));
  }, [api, job, template.csv.delimiter]);

  const importIt = async () => {
    setBusy(true);
    setError(null);
    try {
      const next = readJob(await api.post(api.orgPath(`/jobs/${encodeURIComponent(job.jobId)}/import`)));
      navigate({ page: 'job', id: next.jobId });
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };

  if (job.status === 'FAILED' && job.fileError)
    return (
      <>
        <FileErrorExplained error={job.fileError} />
        <div className="actions">
          <button className="btn" type="button" onClick={onRestart}>
            Start again with a fixed file
          </button>
          <a className="btn secondary" href={hrefOf({ page: 'template-edit', id: template.id })}>
            Open the template
          </a>
        </div>
      </>
    );
  if (job.status !== 'VALIDATED')
    return (
      <Notice tone="warning" title="The check did not finish">
        <p>
          It ended as <StatusBadge status={job.status} />. <a href={hrefOf({ page: 'job', id: job.jobId })}>Open the job</a> to see what happened.
        </p>
      </Notice>
    );
  const all = job.rows.rejected === 0;
  return (
    <>
      <section className="card" aria-labelledby="checked-h">
        <div className="spread">
          <h2 id="checked-h">Every row of “{file.name}” was checked</h2>
          <StatusBadge status={job.status} />
        </div>
        <RowCounts job={job} />
        {all ? (
          <Notice tone="success">
            <p>Every row is valid. Nothing has been written yet.</p>
          </Notice>
        ) : (
          <>
            <p style={{ marginTop: '1rem' }}>
              {job.rows.valid === 0
                ? `Every row would be rejected: there is nothing to import. Fix the rows, here or in the downloaded file, and check them again.`
                : `${formatCount(job.rows.rejected)} row${job.rows.rejected === 1 ? '' : 's'} would be rejected. Importing writes the ${formatCount(job.rows.valid)} valid row${job.rows.valid === 1 ? '' : 's'}; you can then fix the rejected ones here, or download them, fix them in a spreadsheet and import that file.`}
            </p>
            <ErrorCounts counts={job.errorCounts} />
          </>
        )}
      </section>
      {report && report.rows.length ? (
        <section className="card" aria-labelledby="rej-h">
          <h2 id="rej-h">First rejected rows</h2>
          <RejectedRowsTable header={report.header} rows={report.rows.slice(0, 20)} caption="The first rejected rows with their reasons" />
          {report.rows.length > 20 ? <p className="muted small">And {formatCount(report.rows.length - 20)} more in the error report.</p> : null}
        </section>
      ) : null}
      {error ? <Notice tone="danger" focus>{<p>{error}</p>}</Notice> : null}
      <div className="actions">
        <button className="btn" type="button" onClick={importIt} disabled={busy || job.rows.valid === 0}>
          {busy ? 'Starting…' : job.rows.valid === 0 ? 'No valid rows to import' : job.rows.valid === 1 ? 'Import the 1 valid row' : `Import these ${formatCount(job.rows.valid)} rows`}
        </button>
        <button className="btn link" type="button" onClick={onRestart}>
          Choose another file
        </button>
      </div>
    </>
  );
}
