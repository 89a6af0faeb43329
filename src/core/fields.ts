import type { ParsedDate } from './date-format.js';

/** Fields: what a row can carry, declared by profiles, parsed by the engine. */

/** How the engine parses a cell, and which code a cell that does not parse gets. */
export const FIELD_TYPES = ['string', 'integer', 'decimal', 'points', 'datetime'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/**
 * A field's type as the API names it (the specification's words): points are a decimal (the rule
 * that they be above zero is the profile's), a date-time is `date-time`.
 */
export const API_FIELD_TYPES = ['string', 'integer', 'decimal', 'date-time'] as const;
export type ApiFieldType = (typeof API_FIELD_TYPES)[number];

export function apiFieldType(type: FieldType): ApiFieldType {
  switch (type) {
    case 'points':
      return 'decimal';
    case 'datetime':
      return 'date-time';
    default:
      return type;
  }
}

export interface FieldDefinition {
  key: string;
  /** What an operator sees, and what automatic column matching looks for. */
  label: string;
  type: FieldType;
  /** More header spellings that match this field automatically ("Bill No", "bill_number"). */
  aliases: readonly string[];
}

/** A parsed cell: text, an integer, a canonical decimal string, or a date. */
export type FieldValue = string | number | ParsedDate;

/** A row after mapping and parsing: every mandatory field present and well-formed. */
export interface ParsedRow {
  rowNumber: number;
  cells: string[];
  /** By field key; absent when the field is optional and empty. */
  values: Record<string, FieldValue | undefined>;
  /** The cell text a value came from, for messages and the error report. */
  raw: Record<string, string | undefined>;
}

