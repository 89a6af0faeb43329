/**
 * The shapes the web app reads from the HTTP API (spec: api.md, cli.md "JSON shapes").
 * Glossary: a *profile* is a kind of import (Trackers, Customer Promotion); a *template* is an
 * org's saved mapping and configuration for one profile; a *job* runs one file through one
 * template version, as a dry run (validate only) or an import.
 */

export const JOB_STATUSES = [
  'QUEUED',
  'VALIDATING',
  'VALIDATED',
  'IMPORTING',
  'COMPLETED',
  'COMPLETED_WITH_ERRORS',
  'FAILED',
  'CANCELLED',
  'INTERRUPTED',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface JobSummary {
  jobId: string;
  org: string;
  profile: string;
  template: { id: string; version: number; name?: string };
  dryRun: boolean;
  status: JobStatus;
  rows: { total: number; valid: number; rejected: number; imported: number };
  errorCounts: Record<string, number>;
  fileError: { code: string; message: string } | null;
  promotionIdentifier: string | null;
  autoMapped: Record<string, string>;
  file?: { name: string; sha256: string | null; size: number };
  startedAt: string | null;
  finishedAt: string | null;
  createdAt?: string | null;
  progress?: { rowsDone: number; rowsTotal: number | null };
  sourceJobId?: string | null;
  fileId?: string | null;
}

export interface Store {
  code: string;
  externalId: string | null;
  name: string | null;
  tills: string[];
}
export interface Tracker {
  id: number;
  name: string;
  type: string;
  windowStart?: string;
  windowEnd?: string;
}
export interface ExpiryStrategy {
  id: number;
  name: string;
  kind: string;
}
export interface Program {
  id: number;
  name: string;
  default: boolean;
  expiryStrategies: ExpiryStrategy[];
}
export interface Promotion {
  identifier: string;
  name: string;
  programId: number | null;
}
export interface OrgDocument {
  id: string;
  name: string;
  timezone: string | null;
  baseCountry: string | null;
  stores: Store[];
  trackers: Tracker[];
  programs: Program[];
  promotions: Promotion[];
  userGroupIdentifierTypes: string[];
}

/** A JSON Schema, as much of it as the configuration form reads. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  exclusiveMinimum?: number;
}

/** When a field must have a column: always, never, or under a configuration condition. */
export type MandatoryRule =
  | { kind: 'always' }
  | { kind: 'never' }
  | { kind: 'when'; when: Record<string, unknown[]>; unless: Record<string, unknown[]>; text: string }
  | { kind: 'text'; text: string };

export interface ProfileField {
  key: string;
  label: string;
  type: string;
  aliases: string[];
  mandatory: MandatoryRule;
}

export interface Profile {
  key: string;
  label: string;
  fields: ProfileField[];
  configSchema: JsonSchema;
  /** Header names that match `customer` per customer identifier kind, when the server lists them. */
  customerColumnNames: Record<string, string[]> | null;
}

export interface CsvOptions {
  delimiter: string;
  quote: string;
  escape: string;
  header: boolean;
  skipTop: number;
  skipBottom: number;
  encoding: string;
  dateFormat?: string | null;
}

export interface TemplateDocument {
  id: string;
  name: string;
  profile: string;
  version: number;
  csv: CsvOptions;
  mapping: Record<string, string | number>;
  defaults: Record<string, string>;
  config: Record<string, unknown>;
  rowLimit?: number;
  promotionIdentifier: string | null;
  updatedAt: string | null;
}

export interface SavedTemplate {
  id: string;
  name: string;
  version: number;
  promotionIdentifier: string | null;
}

export interface UploadedFile {
  fileId: string;
  name: string;
  bytes: number;
  sha256: string;
}

export type RowOutcome = { valid: true } | { valid: false; code: string; message: string; field: string | null };

export interface PreviewRow {
  rowNumber: number;
  cells: string[];
  outcome: RowOutcome;
}

export interface Preview {
  header: string[] | null;
  /** field key → 0-based column and whether it was matched automatically. */
  mapping: Record<string, { column: number | null; header: string | null; auto: boolean }>;
  rows: PreviewRow[];
  fileError: { code: string; message: string } | null;
}

export interface TrackerValue {
  trackerId: number;
  loyaltyLogId: number;
  itemId: number | null;
  userId: number | null;
  groupId: number | null;
  value: string;
  jobId: string;
  rowNumber: number;
}

export interface LedgerEntry {
  userId: number | null;
  groupId: number | null;
  points: string;
  promotionIdentifier: string;
  promotionName: string;
  programId: number | null;
  storeCode: string | null;
  tillCode: string | null;
  issuedAt: string;
  expiresAt: string | null;
  jobId: string;
  rowNumber: number;
}

export interface Balance {
  userId: number | null;
  groupId: number | null;
  points: string;
}
