import { z } from 'zod';
import type { JobDocument } from '../app/jobs.js';
import { API_FIELD_TYPES } from '../core/fields.js';
import { JOB_STATUSES } from '../domain/jobs.js';
import { EXPIRY_KINDS } from '../domain/programs.js';
import { TRACKER_TYPES } from '../domain/trackers.js';
import { referenceDataSchema } from '../org/reference-data.js';
import { templateSchema } from '../templates/schema.js';

/**
 * The JSON shapes of the API (spec: api.md, cli.md "JSON shapes"), as zod schemas: they validate
 * requests, and they are what `/openapi.json` documents.
 */

const id = z.string().min(1).max(200);
/** Ids, versions, counts and row numbers: whole numbers, `integer` in the OpenAPI document. */
const int = z.number().int();

export const errorBody = z
  .object({
    error: z.object({
      code: z.string().describe('One of the closed list of error codes: INVALID_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, JOB_CONFLICT, FILE_TOO_LARGE, INVALID_TEMPLATE, INVALID_REFERENCE_DATA, …'),
      message: z.string().describe('What is wrong and what to do, for people'),
      details: z
        .union([z.array(z.object({ field: z.string(), message: z.string() })), z.record(z.string(), z.unknown())])
        .describe('Always there: for INVALID_REQUEST, each bad field, [{ "field", "message" }]; else an object, empty when there is nothing more to say (`fileErrorCode` for a file-level code met outside a job)'),
    }),
  })
  .describe('An error');

export const orgParams = z.object({ org: id.describe('The org id') });
export const jobParams = orgParams.extend({ id: id.describe('The job id') });
export const templateParams = orgParams.extend({ idOrName: id.describe("The template's id or name") });
export const keyParams = orgParams.extend({ id: id.describe("The key's id") });
export const trackerParams = orgParams.extend({ tracker: id.describe("The tracker's id or name") });

const limit = z.coerce.number().int().min(1).max(1000).optional().describe('At most this many items (default 100, at most 1000)');
const cursor = z.string().min(1).max(200).optional().describe('The nextCursor of the previous page');

export const pageQuery = z.object({ limit, cursor });
export const jobListQuery = z.object({ status: z.enum(JOB_STATUSES).optional(), limit, cursor });
export const ledgerQuery = z.object({
  customer: z.coerce.number().int().positive().optional().describe('Only this customer (user id)'),
  group: z.coerce.number().int().positive().optional().describe('Only this user group (group id)'),
  promotion: z.string().min(1).optional().describe('Only this promotion identifier'),
  limit,
  cursor,
});
export const versionQuery = z.object({ version: z.coerce.number().int().positive().optional().describe('A version of the template; the latest when absent') });
export const uploadQuery = z.object({ name: z.string().min(1).max(255).describe('The file name, such as "daily-pos.csv"') });

export const looseJson = z.record(z.string(), z.unknown());

/**
 * A JSON object the use case checks itself, documented by the schema it is checked with. The
 * route validates only that it is an object: a template or a reference-data file that breaks its
 * schema is refused by the use case with its own code (422 INVALID_TEMPLATE naming the key, 422
 * INVALID_REFERENCE_DATA), not with the 400 of request validation. zod merges a schema's metadata
 * into its JSON Schema, so the document shows the checking schema while validation stays loose.
 */
function checkedBy(schema: z.ZodType, description: string, drop: { required?: string[] } = {}) {
  const { $schema: _s, ...document } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  if (drop.required && Array.isArray(document.required)) document.required = document.required.filter((k) => !drop.required!.includes(k as string));
  return looseJson.meta({ ...document, description });
}

export const templateBody = checkedBy(
  templateSchema,
  'A template (spec: jobs.md, "Template"); "org" may be left out. GET /api/profiles gives each profile\'s fields and the JSON Schema of its "config". A template that breaks this schema is refused with 422 INVALID_TEMPLATE naming the key',
  { required: ['org'] },
);
export const referenceDataBody = checkedBy(referenceDataSchema, 'The `org load` file (spec: domain.md). A file that breaks this schema or a rule is refused with 422 INVALID_REFERENCE_DATA');

