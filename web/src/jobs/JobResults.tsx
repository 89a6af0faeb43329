import type { ReactNode } from 'react';
import type { JobSummary } from '../api/types';
import { hrefOf } from '../app/route';
import { RowsHead } from '../components/ui';
import type { RejectedRow } from '../fix-rows/build-csv';
import { formatCount } from './progress-format';
import { fileErrorHelp, ROW_ERROR_WORDS } from './words';

/** The counts of a finished job. */
export function RowCounts({ job }: { job: JobSummary }) {
  const r = job.rows;
  return (
    <dl className="stats" data-testid="row-counts">
      <div className="stat">
        <dt>Rows read</dt>
        <dd>{formatCount(r.total)}</dd>
      </div>
      <div className="stat">
        <dt>Valid</dt>
        <dd style={{ color: 'var(--success)' }}>{formatCount(r.valid)}</dd>
      </div>
      <div className="stat">
        <dt>Rejected</dt>
        <dd style={{ color: r.rejected ? 'var(--danger)' : undefined }}>{formatCount(r.rejected)}</dd>
      </div>
      {job.dryRun ? null : (
        <div className="stat">
          <dt>Imported</dt>
          <dd>{formatCount(r.imported)}</dd>
        </div>
      )}
    </dl>
  );
}

/** Rejected rows counted by error code, most frequent first. */
export function ErrorCounts({ counts }: { counts: Record<string, number> }) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  if (!entries.length) return null;
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Rejected rows by reason" style={{ marginTop: '1rem' }}>
      <table data-testid="error-counts">
        <caption className="sr-only">Rejected rows by reason</caption>
        <thead>
          <tr>
            <th scope="col">Reason</th>
            <th scope="col" className="hide-narrow">
              Code
            </th>
            <th scope="col" className="num">
              Rows
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map(([code, n]) => (
            <tr key={code}>
              <td>{ROW_ERROR_WORDS[code] ? ROW_ERROR_WORDS[code].charAt(0).toUpperCase() + ROW_ERROR_WORDS[code].slice(1) : code}</td>
              <td className="hide-narrow">
                <code>{code}</code>
              </td>
              <td className="num">{formatCount(n)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The first rejected rows, each with its row number, code and message. */
export function RejectedRowsTable({ header, rows, caption }: { header: string[]; rows: RejectedRow[]; caption: string }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table data-testid="rejected-rows">
        <caption className="sr-only">{caption}</caption>
        <RowsHead about="What is wrong" columns={header} />
        <tbody>
          {rows.map((r) => (
            <tr key={r.rowNumber} className="rejected">
              <td className="num">{r.rowNumber}</td>
              <td>
                <code className="small">{r.code}</code>
                <div>{messageShown(r.message)}</div>
              </td>
              {r.cells.map((c, i) => (
                <td key={i} className="mono">
                  {c}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A FAILED job's file error in words: what happened, the server's message, and what to do. */
export function FileErrorExplained({ error }: { error: { code: string; message: string } }) {
  const help = fileErrorHelp(error.code);
  return (
    <div className="notice danger" role="alert" data-testid="file-error">
      <h2>{help.title}</h2>
      <p>
        {messageShown(error.message)} <span className="muted small">(<code>{error.code}</code>)</span>
      </p>
      <p>
        <strong>What to do: </strong>
        {help.todo}
      </p>
    </div>
  );
}

const JOB_ID = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/;

/**
 * A message as the page shows it: what it quotes in backticks (a command line option, a JSON
 * key) as code, and each job id it names as a link to that job's page.
 */
export function messageShown(message: string): ReactNode[] {
  return message.split(QUOTED).flatMap((piece, i) =>
    i % 2 === 1
      ? [<code key={`c${i}`}>{piece}</code>]
      : piece.split(JOB_ID).map((part, j) =>
          j % 2 === 1 ? (
            <a key={`${i}-${j}`} href={hrefOf({ page: 'job', id: part })}>
              {part.slice(0, 8)}
            </a>
          ) : (
            part
          ),
        ),
  );
}

const QUOTED = /`([^`]+)`/;
