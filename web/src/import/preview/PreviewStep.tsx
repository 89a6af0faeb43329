import { useState } from 'react';
import type { Preview, TemplateDocument, UploadedFile } from '../../api/types';
import { useApp } from '../../app/context';
import { Badge, RowsHead } from '../../components/ui';
import { FileErrorExplained } from '../../jobs/JobResults';
import { formatBytes } from '../../jobs/progress-format';

/** Step 2: how the file's columns were matched, and its first rows with each row's outcome. */
export function PreviewStep({ template, file, preview, busy, onDryRun, onImport, onRestart }: { template: TemplateDocument; file: UploadedFile; preview: Preview; busy: boolean; onDryRun(allowDuplicate: boolean): void; onImport(allowDuplicate: boolean): void; onRestart(): void }) {
  const { profiles } = useApp();
  const [again, setAgain] = useState(false);
  const profile = profiles.find((p) => p.key === template.profile);
  // The fields this template's configuration uses: those the preview mapped, or could not.
  const fields = (profile?.fields ?? Object.keys(preview.mapping).map((key) => ({ key, label: key }))).filter((f) => preview.mapping[f.key] !== undefined);
  const valid = preview.rows.filter((r) => r.outcome.valid).length;
  const columns = preview.header ?? Array.from({ length: Math.max(0, ...preview.rows.map((r) => r.cells.length)) }, (_, i) => `Column ${i + 1}`);
  return (
    <>
      <section className="card" aria-labelledby="file-h">
        <h2 id="file-h">“{file.name}”</h2>
        <p className="muted">
          {formatBytes(file.bytes)} uploaded, to be read with “{template.name}” (version {template.version}).
        </p>
        {preview.fileError ? <FileErrorExplained error={preview.fileError} /> : null}
        {fields.length > 0 ? (
          <>
            <h3>Columns</h3>
            <div className="table-wrap" tabIndex={0} role="region" aria-label="Columns">
              <table data-testid="preview-mapping">
                <caption className="sr-only">Which column feeds each field</caption>
                <thead>
                  <tr>
                    <th scope="col">Field</th>
                    <th scope="col">Column of the file</th>
                  </tr>
                </thead>
                <tbody>
                  {fields.map((f) => {
                    const m = preview.mapping[f.key];
                    return (
                      <tr key={f.key}>
                        <td>{f.label}</td>
                        <td>
                          {m && m.column != null ? (
                            <>
                              {m.header ?? `Column ${m.column + 1}`} {m.auto ? <Badge tone="success">Matched by name</Badge> : null}
                            </>
                          ) : (
                            <span className="muted">not in the file</span>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </>
        ) : null}
      </section>
      {preview.rows.length > 0 ? (
        <section className="card" aria-labelledby="rows-h">
          <div className="spread">
            <h2 id="rows-h">First {preview.rows.length} rows</h2>
            <span className="muted">
              {valid} of {preview.rows.length} would be imported
            </span>
          </div>
          <div className="table-wrap" tabIndex={0} role="region" aria-label="First rows">
            <table data-testid="preview-rows">
              <caption className="sr-only">The first rows of the file and what would happen to each</caption>
              <RowsHead about="Outcome" columns={columns} />
              <tbody>
                {preview.rows.map((r) => (
                  <tr key={r.rowNumber} className={r.outcome.valid ? undefined : 'rejected'}>
                    <td className="num">{r.rowNumber}</td>
                    <td style={{ minWidth: '14rem' }}>
                      {r.outcome.valid ? (
                        <Badge tone="success">Valid</Badge>
                      ) : (
                        <>
                          <Badge tone="danger">Rejected</Badge> <code className="small">{r.outcome.code}</code>
                          <div className="small">{r.outcome.message}</div>
                        </>
                      )}
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
        </section>
      ) : null}
      <section className="card" aria-labelledby="next-h">
        <h2 id="next-h">Next</h2>
        <p>Check every row of the file first: nothing is written, and you see every row that would be rejected and why.</p>
        <label className="check">
          <input type="checkbox" checked={again} onChange={(e) => setAgain(e.target.checked)} />
          <span>Import it even if this same file was imported before with this template</span>
        </label>
        <div className="actions">
          <button type="button" className="btn" onClick={() => onDryRun(again)} disabled={busy || !!preview.fileError}>
            Check every row (dry run)
          </button>
          <button type="button" className="btn secondary" onClick={() => onImport(again)} disabled={busy || !!preview.fileError}>
            Import without checking
          </button>
          <button type="button" className="btn link" onClick={onRestart}>
            Choose another file
          </button>
        </div>
      </section>
    </>
  );
}
