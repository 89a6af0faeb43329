import { useEffect, useMemo, useState } from 'react';
import { describeError } from '../api/client';
import { readTemplate } from '../api/normalise';
import type { JobSummary, TemplateDocument } from '../api/types';
import { uploadFile } from '../api/upload';
import { useApp } from '../app/context';
import { navigate } from '../app/route';
import { rememberSource } from '../app/session';
import { Notice, ProgressBar, RowsHead } from '../components/ui';
import { errorReport, startJob } from '../jobs/job-api';
import { formatCount } from '../jobs/progress-format';
import { buildCsv, type ErrorReport } from './build-csv';

const PAGE = 50;

/**
 * The rejected rows of a finished import, editable in place: "Import fixed rows" builds a CSV
 * of the rows the operator changed, with the file's header, uploads it and starts a new job
 * with the same template, linked to this one.
 */
export function FixRows({ job }: { job: JobSummary }) {
  const { api } = useApp();
  const [template, setTemplate] = useState<TemplateDocument | null>(null);
  const [report, setReport] = useState<ErrorReport | null>(null);
  const [edits, setEdits] = useState<Record<number, string[]>>({});
  const [shown, setShown] = useState(PAGE);
  const [error, setError] = useState<string | null>(null);
  const [upload, setUpload] = useState<number | null>(null);

  useEffect(() => {
    (async () => {
      const t = readTemplate(await api.get(api.orgPath(`/templates/${encodeURIComponent(job.template.id)}?version=${job.template.version}`)));
      setTemplate(t);
      setReport(await errorReport(api, job.jobId, t.csv.delimiter));
    })().catch((e) => setError(describeError(e)));
  }, [api, job]);

  const changed = useMemo(() => {
    if (!report) return [];
    return report.rows.filter((r) => edits[r.rowNumber] && edits[r.rowNumber]!.some((c, i) => c !== r.cells[i]));
  }, [report, edits]);

  if (error && !report) return <Notice tone="danger" title="The rejected rows could not be loaded">{<p>{error}</p>}</Notice>;
  if (!report || !template) return null;

  const setCell = (rowNumber: number, col: number, value: string, cells: string[]) =>
    setEdits((e) => {
      const row = [...(e[rowNumber] ?? cells)];
      row[col] = value;
      return { ...e, [rowNumber]: row };
    });

  const importFixed = async () => {
    setError(null);
    setUpload(0);
    try {
      const lines = Array.from({ length: template.csv.skipTop }, () => [`Fixed rows of job ${job.jobId}`]);
      const csv = (lines.length ? buildCsv(lines[0]!, lines.slice(1), template.csv.delimiter) : '') + buildCsv(report.header, changed.map((r) => edits[r.rowNumber]!), template.csv.delimiter);
      const name = `${(job.file?.name ?? 'file').replace(/\.csv$/i, '')}-fixed-rows.csv`;
      const blob = new Blob([csv], { type: 'text/csv' });
      const stored = await uploadFile(api, blob, name, (loaded, total) => setUpload(total ? (loaded * 100) / total : null));
      const { job: next, linked } = await startJob(api, { fileId: stored.fileId, template: job.template.id, dryRun: false, sourceJobId: job.jobId });
      if (!linked) rememberSource(next.jobId, job.jobId);
      navigate({ page: 'job', id: next.jobId });
    } catch (e) {
      setError(describeError(e));
      setUpload(null);
    }
  };

  const rows = report.rows.slice(0, shown);
  return (
    <section className="card" aria-labelledby="fix-h" data-testid="fix-rows">
      <h2 id="fix-h">Fix the rejected rows here</h2>
      <p className="muted">
        Correct the cells of a row as its message says, then import the rows you changed. They go in a new job with the same template; this job stays as it is.
      </p>
      <div className="table-wrap" tabIndex={0} role="region" aria-label="Rejected rows, editable">
        <table className="compact">
          <caption className="sr-only">Rejected rows, editable</caption>
          <RowsHead about="What is wrong" columns={report.header} />
          <tbody>
            {rows.map((r) => {
              const cells = edits[r.rowNumber] ?? r.cells;
              const isChanged = changed.includes(r);
              return (
                <tr key={r.rowNumber} className={isChanged ? undefined : 'rejected'} data-row={r.rowNumber}>
                  <td className="num">
                    {r.rowNumber}
                    {isChanged ? <div className="small" style={{ color: 'var(--success)' }}>changed</div> : null}
                  </td>
                  <td style={{ minWidth: '13rem' }}>
                    <code className="small">{r.code}</code>
                    <div className="small">{r.message}</div>
                  </td>
                  {report.header.map((h, i) => (
                    <td key={i}>
                      <input className="cell-input mono" type="text" size={Math.max(5, Math.min(40, (cells[i] ?? '').length + 1))} value={cells[i] ?? ''} aria-label={`Row ${r.rowNumber}, ${h}`} onChange={(e) => setCell(r.rowNumber, i, e.target.value, cells)} />
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {report.rows.length > shown ? (
        <div className="actions">
          <button type="button" className="btn secondary" onClick={() => setShown((n) => n + PAGE)}>
            Show {formatCount(Math.min(PAGE, report.rows.length - shown))} more ({formatCount(report.rows.length - shown)} of {formatCount(report.rows.length)} not shown yet)
          </button>
        </div>
      ) : null}
      {error ? (
        <Notice tone="danger" focus>
          <p>{error}</p>
        </Notice>
      ) : null}
      {upload != null ? <ProgressBar value={upload} label="Upload of the fixed rows" /> : null}
      <div className="actions">
        <button type="button" className="btn" onClick={importFixed} disabled={changed.length === 0 || upload != null}>
          {changed.length === 0 ? 'Import fixed rows' : `Import ${changed.length} fixed row${changed.length === 1 ? '' : 's'}`}
        </button>
        <span className="muted small" role="status">
          {changed.length === 0 ? 'Change a cell to fix a row.' : `${changed.length} row${changed.length === 1 ? '' : 's'} changed; the other rejected rows are left out.`}
        </span>
      </div>
    </section>
  );
}