export const health = z.object({ status: z.literal('ok') });

export const keyCreated = z.object({ id: z.string(), key: z.string().describe('The key: shown this once only') });
export const keyCreateBody = z.object({ label: z.string().max(200).optional().describe('What the key is for, for people') }).optional().describe('May be left out, or empty');
export const keyInfo = z.object({ id: z.string(), org: z.string(), label: z.string().nullable(), createdAt: z.string(), revokedAt: z.string().nullable() });
export const keyList = z.object({ keys: z.array(keyInfo) });

const condition = z
  .record(z.string(), z.array(z.union([z.string(), z.boolean()])))
  .describe('Configuration key → the values under which it holds; `trackerType` is the type of the tracker `config.tracker` names (GET /api/orgs/{org} lists them)');
const profileField = z.object({
  key: z.string(),
  label: z.string(),
  type: z.enum(API_FIELD_TYPES),
  aliases: z.array(z.string()).describe('Header names that match the field automatically under any configuration, besides its label and key'),
  aliasesWhen: z.array(z.object({ when: condition, aliases: z.array(z.string()) })).describe('More header names that match it when the configuration meets `when`: the `customer` column by `customerIdentifier`'),
  mandatory: z
    .union([
      z.literal('always'),
      z.object({ when: condition, unless: condition, text: z.string().describe('The condition in words') }).describe('Mandatory when every key of `when` has one of its values and no key of `unless` has one of its values (configuration values with their defaults applied)'),
    ])
    .describe('When a file must have a column (or a default) for the field'),
});
export const profileList = z.object({
  profiles: z.array(z.object({ key: z.string(), label: z.string(), fields: z.array(profileField), config: looseJson.describe("The profile's configuration, as JSON Schema") })),
});

const tracker = z.object({ id: int, name: z.string(), type: z.enum(TRACKER_TYPES), windowStart: z.string(), windowEnd: z.string() });
const expiryStrategy = z.object({ id: int, name: z.string(), kind: z.enum(EXPIRY_KINDS), days: int.nullable(), months: int.nullable(), date: z.string().nullable() });
export const orgOverview = z.object({
  id: z.string(),
  name: z.string(),
  baseCountry: z.string(),
  timezone: z.string(),
  stores: z.array(z.object({ code: z.string(), externalId: z.string().nullable(), name: z.string().nullable(), tills: z.array(z.string()) })),
  trackers: z.array(tracker),
  programs: z.array(z.object({ id: int, name: z.string(), default: z.boolean(), expiryStrategies: z.array(expiryStrategy) })),
  promotions: z.array(z.object({ identifier: z.string(), name: z.string(), programId: int })),
  userGroupIdentifierTypes: z.array(z.string()),
});
export const referenceDataLoaded = z.object({ created: z.boolean(), counts: z.record(z.string(), z.union([int, z.string()])) });

export const templateSaved = z.object({ id: z.string(), name: z.string(), version: int, promotionIdentifier: z.string().nullable().optional(), changed: z.boolean() });
const templateInfo = z.object({ id: z.string(), name: z.string(), profile: z.string(), version: int, promotionIdentifier: z.string().nullable(), savedAt: z.string() });
export const templateList = z.object({ templates: z.array(templateInfo) });
export const templateDocument = templateInfo.extend({ body: z.unknown().describe("The template's JSON form, as saved") });
export const templateVersionList = z.object({ versions: z.array(templateDocument) });

export const uploaded = z.object({ fileId: z.string(), name: z.string(), bytes: int, sha256: z.string() });

