import { z } from 'zod';
import { APP_ERRORS } from '../app/errors.js';
import { FILE_ERROR_CODES, ROW_ERROR_CODES } from '../core/error-codes.js';
import { referenceDataSchema } from '../org/reference-data.js';
import { PROFILE_KEYS, PROFILES, type ProfileKey } from '../profiles/registry.js';
import { JOB_STATUSES } from '../domain/jobs.js';
import { templateSchema } from '../templates/schema.js';
import {
  APP_ERROR_EXPLANATIONS,
  ERROR_CODE_EXPLANATIONS,
  type Explanation,
  FIELD_MANDATORY,
  FIELD_TYPE_EXPLANATIONS,
  JOB_STATUS_EXPLANATIONS,
  PROFILE_PAGES,
} from './explanations.js';

/**
 * The generated sections of the reference: what the code declares (error codes, statuses,
 * profiles' fields and configuration, the template's and the reference-data file's keys),
 * rendered from the code between `<!-- generated:NAME -->` and `<!-- /generated -->` in the
 * hand-written pages. Pure: the caller reads and writes the files.
 */

/** Every section a page may hold, by name. */
export function sectionNames(): string[] {
  return [
    'profiles',
    'file-error-codes',
    'row-error-codes',
    'app-errors',
    'job-statuses',
    'template-keys',
    'reference-data-keys',
    ...PROFILE_KEYS.flatMap((k) => [`profile-fields:${k}`, `profile-config:${k}`]),
  ];
}

/** The Markdown of one section. */
export function renderSection(name: string): string {
  const [kind, arg] = name.split(':') as [string, string | undefined];
  switch (kind) {
    case 'profiles':
      return table(
        ['profile', 'label', 'reference'],
        PROFILE_KEYS.map((k) => [code(k), PROFILES[k].label, `[${PROFILE_PAGES[k]}](${PROFILE_PAGES[k]})`]),
      );
    case 'file-error-codes':
      return FILE_ERROR_CODES.map((c) => explained(c, ERROR_CODE_EXPLANATIONS[c])).join('\n');
    case 'row-error-codes':
      return ROW_ERROR_CODES.map((c) => explained(c, ERROR_CODE_EXPLANATIONS[c])).join('\n');
    case 'app-errors':
      return table(
        ['code', 'exit code', 'HTTP status', 'cause', 'what to do'],
        (Object.keys(APP_ERRORS) as Array<keyof typeof APP_ERRORS>).map((c) => [
          code(c),
          String(APP_ERRORS[c].exit),
          String(APP_ERRORS[c].http),
          APP_ERROR_EXPLANATIONS[c].cause,
          APP_ERROR_EXPLANATIONS[c].fix,
        ]),
      );
    case 'job-statuses':
      return table(
        ['status', 'meaning'],
        JOB_STATUSES.map((s) => [code(s), JOB_STATUS_EXPLANATIONS[s]]),
      );
    case 'template-keys':
      return keyTable(templateSchema);
    case 'reference-data-keys':
      return keyTable(referenceDataSchema);
    case 'profile-fields':
      return profileFields(profileKey(arg, name));
    case 'profile-config':
      return keyTable(PROFILES[profileKey(arg, name)].configSchema);
    default:
      throw new Error(`unknown generated section "${name}"; the sections are ${sectionNames().join(', ')}`);
  }
}

// Markers stand alone on their lines, so that a page can quote them in running text.
const OPEN = /^<!-- generated:([a-z0-9:_-]+) -->$/gim;
const CLOSE = /^<!-- \/generated -->$/m;

/** A page with every generated section rendered again, and the names of its sections. */
export function renderPage(text: string, file: string): { text: string; sections: string[] } {
  const sections: string[] = [];
  let out = '';
  let at = 0;
  for (const open of text.matchAll(OPEN)) {
    const start = open.index;
    if (start < at) continue;
    const name = open[1]!;
    const bodyStart = start + open[0].length;
    const close = CLOSE.exec(text.slice(bodyStart));
    if (!close) throw new Error(`${file}: <!-- generated:${name} --> has no <!-- /generated --> line after it`);
    const end = bodyStart + close.index;
    out += `${text.slice(at, bodyStart)}\n${renderSection(name)}\n`;
    at = end;
    sections.push(name);
  }
  return { text: out + text.slice(at), sections };
}

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  default?: unknown;
  description?: string;
  title?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  format?: string;
};

/** A schema as JSON Schema, in the form a file or request gives it (defaults not yet applied). */
export function jsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

export interface KeyRow {
  path: string;
  values: string;
  default: string;
  description: string | undefined;
  title: string | undefined;
}

/** Every key of a zod object schema, nested objects and lists of objects included (`csv.quote`, `stores[].code`). */
export function schemaKeys(schema: z.ZodType): KeyRow[] {
  // The input form says what a file may hold; zod leaves a default out of it when the value
  // passes through a transform (a decimal), so defaults come from the output form.
  return keysOf(jsonSchema(schema), z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonSchema);
}

