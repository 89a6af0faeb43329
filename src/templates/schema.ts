import { z } from 'zod';
import { CSV_ENCODINGS } from '../core/csv-reader.js';
import { compileDateFormat } from '../core/date-format.js';
import { FileError } from '../core/error-codes.js';
import { PROFILE_KEYS } from '../profiles/types.js';

/** The template's JSON form (spec: jobs.md, "Template"), less the profile's `config`. */
export const templateSchema = z
  .object({
    org: z.string().min(1),
    name: z.string().trim().min(1).max(200),
    profile: z.enum(PROFILE_KEYS),
    csv: z
      .object({
        delimiter: z.string().length(1).refine((d) => !['"', '\r', '\n'].includes(d), 'a single character other than a quote or a line break').default(','),
        quote: z.string().length(1).default('"'),
        escape: z.string().length(1).default('"'),
        header: z.boolean().default(true),
        skipTop: z.number().int().nonnegative().default(0),
        skipBottom: z.number().int().nonnegative().default(0),
        encoding: z.enum(CSV_ENCODINGS).default('utf-8'),
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
          }),
      })
      .strict()
      .default({ delimiter: ',', quote: '"', escape: '"', header: true, skipTop: 0, skipBottom: 0, encoding: 'utf-8' }),
    mapping: z.record(z.string(), z.union([z.string().trim().min(1), z.number().int().positive()])).default({}),
    defaults: z.record(z.string(), z.string()).default({}),
    config: z.record(z.string(), z.unknown()).default({}),
    rowLimit: z.number().int().positive().default(1_000_000),
  })
  .strict();

export type TemplateBody = z.output<typeof templateSchema>;

/** Turns the first schema issue into INVALID_TEMPLATE naming the key. */
export function templateIssue(error: z.ZodError, prefix = ''): FileError {
  const issue = error.issues[0]!;
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return new FileError('INVALID_TEMPLATE', `Template ${path ? `"${path}"` : ''}${path ? ': ' : ''}${message}`);
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
