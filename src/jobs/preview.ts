import { matchColumns } from '../core/column-mapping.js';
import { CsvReader, type CsvRecord } from '../core/csv-reader.js';
import { dateParserFor } from '../core/date-format.js';
import { FileError } from '../core/error-codes.js';
import { createRowParser } from '../core/row-parser.js';
import { profileOf } from '../profiles/registry.js';
import type { ParsedRow } from '../profiles/types.js';
import type { Org } from '../domain/org.js';
import type { Store } from '../store/port.js';
import { type TemplateBody, templateIssue } from '../templates/schema.js';
import { csvOptions } from './job-plan.js';

/**
 * A preview: the first rows of a file through a template, each with the outcome a dry run would
 * give it, against the org as it is now. It reads only those rows and writes nothing, so it
 * answers at once whatever the file's size. What it cannot know without reading the whole file
 * (the row limit, rows further down, duplicates of later rows) the dry run tells.
 */

/** How one field is fed: by which column, and whether it was matched automatically. */
export interface PreviewMapping {
  field: string;
  label: string;
  mandatory: boolean;
  /** The header's text (or `column N` without a header); null when no column feeds it. */
  column: string | null;
  columnNumber: number | null;
  auto: boolean;
  /** The template's default, used when the column is absent or the cell empty. */
  default: string | null;
}

/** One row's outcome. */
export type PreviewRow =
  | { rowNumber: number; cells: string[]; outcome: 'valid' }
  | { rowNumber: number; cells: string[]; outcome: 'rejected'; code: string; field: string | null; value: string | null; message: string };

export interface Preview {
  header: string[] | null;
  mapping: PreviewMapping[];
  rows: PreviewRow[];
  /** A file-level failure the dry run would end FAILED with (a missing column, an unreadable file). */
  fileError: { code: string; message: string } | null;
}

export interface PreviewRequest {
  org: Org;
  body: TemplateBody;
  /** The promotion identifier of a saved template version, for profiles that award under one. */
  promotionIdentifier: string | null;
  source: AsyncIterable<Uint8Array>;
  rows: number;
}

/** Previews the first `rows` data rows of a file under a template; writes nothing. */
export async function previewFile(store: Store, request: PreviewRequest): Promise<Preview> {
  const { body } = request;
  const profile = profileOf(body.profile);
  const config = profile.configSchema.safeParse(body.config);
  if (!config.success) throw templateIssue(config.error, 'config');
  let prepared: Awaited<ReturnType<typeof profile.prepare>>;
  try {
    prepared = await profile.prepare({
      org: request.org,
      config: config.data,
      store,
      dryRun: true,
      jobId: '',
      startedAt: new Date().toISOString(),
      promotionIdentifier: request.promotionIdentifier,
    });
  } catch (error) {
    // A file-level refusal of the org's data (PROMOTION_NAME_MISMATCH) is what a dry run ends
    // FAILED with: the preview gives it the same way. A template the org refuses stays an error.
    if (!(error instanceof FileError) || error.code === 'INVALID_TEMPLATE') throw error;
    return { header: null, mapping: [], rows: [], fileError: { code: error.code, message: error.message } };
  }
  const used = new Set([...prepared.mandatoryFields, ...prepared.optionalFields]);
  const fields = profile.fields.filter((f) => used.has(f.key));

  let header: string[] | null = null;
  const records: CsvRecord[] = [];
  try {
    const reader = new CsvReader(request.source, csvOptions(body));
    header = (await reader.header())?.cells ?? null;
    for await (const batch of reader.records()) {
      records.push(...batch.slice(0, request.rows - records.length));
      if (records.length >= request.rows) break;
    }
    if (records.length === 0) throw new FileError('EMPTY_FILE', header ? 'The file has a header but no data rows' : 'The file has no data rows');
  } catch (error) {
    if (!(error instanceof FileError)) throw error;
    return { header, mapping: [], rows: [], fileError: { code: error.code, message: error.message } };
  }

  const expectedCells = header?.length ?? records[0]!.cells.length;
  const describe = (columns: Record<string, number>, autoMapped: Record<string, string>): PreviewMapping[] =>
    fields.map((f) => {
      const at = columns[f.key];
      return {
        field: f.key,
        label: f.label,
        mandatory: prepared.mandatoryFields.includes(f.key),
        column: at === undefined ? null : (header?.[at] ?? `column ${at + 1}`),
        columnNumber: at === undefined ? null : at + 1,
        auto: autoMapped[f.key] !== undefined,
        default: body.defaults[f.key] ?? null,
      };
    });
  const mapping = matchColumns({
    header,
    columnCount: expectedCells,
    fields: fields.map((f) => ({ key: f.key, label: f.label, names: [...f.aliases, ...profile.extraNames(f.key, config.data)] })),
    mapping: body.mapping,
    mandatory: prepared.mandatoryFields,
    defaults: body.defaults,
  });
  // The columns the file does have are shown next to the problem.
  if (mapping.problem) {
    return { header, mapping: describe(mapping.columns, mapping.autoMapped), rows: [], fileError: { code: mapping.problem.code, message: mapping.problem.message } };
  }

  const parseRow = createRowParser({
    fields: profile.fields,
    columns: mapping.columns,
    mandatory: prepared.mandatoryFields,
    optional: prepared.optionalFields,
    defaults: body.defaults,
    expectedCells,
    dates: dateParserFor(body.csv.dateFormat),
    dateFormat: body.csv.dateFormat ?? null,
  });
  const outcomes = new Map<number, PreviewRow>();
  const parsed: ParsedRow[] = [];
  for (const record of records) {
    const result = parseRow(record);
    if (result.ok) parsed.push(result.row);
    else outcomes.set(record.rowNumber, { rowNumber: record.rowNumber, cells: record.cells, outcome: 'rejected', ...result.issue });
  }
  // The profile's rules, as a dry run applies them; its writes are dropped.
  const resolved = await prepared.resolve(parsed, await prepared.prefetch(parsed));
  for (const r of resolved.rejected) outcomes.set(r.row.rowNumber, { rowNumber: r.row.rowNumber, cells: r.row.cells, outcome: 'rejected', ...r.issue });
  const rows = records.map((r) => outcomes.get(r.rowNumber) ?? { rowNumber: r.rowNumber, cells: r.cells, outcome: 'valid' as const });
  return { header, mapping: describe(mapping.columns, mapping.autoMapped), rows, fileError: null };
}
