import { type FormEvent, useState } from 'react';
import { useApp } from '../../app/context';
import { Notice } from '../../components/ui';
import type { Draft } from '../draft';
import { type Control, controlsOf, missingRequired } from './schema-form';

const DELIMITERS = [
  { value: ',', label: 'Comma ( , )' },
  { value: ';', label: 'Semicolon ( ; )' },
  { value: '\t', label: 'Tab' },
  { value: '|', label: 'Vertical bar ( | )' },
];
const ENCODINGS = [
  { value: 'utf-8', label: 'UTF-8 (most files)' },
  { value: 'latin1', label: 'Latin-1 (older Windows exports)' },
  { value: 'utf-16le', label: 'UTF-16 little-endian' },
  { value: 'utf-16be', label: 'UTF-16 big-endian' },
];
const DATE_FORMATS = ['dd/MM/yyyy HH:mm', 'dd/MM/yyyy', 'MM/dd/yyyy HH:mm', 'yyyy-MM-dd HH:mm:ss', 'dd-MM-yyyy HH:mm'];

/** Step 2: the template's name, the profile's configuration (from its schema) and the file format. */
export function SettingsStep({ draft, onChange, onBack, onNext }: { draft: Draft; onChange(d: Draft): void; onBack: (() => void) | null; onNext(): void }) {
  const { org } = useApp();
  const [tried, setTried] = useState(false);
  const profile = draft.profile;
  if (!profile) return <Notice tone="danger">This template's kind of data is not known to the server.</Notice>;
  const controls = controlsOf(profile.configSchema, org, draft.config);
  const missing = missingRequired(controls, draft.config);
  const nameMissing = !draft.name.trim();
  const hasDates = profile.fields.some((f) => /date/i.test(f.type));
  const setConfig = (key: string, value: unknown) => onChange({ ...draft, config: { ...draft.config, [key]: value } });
  const setCsv = (patch: Partial<Draft['csv']>) => onChange({ ...draft, csv: { ...draft.csv, ...patch } });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (nameMissing || missing.length) return;
    onNext();
  };

  const invalid = (c: Control) => tried && missing.includes(c);
  return (
    <form onSubmit={submit} noValidate>
      {tried && (nameMissing || missing.length) ? (
        <Notice tone="danger" title="Some settings are missing" focus>
          <ul>
            {nameMissing ? <li>Give the template a name.</li> : null}
            {missing.map((c) => (
              <li key={c.key}>
                {c.label}: {c.kind === 'select' ? 'choose one.' : 'fill it in.'}
              </li>
            ))}
          </ul>
        </Notice>
      ) : null}
      <section className="card" aria-labelledby="about-h">
        <h2 id="about-h">About this template</h2>
        <div className="field">
          <label htmlFor="t-name">
            Template name<span className="muted"> (required)</span>
          </label>
          <input id="t-name" type="text" value={draft.name} onChange={(e) => onChange({ ...draft, name: e.target.value })} aria-invalid={tried && nameMissing} aria-describedby="t-name-help" placeholder="for example Spend tracker, daily POS export" />
          <span id="t-name-help" className="help">
            {draft.id ? 'Renaming makes a new template; the old one stays.' : 'Unique in your organisation. Saving again under the same name makes a new version.'} Kind of data: <strong>{profile.label}</strong>.
          </span>
        </div>
      </section>
      <section className="card" aria-labelledby="config-h">
        <h2 id="config-h">{profile.label} settings</h2>
        <div className="grid-2">
          {controls
            .filter((c) => c.kind !== 'checkbox')
            // what must be filled in first, then the rest in the schema's order
            .sort((a, b) => Number(b.required) - Number(a.required))
            .map((c) => (
              <ConfigControl key={c.key} control={c} value={draft.config[c.key]} invalid={invalid(c)} onChange={(v) => setConfig(c.key, v)} />
            ))}
        </div>
        <div className="checks">
          {controls
            .filter((c) => c.kind === 'checkbox')
            .map((c) => (
              <ConfigControl key={c.key} control={c} value={draft.config[c.key]} invalid={invalid(c)} onChange={(v) => setConfig(c.key, v)} />
            ))}
        </div>
      </section>
      <section className="card" aria-labelledby="csv-h">
        <h2 id="csv-h">File format</h2>
        <div className="grid-2">
          <div className="field">
            <label htmlFor="csv-delimiter">Cells are separated by</label>
            <select id="csv-delimiter" value={draft.csv.delimiter} onChange={(e) => setCsv({ delimiter: e.target.value })}>
              {DELIMITERS.map((d) => (
                <option key={d.value} value={d.value}>
                  {d.label}
                </option>
              ))}
            </select>
          </div>
          {hasDates ? (
            <div className="field">
              <label htmlFor="csv-date">Date format</label>
              <input id="csv-date" type="text" list="date-formats" value={draft.csv.dateFormat ?? ''} onChange={(e) => setCsv({ dateFormat: e.target.value || null })} aria-describedby="csv-date-help" placeholder="yyyy-MM-dd HH:mm" />
              <datalist id="date-formats">
                {DATE_FORMATS.map((f) => (
                  <option key={f} value={f} />
                ))}
              </datalist>
              <span id="csv-date-help" className="help">
                dd day, MM month, yyyy year, HH hour, mm minute. Leave empty for dates like 2025-03-01 10:15.
              </span>
            </div>
          ) : null}
          <div className="field">
            <label htmlFor="csv-skip">Lines to skip above the header</label>
            <input id="csv-skip" type="number" min={0} value={draft.csv.skipTop} onChange={(e) => setCsv({ skipTop: Math.max(0, Number(e.target.value) || 0) })} />
          </div>
        </div>
        <label className="check">
          <input type="checkbox" checked={draft.csv.header} onChange={(e) => setCsv({ header: e.target.checked })} />
          <span>The first line (after any skipped lines) is a header with column names</span>
        </label>
        <details className="advanced">
          <summary>More file options</summary>
          <div className="grid-2">
            <div className="field">
              <label htmlFor="csv-encoding">Text encoding</label>
              <select id="csv-encoding" value={draft.csv.encoding} onChange={(e) => setCsv({ encoding: e.target.value })}>
                {ENCODINGS.map((d) => (
                  <option key={d.value} value={d.value}>
                    {d.label}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="csv-bottom">Lines to ignore at the end</label>
              <input id="csv-bottom" type="number" min={0} value={draft.csv.skipBottom} onChange={(e) => setCsv({ skipBottom: Math.max(0, Number(e.target.value) || 0) })} />
            </div>
            <div className="field">
              <label htmlFor="csv-limit">Largest number of rows a file may have</label>
              <input id="csv-limit" type="number" min={1} value={draft.rowLimit ?? 1000000} onChange={(e) => onChange({ ...draft, rowLimit: Math.max(1, Number(e.target.value) || 1) })} />
            </div>
          </div>
        </details>
      </section>
      <div className="actions">
        <button className="btn" type="submit">
          Next: columns
        </button>
        {onBack ? (
          <button className="btn secondary" type="button" onClick={onBack}>
            Back
          </button>
        ) : (
          <a className="btn secondary" href="#/templates">
            Cancel
          </a>
        )}
      </div>
    </form>
  );
}

function ConfigControl({ control: c, value, invalid, onChange }: { control: Control; value: unknown; invalid: boolean; onChange(v: unknown): void }) {
  const id = `cfg-${c.key}`;
  const help = c.help ? <span id={`${id}-help`} className="help">{c.help}</span> : null;
  const described = c.help ? `${id}-help` : undefined;
  switch (c.kind) {
    case 'checkbox':
      return (
        <label className="check">
          <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} aria-describedby={described} />
          <span>
            {c.label}
            {help}
          </span>
        </label>
      );
    case 'select': {
      const current = value == null ? '' : String(value);
      const known = c.options.some((o) => o.value === current);
      return (
        <div className="field">
          <label htmlFor={id}>
            {c.label}
            {c.required ? <span className="muted"> (required)</span> : null}
          </label>
          <select id={id} value={current} onChange={(e) => onChange(e.target.value)} aria-invalid={invalid} aria-describedby={described}>
            {known ? null : <option value={current}>{current}</option>}
            {c.options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          {help}
        </div>
      );
    }
    case 'text':
      return (
        <div className="field">
          <label htmlFor={id}>
            {c.label}
            {c.required ? <span className="muted"> (required)</span> : null}
          </label>
          <input id={id} type="text" value={value == null ? '' : String(value)} maxLength={c.maxLength} onChange={(e) => onChange(e.target.value)} aria-invalid={invalid} aria-describedby={described} />
          {help}
        </div>
      );
    case 'number':
      return (
        <div className="field">
          <label htmlFor={id}>{c.label}</label>
          <input id={id} type="number" value={value == null ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? '' : Number(e.target.value))} aria-invalid={invalid} aria-describedby={described} />
          {help}
        </div>
      );
    default: {
      const never: never = c;
      return never;
    }
  }
}
