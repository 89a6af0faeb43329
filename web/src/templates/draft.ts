import type { CsvOptions, Profile, TemplateDocument } from '../api/types';
import type { ColumnChoice } from './mapping/match-columns';
import type { Sample } from './mapping/read-sample';
import { initialConfig } from './settings/schema-form';

/** What the template editor holds while the operator works: the template to save, and the sample. */
export interface Draft {
  id: string | null;
  version: number | null;
  profile: Profile | null;
  name: string;
  csv: CsvOptions;
  config: Record<string, unknown>;
  /** The saved mapping, kept as it is until a sample file is read. */
  savedMapping: Record<string, string | number>;
  defaults: Record<string, string>;
  rowLimit?: number;
  sample: { fileName: string; data: Sample } | null;
  choices: Record<string, ColumnChoice>;
  promotionIdentifier: string | null;
}

export const DEFAULT_CSV: CsvOptions = { delimiter: ',', quote: '"', escape: '"', header: true, skipTop: 0, skipBottom: 0, encoding: 'utf-8', dateFormat: null };

/** A new template's draft. */
export function newDraft(): Draft {
  return { id: null, version: null, profile: null, name: '', csv: { ...DEFAULT_CSV }, config: {}, savedMapping: {}, defaults: {}, sample: null, choices: {}, promotionIdentifier: null };
}

/** The draft of a profile just chosen: its configuration defaults. */
export function withProfile(draft: Draft, profile: Profile): Draft {
  return { ...draft, profile, config: { ...initialConfig(profile.configSchema), ...(draft.profile?.key === profile.key ? draft.config : {}) }, choices: {}, savedMapping: {} };
}

/** A saved template's draft, for editing. */
export function draftOf(t: TemplateDocument, profile: Profile | null): Draft {
  return {
    id: t.id,
    version: t.version,
    profile,
    name: t.name,
    csv: { ...DEFAULT_CSV, ...t.csv },
    config: profile ? { ...initialConfig(profile.configSchema), ...t.config } : t.config,
    savedMapping: t.mapping,
    defaults: t.defaults,
    rowLimit: t.rowLimit,
    sample: null,
    choices: {},
    promotionIdentifier: t.promotionIdentifier,
  };
}