export const previewRequest = z.object({
  fileId: z.string().min(1),
  template: z.union([z.string().min(1).describe("A saved template's id or name"), templateBody]),
  rows: int.min(1).max(1000).default(20),
});
export const previewResponse = z.object({
  header: z.array(z.string()).nullable(),
  mapping: z.array(
    z.object({
      field: z.string(),
      label: z.string(),
      mandatory: z.boolean(),
      column: z.string().nullable(),
      columnNumber: int.nullable(),
      auto: z.boolean().describe('Matched automatically, not by the template'),
      default: z.string().nullable(),
    }),
  ),
  rows: z.array(
    z.object({
      rowNumber: int,
      cells: z.array(z.string()),
      outcome: z.enum(['valid', 'rejected']),
      code: z.string().optional(),
      field: z.string().nullable().optional(),
      value: z.string().nullable().optional(),
      message: z.string().optional(),
    }),
  ),
  fileError: z.object({ code: z.string(), message: z.string() }).nullable(),
});

export const jobRequest = z.object({
  fileId: z.string().min(1).describe('An uploaded file (POST …/files)'),
  template: z.string().min(1).describe("A saved template's id or name: the job runs its current version"),
  dryRun: z.boolean().default(false),
  allowDuplicate: z.boolean().default(false),
  sourceJobId: z.string().min(1).optional().describe("The job whose rejected rows, fixed, this file holds: the new job links to it (the job document's sourceJobId)"),
});
export const importRequest = z.object({ allowDuplicate: z.boolean().default(false) }).optional().describe('May be left out, or empty');

export const jobDocument = z.object({
  jobId: z.string(),
  org: z.string(),
  profile: z.string(),
  template: z.object({ id: z.string(), version: int }),
  dryRun: z.boolean(),
  status: z.enum(JOB_STATUSES),
  rows: z.object({ total: int, valid: int, rejected: int, imported: int }),
  rowsKnown: int.nullable(),
  errorCounts: z.record(z.string(), int),
  fileError: z.object({ code: z.string(), message: z.string() }).nullable(),
  promotionIdentifier: z.string().nullable(),
  autoMapped: z.record(z.string(), z.string()),
  file: z.object({ name: z.string(), sha256: z.string().nullable(), size: int }),
  sourceJobId: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  progress: z.object({ rowsDone: int, rowsTotal: int.nullable() }),
});
/**
 * Compiles only while the schema lists every field of the job document: the serializer drops a
 * field its schema does not list, so a field added to the summary must be added here too.
 */
export const JOB_DOCUMENT_LISTED: [Exclude<keyof JobDocument, keyof z.output<typeof jobDocument>>] extends [never] ? true : never = true;

export const jobList = z.object({ jobs: z.array(jobDocument), nextCursor: z.string().nullable() });

export const trackerValues = z.object({
  values: z.array(
    z.object({
      trackerId: int,
      loyaltyLogId: int,
      itemId: int.nullable(),
      userId: int.nullable(),
      groupId: int.nullable(),
      value: z.string(),
      jobId: z.string(),
      rowNumber: int,
    }),
  ),
  nextCursor: z.string().nullable(),
});
export const ledger = z.object({
  entries: z.array(
    z.object({
      userId: int.nullable(),
      groupId: int.nullable(),
      points: z.string(),
      promotionIdentifier: z.string(),
      promotionName: z.string(),
      programId: int,
      storeCode: z.string(),
      tillCode: z.string().nullable(),
      issuedAt: z.string(),
      expiresAt: z.string().nullable(),
      jobId: z.string(),
      rowNumber: int,
    }),
  ),
  balances: z.array(z.object({ userId: int.nullable(), groupId: int.nullable(), points: z.string() })),
  nextCursor: z.string().nullable(),
});

export const csvText = z.string().describe('CSV, UTF-8 with a byte-order mark');
export const eventStream = z.string().describe('Server-Sent Events: `progress` events ({ "status", "rowsDone", "rowsTotal" }) while the job runs, then one `status` event with the job');
