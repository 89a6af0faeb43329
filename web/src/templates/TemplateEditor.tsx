import { useEffect, useRef, useState } from 'react';
import { describeError } from '../api/client';
import { readTemplate } from '../api/normalise';
import type { SavedTemplate } from '../api/types';
import { useApp } from '../app/context';
import { Loading, Notice, PageHeading } from '../components/ui';
import { type Draft, draftOf, newDraft } from './draft';
import { ColumnsStep } from './mapping/ColumnsStep';
import { ProfileStep } from './profile/ProfileStep';
import { SavedStep } from './SavedStep';
import { SettingsStep } from './settings/SettingsStep';

/** The template editor's flow: one step at a time, switched over here. */
type Step = { step: 'profile' } | { step: 'settings' } | { step: 'columns' } | { step: 'saved'; saved: SavedTemplate };

const STEP_NAMES = ['Kind of data', 'Settings', 'Columns', 'Saved'] as const;
const STEP_INDEX = { profile: 0, settings: 1, columns: 2, saved: 3 } as const satisfies Record<Step['step'], number>;

export function TemplateEditor({ id }: { id: string | null }) {
  const { api, profiles } = useApp();
  const [draft, setDraft] = useState<Draft | null>(id ? null : newDraft());
  const [step, setStep] = useState<Step>(id ? { step: 'settings' } : { step: 'profile' });
  const [error, setError] = useState<string | null>(null);
  const stepHeading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);

  useEffect(() => {
    if (!id) return;
    api.get(api.orgPath(`/templates/${encodeURIComponent(id)}`)).then(
      (doc) => {
        const t = readTemplate(doc);
        setDraft(draftOf(t, profiles.find((p) => p.key === t.profile) ?? null));
      },
      (e) => setError(describeError(e)),
    );
  }, [api, id, profiles]);

  // focus the step's heading when the step changes, so that a screen reader follows
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    stepHeading.current?.focus();
  }, [step.step]);

  if (error) return <Notice tone="danger" title="This template could not be opened">{<p>{error}</p>}</Notice>;
  if (!draft) return <Loading what="the template" />;

  const title = id ? `Edit template “${draft.name}”` : 'New template';
  const current = STEP_INDEX[step.step];
  return (
    <>
      <PageHeading title={title} intro={id && draft.version ? `Version ${draft.version}. Saving a change makes a new version; jobs keep the version they ran with.` : 'A template says what kind of data a file holds and which column is which. You make it once and use it for every file of that kind.'} />
      <ol className="steps" aria-label="Steps">
        {STEP_NAMES.map((name, i) => (
          <li key={name} aria-current={i === current ? 'step' : undefined} className={i < current ? 'done' : undefined}>
            {name}
            {i < current ? <span className="sr-only"> (done)</span> : null}
          </li>
        ))}
      </ol>
      <h2 ref={stepHeading} tabIndex={-1} className="sr-only">
        Step {current + 1} of {STEP_NAMES.length}: {STEP_NAMES[current]}
      </h2>
      {(() => {
        switch (step.step) {
          case 'profile':
            return <ProfileStep draft={draft} onChange={setDraft} onNext={() => setStep({ step: 'settings' })} />;
          case 'settings':
            return <SettingsStep draft={draft} onChange={setDraft} onBack={id ? null : () => setStep({ step: 'profile' })} onNext={() => setStep({ step: 'columns' })} />;
          case 'columns':
            return (
              <ColumnsStep
                draft={draft}
                onChange={setDraft}
                onBack={() => setStep({ step: 'settings' })}
                onSaved={(saved) => {
                  setDraft((d) => (d ? { ...d, id: saved.id, version: saved.version, promotionIdentifier: saved.promotionIdentifier } : d));
                  setStep({ step: 'saved', saved });
                }}
              />
            );
          case 'saved':
            return <SavedStep saved={step.saved} draft={draft} />;
          default: {
            const never: never = step;
            return never;
          }
        }
      })()}
    </>
  );
}
