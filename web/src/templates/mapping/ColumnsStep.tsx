import { useState } from 'react';
import { describeError } from '../../api/client';
import type { ProfileField, SavedTemplate } from '../../api/types';
import { useApp } from '../../app/context';
import { Badge, Notice } from '../../components/ui';
import { DropZone } from '../../components/DropZone';
import type { Draft } from '../draft';
import { configToSend } from '../settings/schema-form';
import { choicesOfMapping, type ColumnChoice, isMandatory, mappingOf, proposeMatches, setColumn, unmappedMandatory } from './match-columns';
import { unreadableDate } from './date-check';
import { decoderLabel, delimiterName, readSample, SAMPLE_BYTES } from './read-sample';

/** Extra names of a field under the configuration: the customer column's identifier names. */
function extraNamesOf(draft: Draft) {
  const kind = String(draft.config.customerIdentifier ?? 'MOBILE');
  const table = draft.profile?.customerColumnNames ?? {};
  return (f: ProfileField) => (f.key === 'customer' ? (table[kind] ?? []) : []);
}

/** Step 3: drop a sample file, confirm or change the column of each field, save. */
export function ColumnsStep({ draft, onChange, onBack, onSaved }: { draft: Draft; onChange(d: Draft): void; onBack(): void; onSaved(s: SavedTemplate): void }) {
  const { api, org } = useApp();
  const [file, setFile] = useState<File | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const profile = draft.profile!;
  const tracker = org.trackers.find((t) => t.name === draft.config.tracker || String(t.id) === String(draft.config.tracker));
  const context = { trackerType: tracker?.type, ...(tracker ? { tracker: tracker.name } : {}) };
  const sample = draft.sample?.data ?? null;

  const read = async (f: File, csv = draft.csv) => {
    setFile(f);
    setReadError(null);
    try {
      const buf = await f.slice(0, SAMPLE_BYTES).arrayBuffer();
      const text = new TextDecoder(decoderLabel(csv.encoding)).decode(buf);
      const data = readSample(text, csv);
      if (data.columns === 0) throw new Error('The file looks empty: no line to read a header from.');
      const auto = proposeMatches(data.header ?? [], profile.fields, extraNamesOf(draft));
      const kept = choicesOfMapping(draft.savedMapping, data.header);
      const choices: Record<string, ColumnChoice> = { ...auto };
      for (const [k, c] of Object.entries(kept)) if (c.column != null && c.column < data.columns) choices[k] = c;
      onChange({ ...draft, csv, sample: { fileName: f.name, data }, choices });
    } catch (e) {
      setReadError(`This file could not be read: ${(e as Error).message}`);
    }
  };

  const mapping = sample ? mappingOf(draft.choices, sample.header) : draft.savedMapping;
  // A date column the template's date format cannot read: every row would be INVALID_DATE.
  const badDates = sample
    ? profile.fields
        .filter((f) => /date/i.test(f.type) && draft.choices[f.key]?.column != null)
        .map((f) => ({ field: f, value: unreadableDate(sample.rows.map((r) => r[draft.choices[f.key]!.column!] ?? ''), draft.csv.dateFormat) }))
        .filter((d): d is { field: ProfileField; value: string } => d.value !== null)
    : [];
  const missing = sample ? unmappedMandatory(profile.fields, draft.choices, draft.config, draft.defaults, context) : [];

  const save = async () => {
    setSaving(true);
    setSaveError(null);
    try {
      const csv = { ...draft.csv, dateFormat: draft.csv.dateFormat || undefined };
      const body = { name: draft.name.trim(), profile: profile.key, csv, mapping, defaults: draft.defaults, config: configToSend(profile.configSchema, draft.config), ...(draft.rowLimit ? { rowLimit: draft.rowLimit } : {}) };
      const saved = await api.post<SavedTemplate>(api.orgPath('/templates'), body);
      onSaved(saved);
    } catch (e) {
      setSaveError(describeError(e));
      setSaving(false);
    }
  };

  const columnLabel = (i: number) => (sample?.header ? `Column ${i + 1}: ${sample.header[i] || '(no name)'}` : `Column ${i + 1}`);

  return (
    <>
      <section className="card" aria-labelledby="sample-h">
        <h2 id="sample-h">Which column is which?</h2>
        <p className="muted">Drop a sample of the files you will import (one exported the usual way). Only its first lines are read, here in your browser; nothing is uploaded.</p>
        <DropZone label="Sample file" file={file} onFile={(f) => read(f)} hint="Drag a CSV file here, or choose it." />
        {readError ? <Notice tone="danger">{<p>{readError}</p>}</Notice> : null}
        {sample?.betterDelimiter && file ? (
          <Notice tone="warning" title="The cells may be separated by another character">
            <p>
              With a {delimiterName(draft.csv.delimiter)} the header is a single column, but a {delimiterName(sample.betterDelimiter)} splits it.
            </p>
            <button type="button" className="btn secondary" onClick={() => read(file, { ...draft.csv, delimiter: sample.betterDelimiter! })}>
              Use the {delimiterName(sample.betterDelimiter)}
            </button>
          </Notice>
        ) : null}
      </section>

      {sample ? (
        <section className="card" aria-labelledby="map-h">
          <h2 id="map-h">Columns of “{draft.sample!.fileName}”</h2>
          <p className="muted">
            Columns were matched by name where they could be. Check each one; change it if it is wrong.
          </p>
          <div role="list" aria-label="Fields and their columns">
            {profile.fields.map((f) => {
              const choice = draft.choices[f.key];
              const must = isMandatory(f.mandatory, draft.config, context);
              const col = choice?.column ?? null;
              const id = `map-${f.key}`;
              return (
                <div className="mapping-row" role="listitem" key={f.key} data-field={f.key}>
                  <div>
                    <label htmlFor={id} className="label">
                      {f.label}
                    </label>
                    <div className="small">
                      {must === true ? <Badge tone={col == null ? 'danger' : 'neutral'}>Required</Badge> : must === false ? <span className="muted">Optional</span> : <span className="muted">{f.mandatory.kind === 'text' ? `Required ${f.mandatory.text}` : ''}</span>}
                    </div>
                  </div>
                  <div>
                    <select id={id} value={col == null ? '' : String(col)} onChange={(e) => onChange({ ...draft, choices: setColumn(draft.choices, f.key, e.target.value === '' ? null : Number(e.target.value)) })} aria-invalid={must === true && col == null} aria-describedby={`${id}-how`}>
                      <option value="">Not in the file</option>
                      {Array.from({ length: sample.columns }, (_, i) => (
                        <option key={i} value={i}>
                          {columnLabel(i)}
                        </option>
                      ))}
                    </select>
                  </div>
                  <div className="sample" id={`${id}-how`}>
                    {col != null ? (
                      <>
                        {choice?.source === 'auto' ? <Badge tone="success">Matched by name</Badge> : choice?.source === 'template' ? <Badge tone="neutral">As saved</Badge> : <Badge tone="running">Chosen by you</Badge>}{' '}
                        <span>e.g. {sample.rows.map((r) => r[col]).filter(Boolean).slice(0, 2).join(', ') || '(empty)'}</span>
                      </>
                    ) : must === true ? (
                      <span style={{ color: 'var(--danger)' }}>No column: choose one</span>
                    ) : (
                      <span>Not used</span>
                    )}
                  </div>
                </div>
              );
            })}
          </div>
        </section>
      ) : draft.id ? (
        <section className="card" aria-labelledby="saved-map-h">
          <h2 id="saved-map-h">Columns as saved</h2>
          <dl className="kv">
            {profile.fields.map((f) => (
              <div key={f.key} style={{ display: 'contents' }}>
                <dt>{f.label}</dt>
                <dd>{draft.savedMapping[f.key] === undefined ? <span className="muted">matched by name when the file is imported</span> : typeof draft.savedMapping[f.key] === 'number' ? `column ${draft.savedMapping[f.key]}` : `“${draft.savedMapping[f.key]}”`}</dd>
              </div>
            ))}
          </dl>
          <p className="muted small" style={{ marginTop: '1rem' }}>
            Drop a sample file above to change them.
          </p>
        </section>
      ) : null}

      {badDates.map(({ field, value }) => (
        <Notice key={field.key} tone="warning" title={`${field.label}: the dates do not match the date format`}>
          <p>
            “{value}” {draft.csv.dateFormat ? `does not read as ${draft.csv.dateFormat}` : 'is not an ISO 8601 date (2025-03-01 or 2025-03-01 10:15), which is what is read while the date format is empty'}
            . Go back to Settings and set the date format the file uses (for example dd/MM/yyyy HH:mm); otherwise every row will be rejected for its date.
          </p>
        </Notice>
      ))}
      {missing.length ? (
        <Notice tone="warning" title={missing.length === 1 ? 'One required field has no column' : `${missing.length} required fields have no column`}>
          <p>
            {missing.map((f) => f.label).join(', ')}: choose the column that holds {missing.length === 1 ? 'it' : 'each'}. A file without {missing.length === 1 ? 'it' : 'them'} cannot be imported.
          </p>
        </Notice>
      ) : null}
      {saveError ? (
        <Notice tone="danger" title="The template was not saved" focus>
          <p>{saveError}</p>
        </Notice>
      ) : null}
      <div className="actions">
        <button className="btn" type="button" onClick={save} disabled={saving || (!sample && !draft.id) || missing.length > 0}>
          {saving ? 'Saving…' : 'Save template'}
        </button>
        <button className="btn secondary" type="button" onClick={onBack}>
          Back
        </button>
        {!sample && !draft.id ? <span className="muted small">Drop a sample file first, to match the columns.</span> : null}
      </div>
    </>
  );
}