function keysOf(input: JsonSchema, output: JsonSchema | undefined, prefix = ''): KeyRow[] {
  const rows: KeyRow[] = [];
  const required = new Set(input.required ?? []);
  for (const [key, node] of Object.entries(input.properties ?? {})) {
    const path = `${prefix}${key}`;
    const out = output?.properties?.[key];
    const fallback = out && 'default' in out ? out : undefined;
    rows.push({
      path,
      values: valuesOf(node),
      default: 'default' in node ? defaultOf(node.default) : fallback ? defaultOf(fallback.default) : required.has(key) ? 'required' : 'optional',
      description: node.description,
      title: node.title,
    });
    if (node.properties) rows.push(...keysOf(node, out, `${path}.`));
    else if (node.items?.properties) rows.push(...keysOf(node.items, out?.items, `${path}[].`));
  }
  return rows;
}

function keyTable(schema: z.ZodType): string {
  return table(
    ['key', 'values', 'default', 'meaning'],
    schemaKeys(schema).map((r) => [code(r.path), r.values, r.default, `${r.description ?? ''}${r.title ? ` Form label: “${r.title}”.` : ''}`]),
  );
}

function valuesOf(node: JsonSchema): string {
  if (node.enum) return node.enum.map((v) => code(String(v))).join(', ');
  if (node.anyOf) return [...new Set(node.anyOf.map(valuesOf))].join(' or ');
  if (Array.isArray(node.type)) return node.type.map((type) => valuesOf({ ...node, type })).join(' or ');
  switch (node.type) {
    case 'string':
      if (node.format === 'email') return 'an email address';
      if (node.minLength === 1 && node.maxLength === 1) return 'one character';
      if (node.maxLength !== undefined) return `text of ${node.minLength ?? 0} to ${node.maxLength} characters`;
      return node.minLength ? 'non-empty text' : 'text';
    case 'boolean':
      return '`true` or `false`';
    case 'integer':
      if (node.exclusiveMinimum === 0 || (node.minimum ?? 0) >= 1) return 'a positive whole number';
      if (node.minimum === 0) return 'a whole number from 0';
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'null':
      return '`null`';
    case 'array':
      return node.items?.properties ? 'a list of objects (keys below)' : `a list of ${node.items ? valuesOf(node.items) : 'values'}`;
    case 'object':
      if (node.properties) return 'an object (keys below)';
      if (node.additionalProperties && typeof node.additionalProperties === 'object') return `an object: key → ${valuesOf(node.additionalProperties)}`;
      return 'an object';
    default:
      return 'any value';
  }
}

function defaultOf(value: unknown): string {
  if (value !== null && typeof value === 'object' && Object.keys(value).length > 0) return 'each key’s default';
  return code(JSON.stringify(value));
}

function profileKey(arg: string | undefined, name: string): ProfileKey {
  if (!(PROFILE_KEYS as readonly string[]).includes(arg ?? '')) throw new Error(`generated section "${name}" names no profile; the profiles are ${PROFILE_KEYS.join(', ')}`);
  return arg as ProfileKey;
}

function profileFields(key: ProfileKey): string {
  const profile = PROFILES[key];
  const identifiers = (jsonSchema(profile.configSchema).properties?.customerIdentifier?.enum ?? []) as string[];
  const mandatory: Record<string, string> = FIELD_MANDATORY[key];
  return table(
    ['key', 'label', 'type', 'mandatory', 'header names matched automatically'],
    profile.fields.map((f) => {
      const names = [...new Set([f.label, f.key, ...f.aliases])].map(code).join(', ');
      // Names that depend on the configuration: the `customer` column by the identifier it holds.
      const byIdentifier = identifiers
        .map((kind) => [kind, profile.extraNames(f.key, { customerIdentifier: kind } as never)] as const)
        .filter(([, extra]) => extra.length > 0)
        .map(([kind, extra]) => `${code(kind)}: ${extra.map(code).join(', ')}`);
      const extra = byIdentifier.length ? `; and, by \`customerIdentifier\`, ${byIdentifier.join('; ')}` : '';
      return [code(f.key), f.label, FIELD_TYPE_EXPLANATIONS[f.type], mandatory[f.key] ?? missing(key, f.key), names + extra];
    }),
  );
}

function missing(profile: string, field: string): never {
  throw new Error(`field "${field}" of profile ${profile} has no entry in FIELD_MANDATORY (src/docs/explanations.ts)`);
}

function explained(c: string, e: Explanation): string {
  return `### ${code(c)}\n\n${e.cause}\n\n**What to do:** ${e.fix}\n`;
}

function code(s: string): string {
  return `\`${s}\``;
}

function table(header: string[], rows: string[][]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}
