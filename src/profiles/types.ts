import type { Migration } from 'kysely';
import type { z } from 'zod';
import type { FieldDefinition, ParsedRow } from '../core/fields.js';
import type { RowIssue } from '../core/error-codes.js';
import type { Org } from '../domain/org.js';
import type { ChunkWrites, Store } from '../store/port.js';
import type { TableDeclaration } from '../store/tables.js';
import type { FieldMandatory } from './mandatory.js';

/**
 * What a profile is: fields and configuration declared as data, plus the rules data cannot
 * express (`prepare` → `resolve`), the tables it writes and the reads of its success report.
 * The engine and the store know nothing else about any profile.
 */

export type { FieldDefinition, FieldType, FieldValue, ParsedRow } from '../core/fields.js';
export type { FieldMandatory } from './mandatory.js';

/** A field of a profile: how it is parsed, and when a file must have it (see mandatory.ts). */
export interface ProfileField extends FieldDefinition {
  mandatory: FieldMandatory;
}

export interface PrepareContext<C> {
  org: Org;
  config: C;
  store: Store;
  dryRun: boolean;
  jobId: string;
  /** When the job's import started (ISO 8601): the issue time of anything it awards. */
  startedAt: string;
  /** The promotion identifier the template version carries, for profiles that award under one. */
  promotionIdentifier: string | null;
}

export interface ChunkResult {
  rejected: Array<{ row: ParsedRow; issue: RowIssue }>;
  /** The accepted rows' writes; the engine drops them in a dry run. */
  writes: ChunkWrites;
  accepted: number;
}

/**
 * A profile made ready for one job against the org as it is now. `P` is what `prefetch` finds
 * for a chunk.
 */
export interface PreparedProfile<P = unknown> {
  /** The fields a row must have, under this configuration and the org's data (a tracker's type). */
  mandatoryFields: string[];
  /** Fields read when the row has them; any other column is ignored. */
  optionalFields: string[];
  /**
   * A chunk's lookups of reference data (customers, groups, transactions), one per kind of key.
   * The engine runs them ahead (see `prefetchAhead`), before the chunks before this one (up to
   * two) are resolved and committed: they see every chunk committed when they start. A profile
   * that looks up its own earlier writes keeps those of the chunks its lookups may have missed in
   * memory (see `committed`), or runs its lookups after the commit instead.
   */
  prefetch(rows: ParsedRow[]): Promise<P>;
  /**
   * Whether the engine may run a chunk's `prefetch` ahead, before the previous chunk has
   * committed (the default). A profile whose lookups must see the previous chunk's writes sets
   * it false: each chunk's prefetch then starts once the chunk before it has committed.
   */
  prefetchAhead?: boolean;
  /**
   * Applies the profile's rules to a chunk, given its prefetched reference data. A chunk may be
   * resolved more than once (its write met a row another job committed meanwhile: it is looked
   * up and resolved again), so what a profile remembers of a chunk waits for `committed`.
   */
  resolve(rows: ParsedRow[], prefetched: P): Promise<ChunkResult>;
  /**
   * Called once the chunk last resolved, whose last row is `throughRow`, has committed: lookups
   * started from then on see its writes.
   */
  committed?(throughRow: number): void;
}

export interface SuccessReport {
  columns: readonly string[];
  rows(store: Store, jobId: string): AsyncIterable<Array<Array<string | number | null>>>;
}

export interface ProfileDefinition<C = unknown> {
  /** Upper case, as templates name it (`TRACKERS`). */
  key: string;
  label: string;
  /** Its fields; `prepare` reads which are mandatory from their `mandatory`. */
  fields: readonly ProfileField[];
  /** The profile's `config` in a template, shared keys included; strict. */
  configSchema: z.ZodType<C>;
  /** Header names that match a field automatically under this configuration, beyond its label and aliases. */
  extraNames(field: string, config: C): readonly string[];
  /** Whether templates of this profile carry a promotion identifier. */
  awardsUnderPromotion: boolean;
  /** The template's user-defined promotion identifier, if any. */
  userPromotionIdentifier(config: C): string | null;
  /**
   * Checks the configuration against the org (throws FileError INVALID_TEMPLATE naming the key,
   * or a profile's own file-level code) and returns the rules ready for rows.
   */
  prepare(ctx: PrepareContext<C>): Promise<PreparedProfile>;
  successReport: SuccessReport;
  /** The tables its chunks write (`ChunkResult.writes`), declared as data. */
  tables: readonly TableDeclaration[];
  /**
   * The migrations that make its tables, by name in the order they run; the store runs them
   * after its own, as `<key>/<name>`. Names once released never change.
   */
  migrations: Readonly<Record<string, Migration>>;
}
