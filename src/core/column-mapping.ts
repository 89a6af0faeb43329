import { FileError } from './error-codes.js';

/**
 * Which column feeds each field: explicit mapping first (a header's text, trimmed and
 * case-insensitive, or a 1-based column number), then automatic matching of the header against
 * the field's label and common spellings. A header a field would take that appears twice is
 * refused (DUPLICATE_COLUMN): reading either copy would be a guess.
 */

export interface MappableField {
  key: string;
  label: string;
  names: readonly string[];
}

export interface ColumnMapping {
  /** 0-based column per field key; absent when the file has no column for it. */
  columns: Record<string, number>;
  /** Fields matched automatically: field key → the header text that matched. */
  autoMapped: Record<string, string>;
}

/** Folds a header or a name for comparison: "Bill No." ~ "bill_no" ~ "BillNo". */
export function foldName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

interface MappingRequest {
  header: string[] | null;
  columnCount: number;
  fields: readonly MappableField[];
  mapping: Record<string, string | number>;
  mandatory: readonly string[];
  defaults: Record<string, string>;
}

/** Resolves the mapping against the header; throws MISSING_COLUMN or DUPLICATE_COLUMN naming the field. */
export function resolveMapping(options: MappingRequest): ColumnMapping {
  const { problem, ...mapping } = matchColumns(options);
  if (problem) throw problem;
  return mapping;
}

/**
 * The columns found for each field, and the first problem met (what `resolveMapping` throws), so
 * that a preview can show the columns a file does have next to the one it lacks.
 */
export function matchColumns(options: MappingRequest): ColumnMapping & { problem: FileError | null } {
  const { header, columnCount, fields, mapping, mandatory, defaults } = options;
  const columns: Record<string, number> = {};
  const autoMapped: Record<string, string> = {};
  const taken = new Set<number>();
  let problem: FileError | null = null;
  const found = (key: string, at: number) => {
    columns[key] = at;
    taken.add(at);
  };
  for (const [field, target] of Object.entries(mapping)) {
    if (typeof target === 'number') {
      if (target < 1 || target > columnCount) {
        problem ??= new FileError('MISSING_COLUMN', `Field "${field}" is mapped to column ${target}, but the file has ${columnCount} column${columnCount === 1 ? '' : 's'}`);
      } else found(field, target - 1);
    } else if (!header) {
      problem ??= new FileError('MISSING_COLUMN', `Field "${field}" is mapped to header "${target}", but the template says the file has no header row; map it to a column number`);
    } else {
      const want = target.trim().toLowerCase();
      const at = indexesOf(header, (h) => h.trim().toLowerCase() === want);
      if (at.length === 0) {
        problem ??= new FileError('MISSING_COLUMN', `Field "${field}" is mapped to header "${target}", which is not in the file; its headers are ${header.map(shown).join(', ')}`);
      } else if (at.length > 1) problem ??= duplicate(field, header, at);
      else found(field, at[0]!);
    }
  }
  if (header) {
    const folded = header.map(foldName);
    for (const f of fields) {
      // A field the template maps is never matched by name, even when its mapping fails.
      if (columns[f.key] !== undefined || mapping[f.key] !== undefined) continue;
      const names = new Set([f.label, f.key, ...f.names].map(foldName));
      const at = indexesOf(folded, (h, i) => !taken.has(i) && names.has(h));
      if (at.length === 0) continue;
      // Two spellings of the field ("Store", "Store Code") are a choice the first one wins, as
      // the summary reports; the same name twice is not.
      const same = at.filter((i) => folded[i] === folded[at[0]!]);
      if (same.length > 1) {
        problem ??= duplicate(f.key, header, same);
        continue;
      }
      found(f.key, at[0]!);
      autoMapped[f.key] = header[at[0]!]!;
    }
  }
  for (const key of mandatory) {
    if (columns[key] !== undefined || defaults[key] !== undefined) continue;
    const field = fields.find((f) => f.key === key)!;
    problem ??= new FileError(
      'MISSING_COLUMN',
      `Mandatory field "${key}" (${field.label}) has no column: no header matches it${header ? ` among ${header.map(shown).join(', ')}` : ''}; add the column to the file, map the field to one of its columns in the template (\`mapping\`), or give it a default value there (\`defaults\`)`,
    );
  }
  return { columns, autoMapped, problem };
}

function indexesOf<T>(items: readonly T[], match: (item: T, index: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < items.length; i++) if (match(items[i]!, i)) out.push(i);
  return out;
}

/** DUPLICATE_COLUMN naming the header text, every column it is in, and the field that reads it. */
function duplicate(field: string, header: readonly string[], at: readonly number[]): FileError {
  const texts = at.map((i) => header[i]!.trim());
  const and = (items: string[]) => `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
  const where = texts.every((t) => t === texts[0])
    ? `${shown(texts[0]!)} ${at.length === 2 ? 'twice' : `${at.length} times`}, in columns ${and(at.map((i) => String(i + 1)))}`
    : `${and(at.map((i, k) => `${shown(texts[k]!)} (column ${i + 1})`))}, the same name more than once`;
  return new FileError(
    'DUPLICATE_COLUMN',
    `The header has ${where}, and field "${field}" reads that column; rename or remove all but one of them, or map the field to a column number in the template's "mapping"`,
  );
}

/**
 * A header's text in a message, quoted: control characters (a terminal's escape sequences, from
 * whatever wrote the file) are shown escaped, so that printing the message cannot drive the
 * operator's terminal.
 */
function shown(text: string): string {
  return JSON.stringify(text);
}
