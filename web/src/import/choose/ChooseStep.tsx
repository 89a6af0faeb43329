import { useEffect, useState } from 'react';
import { describeError } from '../../api/client';
import { readPreview, readTemplate } from '../../api/normalise';
import type { Preview, TemplateDocument, UploadedFile } from '../../api/types';
import { uploadFile } from '../../api/upload';
import { useApp } from '../../app/context';
import { hrefOf } from '../../app/route';
import { DropZone } from '../../components/DropZone';
import { Empty, Loading, Notice, ProgressBar } from '../../components/ui';
import { formatBytes } from '../../jobs/progress-format';
import { readTemplates } from '../../templates/TemplateList';

/** Step 1: the template and the file; uploading it (with progress) and asking for its preview. */
export function ChooseStep({ templateId, onPreview }: { templateId: string | null; onPreview(t: TemplateDocument, f: UploadedFile, p: Preview): void }) {
  const { api, profiles } = useApp();
  const [templates, setTemplates] = useState<TemplateDocument[] | null>(null);
  const [chosen, setChosen] = useState(templateId ?? '');
  const [file, setFile] = useState<File | null>(null);
  const [upload, setUpload] = useState<{ loaded: number; total: number } | null>(null);
  const [phase, setPhase] = useState<'idle' | 'uploading' | 'previewing'>('idle');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.get(api.orgPath('/templates')).then(
      (d) => {
        const list = readTemplates(d);
        setTemplates(list);
        if (!templateId && list.length === 1) setChosen(list[0]!.id);
      },
      (e) => setError(describeError(e)),
    );
  }, [api, templateId]);

  const go = async () => {
    if (!file || !chosen) return;
    setError(null);
    setPhase('uploading');
    setUpload({ loaded: 0, total: file.size });
    try {
      const stored = await uploadFile(api, file, file.name, (loaded, total) => setUpload({ loaded, total }));
      setPhase('previewing');
      const template = readTemplate(await api.get(api.orgPath(`/templates/${encodeURIComponent(chosen)}`)));
      const preview = readPreview(await api.post(api.orgPath('/previews'), { fileId: stored.fileId, template: template.id, rows: 20 }));
      onPreview(template, { ...stored, name: stored.name ?? file.name }, preview);
    } catch (e) {
      setError(describeError(e));
      setPhase('idle');
    }
  };

  if (!templates && !error) return <Loading what="templates" />;
  if (templates && templates.length === 0)
    return (
      <div className="card">
        <Empty title="First, a template">
          <p>A template tells the importer which column is which. Make one from a sample of your file, then come back here.</p>
          <a className="btn" href={hrefOf({ page: 'template-new' })}>
            Make a template
          </a>
        </Empty>
      </div>
    );
  const label = (key: string) => profiles.find((p) => p.key === key)?.label ?? key;
  const pct = upload && upload.total > 0 ? (upload.loaded * 100) / upload.total : null;
  return (
    <form
      className="card"
      onSubmit={(e) => {
        e.preventDefault();
        void go();
      }}
    >
      {error ? (
        <Notice tone="danger" title="The file was not read" focus>
          <p>{error}</p>
        </Notice>
      ) : null}
      <div className="field">
        <label htmlFor="template">Template</label>
        <select id="template" value={chosen} onChange={(e) => setChosen(e.target.value)} aria-describedby="template-help">
          <option value="">Choose the template of this file…</option>
          {(templates ?? []).map((t) => (
            <option key={t.id} value={t.id}>
              {t.name} ({label(t.profile)}, version {t.version})
            </option>
          ))}
        </select>
        <span id="template-help" className="help">
          No template fits? <a href={hrefOf({ page: 'template-new' })}>Make a new one</a>.
        </span>
      </div>
      <DropZone label="File to import" file={file} onFile={setFile} hint="Drag the CSV file here, or choose it. Large files are fine." />
      {phase !== 'idle' && upload ? (
        <div style={{ marginTop: '1rem' }} data-testid="upload-progress">
          <p className="small" id="upload-label" role="status">
            {phase === 'uploading' ? `Uploading… ${formatBytes(upload.loaded)} of ${formatBytes(upload.total)}` : 'Uploaded. Reading the first rows…'}
          </p>
          <ProgressBar value={phase === 'uploading' ? pct : 100} label="Upload progress" />
        </div>
      ) : null}
      <div className="actions">
        <button className="btn" type="submit" disabled={!file || !chosen || phase !== 'idle'}>
          Upload and preview
        </button>
        {!chosen || !file ? <span className="muted small">{!chosen ? 'Choose a template' : 'Choose a file'} to go on.</span> : null}
      </div>
    </form>
  );
}
