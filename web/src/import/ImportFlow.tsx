import { useEffect, useRef, useState } from 'react';
import { describeError } from '../api/client';
import type { JobSummary, Preview, TemplateDocument, UploadedFile } from '../api/types';
import { useApp } from '../app/context';
import { navigate } from '../app/route';
import { Notice, PageHeading } from '../components/ui';
import { LiveProgress } from '../jobs/LiveProgress';
import { startJob } from '../jobs/job-api';
import { CheckedStep } from './checked/CheckedStep';
import { ChooseStep } from './choose/ChooseStep';
import { PreviewStep } from './preview/PreviewStep';

/**
 * The import flow, one step at a time: choose a template and a file, upload it, preview it,
 * check every row (a dry run), then import the checked file without uploading it again.
 */
export type ImportStep =
  | { step: 'choose' }
  | { step: 'preview'; template: TemplateDocument; file: UploadedFile; preview: Preview }
  | { step: 'checking'; template: TemplateDocument; file: UploadedFile; preview: Preview; job: JobSummary }
  | { step: 'checked'; template: TemplateDocument; file: UploadedFile; job: JobSummary };

const STEP_NAMES = ['Template and file', 'Preview', 'Check every row', 'Import'] as const;
const STEP_INDEX = { choose: 0, preview: 1, checking: 2, checked: 3 } as const satisfies Record<ImportStep['step'], number>;

export function ImportFlow({ templateId }: { templateId: string | null }) {
  const { api } = useApp();
  const [step, setStep] = useState<ImportStep>({ step: 'choose' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    heading.current?.focus();
  }, [step.step]);

  const run = async (dryRun: boolean, s: { template: TemplateDocument; file: UploadedFile; preview: Preview }, allowDuplicate = false) => {
    setBusy(true);
    setError(null);
    try {
      const { job } = await startJob(api, { fileId: s.file.fileId, template: s.template.id, dryRun, allowDuplicate });
      if (dryRun) setStep({ ...s, step: 'checking', job });
      else navigate({ page: 'job', id: job.jobId });
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const current = STEP_INDEX[step.step];
  return (
    <>
      <PageHeading title="Import a file" intro="Upload a file, see how its first rows read, check every row, then import the valid ones." />
      <ol className="steps" aria-label="Steps">
        {STEP_NAMES.map((name, i) => (
          <li key={name} aria-current={i === current ? 'step' : undefined} className={i < current ? 'done' : undefined}>
            {name}
            {i < current ? <span className="sr-only"> (done)</span> : null}
          </li>
        ))}
      </ol>
      <h2 ref={heading} tabIndex={-1} className="sr-only">
        Step {current + 1} of {STEP_NAMES.length}: {STEP_NAMES[current]}
      </h2>
      {error ? (
        <Notice tone="danger" title="That did not work" focus>
          <p>{error}</p>
        </Notice>
      ) : null}
      {(() => {
        switch (step.step) {
          case 'choose':
            return <ChooseStep templateId={templateId} onPreview={(template, file, preview) => setStep({ step: 'preview', template, file, preview })} />;
          case 'preview':
            return <PreviewStep {...step} busy={busy} onDryRun={(allowDuplicate) => run(true, step, allowDuplicate)} onImport={(allowDuplicate) => run(false, step, allowDuplicate)} onRestart={() => setStep({ step: 'choose' })} />;
          case 'checking':
            return (
              <>
                <p className="muted">
                  Checking “{step.file.name}” with “{step.template.name}”. Nothing is written yet.
                </p>
                <LiveProgress job={step.job} onFinished={(job) => setStep({ step: 'checked', template: step.template, file: step.file, job })} />
              </>
            );
          case 'checked':
            return <CheckedStep {...step} onRestart={() => setStep({ step: 'choose' })} />;
          default: {
            const never: never = step;
            return never;
          }
        }
      })()}
    </>
  );
}
