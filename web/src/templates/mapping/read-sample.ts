import Papa from 'papaparse';

/**
 * The first lines of a sample file, read in the browser as the template says (delimiter, rows
 * skipped at the top, header or not): the header and a few rows to show beside each column.
 */

export interface Sample {
  /** The header's cells, or null when the template says the file has no header row. */
  header: string[] | null;
  /** Column count (the header's, else the first row's). */
  columns: number;
  rows: string[][];
  /** A delimiter that splits the header better than the template's, when there is one. */
  betterDelimiter: string | null;
}

/** Bytes read of a sample: enough for the header and a few rows of any real file. */
export const SAMPLE_BYTES = 64 * 1024;

/** TextDecoder label of a template encoding. */
export function decoderLabel(encoding: string): string {
  return encoding === 'latin1' ? 'iso-8859-1' : encoding;
}

/** Reads the sample's text (its first bytes, decoded). */
export function readSample(text: string, csv: { delimiter: string; header: boolean; skipTop: number; quote?: string }, rowsWanted = 3): Sample {
  const clean = text.replace(/^\uFEFF/, '');
  // the last line may be cut by the byte limit: drop it unless the text ends the file
  const parse = (delimiter: string) =>
    Papa.parse<string[]>(clean, { delimiter, quoteChar: csv.quote ?? '"', skipEmptyLines: 'greedy', preview: csv.skipTop + 1 + rowsWanted }).data.map((r) => r.map((c) => c.trim()));
  const data = parse(csv.delimiter).slice(csv.skipTop);
  const first = data[0] ?? [];
  let betterDelimiter: string | null = null;
  if (first.length <= 1) {
    for (const d of [';', '\t', '|', ',']) {
      if (d === csv.delimiter) continue;
      const alt = parse(d).slice(csv.skipTop)[0] ?? [];
      if (alt.length > 1) {
        betterDelimiter = d;
        break;
      }
    }
  }
  const header = csv.header ? first : null;
  const rows = csv.header ? data.slice(1) : data;
  return { header, columns: first.length, rows: rows.slice(0, rowsWanted), betterDelimiter };
}

/** The words of a delimiter. */
export function delimiterName(d: string): string {
  return ({ ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'vertical bar' } as Record<string, string>)[d] ?? `"${d}"`;
}
