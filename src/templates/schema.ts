import { z } from 'zod';
import { issueMessage } from '../core/schema-issue.js';
import { CSV_ENCODINGS } from '../core/csv-reader.js';
import { compileDateFormat } from '../core/date-format.js';
import { FileError } from '../core/error-codes.js';
import { isProfileKey, profileKeys } from '../profiles/registry.js';

/** The template's JSON form (spec: jobs.md, "Template"), less the profile's `config`. */
export const templateSchema = z
  .object({
    org: z.string().min(1).meta({ description: 'The id of the org the template belongs to.' }),
    name: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .meta({ description: 'Unique in the org: saving a template with an existing name edits that template (a new version when anything changed).' }),
    // A key of the registry as it is when the template is read, not when this module loaded: a
    // profile registered later (a test's) is a profile like the others. Refused as an enum is.
    profile: z
      .string({ error: () => `Invalid option: expected one of ${profileKeys().map((k) => JSON.stringify(k)).join('|')}` })
      .superRefine((key, ctx) => {
        if (!isProfileKey(key)) ctx.addIssue({ code: 'invalid_value', values: profileKeys(), input: key });
      })
      .meta({ description: 'The import profile: what kind of data the file holds.', enum: profileKeys() }),
    csv: z
      .object({
        delimiter: z.string().length(1).refine((d) => !['"', '\r', '\n'].includes(d), 'a single character other than a quote or a line break').default(',').meta({ description: 'The character between cells: one character, not a quote or a line break (`;` and a tab are common).' }),
        quote: z.string().length(1).default('"').meta({ description: 'The character that encloses a cell holding delimiters, quotes or line breaks.' }),
        escape: z.string().length(1).default('"').meta({ description: 'The character that escapes a quote inside a quoted cell; by default the quote is doubled (`""`).' }),
        header: z.boolean().default(true).meta({ description: 'Whether the first row after `skipTop` is a header. Without one, every field is mapped by column number.' }),
        skipTop: z.number().int().nonnegative().default(0).meta({ description: 'Rows skipped at the top of the file, before the header (blank rows count).' }),
        skipBottom: z.number().int().nonnegative().default(0).meta({ description: 'Rows ignored at the end of the file (blank rows do not count).' }),
        encoding: z.enum(CSV_ENCODINGS).default('utf-8').meta({ description: 'The text encoding of a file without a byte-order mark; a UTF-8 or UTF-16 byte-order mark wins over it.' }),
        dateFormat: z
          .string()
          .min(1)
          .nullish()
          .superRefine((f, ctx) => {
            if (!f) return;
            try {
              compileDateFormat(f);
            } catch (e) {
              ctx.addIssue({ code: 'custom', message: (e as Error).message });
            }
          })
          .meta({ description: 'The pattern of date cells, such as `dd/MM/yyyy HH:mm`; absent or null: ISO 8601 dates and date-times. A date without an offset is local to the org.' }),
      })
      .strict()
      .default({ delimiter: ',', quote: '"', escape: '"', header: true, skipTop: 0, skipBottom: 0, encoding: 'utf-8' })
      .meta({ description: 'How the file is read; every key may be left out.' }),
    mapping: z
      .record(z.string(), z.union([z.string().trim().min(1), z.number().int().positive()]))
      .default({})
      .meta({ description: "Field key → the column that feeds it: a header's text (trimmed, any case) or a 1-based column number. Fields left out are matched automatically by header name." }),
    defaults: z.record(z.string(), z.string()).default({}).meta({ description: 'Field key → a value used when the field has no column or its cell is empty.' }),
    config: z.record(z.string(), z.unknown()).default({}).meta({ description: "The profile's configuration (see the profile's page)." }),
    rowLimit: z.number().int().positive().default(1_000_000).meta({ description: 'The most data rows a file may have; a longer file fails whole with `ROW_LIMIT_EXCEEDED`.' }),
  })
  .strict();

export type TemplateBody = z.output<typeof templateSchema>;

/** Turns the first schema issue into INVALID_TEMPLATE naming the key. */
export function templateIssue(error: z.ZodError, prefix = ''): FileError {
  const issue = error.issues[0]!;
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  return new FileError('INVALID_TEMPLATE', `Template${path ? ` "${path}"` : ''}: ${issueMessage(issue)}`);
}

/**
 * INVALID_TEMPLATE for a key named "__proto__" anywhere in a template's JSON. The schema's records
 * (mapping, defaults, config) drop such a key without a word, since it cannot be an own key of
 * the objects they build, so the template checked would not be the template saved. Walked with a
 * list, not recursion, so that JSON nested thousands deep is no stack overflow.
 */
export function prototypeKeyIssue(input: unknown): FileError | null {
  // Each entry keeps its parent instead of a copy of its path: paths are built only for the key found.
  interface Entry {
    value: unknown;
    key: string | null;
    parent: Entry | null;
  }
  const pending: Entry[] = [{ value: input, key: null, parent: null }];
  while (pending.length > 0) {
    const entry = pending.pop()!;
    const { value } = entry;
    if (value === null || typeof value !== 'object') continue;
    for (const key of Object.keys(value)) {
      const child: Entry = { value: (value as Record<string, unknown>)[key], key: Array.isArray(value) ? null : key, parent: entry };
      if (key === '__proto__') {
        const path: string[] = [];
        for (let e: Entry | null = child; e; e = e.parent) if (e.key !== null) path.push(e.key);
        path.reverse();
        const shown = path.length > 6 ? `${path.slice(0, 3).join('.')}.….${path.slice(-2).join('.')}" (${path.length} keys deep` : path.join('.');
        return new FileError('INVALID_TEMPLATE', `Template "${shown}": a key named "__proto__" is not allowed; remove it`);
      }
      pending.push(child);
    }
  }
  return null;
}
