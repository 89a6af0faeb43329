import type { MandatoryRule, ProfileField } from '../../api/types';

/**
 * Automatic column matching, as the server does it: a header matches a field when, folded
 * (lower case, only letters and digits: "Bill No." ~ "bill_no" ~ "BillNo"), it equals the
 * field's folded label, key, an alias, or a name of the configured customer identifier.
 */

/** Folds a header or a name for comparison. */
export function foldName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** One field's column: a 0-based index into the header, or null when the file has none for it. */
export interface ColumnChoice {
  column: number | null;
  /** How the choice was made: proposed by matching, or set by the operator. */
  source: 'auto' | 'operator' | 'template';
}

/** The names that match a field, given the customer identifier kind of the configuration. */
export function namesOf(field: ProfileField, extraNames: readonly string[] = []): string[] {
  return [field.label, field.key, ...field.aliases, ...extraNames];
}

/**
 * Proposes a column for each field: the first header, left to right, not already taken by an
 * earlier field, whose folded text is one of the field's folded names. Fields are matched in
 * their declared order, so a header feeds at most one field.
 */
export function proposeMatches(header: readonly string[], fields: readonly ProfileField[], extraNames: (field: ProfileField) => readonly string[] = () => []): Record<string, ColumnChoice> {
  const folded = header.map(foldName);
  const taken = new Set<number>();
  const out: Record<string, ColumnChoice> = {};
  for (const field of fields) {
    const names = new Set(namesOf(field, extraNames(field)).map(foldName));
    const index = folded.findIndex((h, i) => !taken.has(i) && h !== '' && names.has(h));
    if (index >= 0) taken.add(index);
    out[field.key] = { column: index >= 0 ? index : null, source: 'auto' };
  }
  return out;
}

/** Sets one field's column, taking it from any other field that had it. */
export function setColumn(choices: Record<string, ColumnChoice>, field: string, column: number | null): Record<string, ColumnChoice> {
  const next: Record<string, ColumnChoice> = {};
  for (const [key, choice] of Object.entries(choices)) {
    next[key] = column !== null && key !== field && choice.column === column ? { column: null, source: 'operator' } : choice;
  }
  next[field] = { column, source: 'operator' };
  return next;
}

/** Whether a field must have a column under this configuration (and the chosen tracker's type). */
export function isMandatory(rule: MandatoryRule, config: Record<string, unknown>, context: Record<string, unknown> = {}): boolean | null {
  switch (rule.kind) {
    case 'always':
      return true;
    case 'never':
      return false;
    case 'text':
      return null;
    case 'when': {
      const value = (key: string) => (key in context ? context[key] : config[key]);
      const has = ([k, vs]: [string, unknown[]]) => vs.includes(value(k) ?? false);
      // As the server reads it: every key of `when` has one of its values, no key of `unless` has one.
      return Object.entries(rule.when).every(has) && !Object.entries(rule.unless).some(has);
    }
    default: {
      const never: never = rule;
      return never;
    }
  }
}

/** Mandatory fields that have no column and no default: what stops the template from running. */
export function unmappedMandatory(
  fields: readonly ProfileField[],
  choices: Record<string, ColumnChoice>,
  config: Record<string, unknown>,
  defaults: Record<string, string> = {},
  context: Record<string, unknown> = {},
): ProfileField[] {
  return fields.filter((f) => isMandatory(f.mandatory, config, context) === true && choices[f.key]?.column == null && !defaults[f.key]);
}

/**
 * The template's `mapping` from the choices: the header's text when the file has a header row,
 * else the 1-based column number. Every field with a column is written, so that the saved
 * template says exactly what the operator confirmed.
 */
export function mappingOf(choices: Record<string, ColumnChoice>, header: readonly string[] | null): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, choice] of Object.entries(choices)) {
    if (choice.column == null) continue;
    const text = header?.[choice.column];
    out[key] = header && text && header.filter((h) => h.trim().toLowerCase() === text.trim().toLowerCase()).length === 1 ? text : choice.column + 1;
  }
  return out;
}

/** The choices a saved mapping makes against a sample header (for editing a template). */
export function choicesOfMapping(mapping: Record<string, string | number>, header: readonly string[] | null): Record<string, ColumnChoice> {
  const out: Record<string, ColumnChoice> = {};
  for (const [key, target] of Object.entries(mapping)) {
    if (typeof target === 'number') out[key] = { column: target - 1, source: 'template' };
    else {
      const index = header ? header.findIndex((h) => h.trim().toLowerCase() === target.trim().toLowerCase()) : -1;
      out[key] = { column: index >= 0 ? index : null, source: 'template' };
    }
  }
  return out;
}
