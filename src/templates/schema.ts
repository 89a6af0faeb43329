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
