import type { JsonSchema, OrgDocument } from '../../api/types';

/**
 * The configuration form, built from the profile's configuration JSON Schema: an enum is a
 * select, a boolean a checkbox, text a text box; the keys that name the org's data (tracker,
 * program, expiry strategy, replacement store) are selects of the org's lists. Words for keys
 * and values come from the schema's title when it has one, else from the table below.
 */

export interface Option {
  value: string;
  label: string;
}

export type Control =
  | { kind: 'select'; key: string; label: string; help: string; options: Option[]; required: boolean }
  | { kind: 'checkbox'; key: string; label: string; help: string }
  | { kind: 'text'; key: string; label: string; help: string; required: boolean; maxLength?: number }
  | { kind: 'number'; key: string; label: string; help: string; required: boolean };

/** Operator words of the configuration keys the spec names ("Choose customers' unique identifier"…). */
const KEY_WORDS: Record<string, { label: string; help?: string }> = {
  customerIdentifier: { label: 'Customers are identified by', help: 'What the customer column of the file holds.' },
  appendCountryCode: {
    label: 'Add the country code to mobile numbers that have none',
    help: "A number written without + or 00 that is a valid mobile of your country (9876543210) is read with your country's code in front.",
  },
  storesByExternalId: { label: 'The store column holds store external ids (not store codes)', help: 'Use this when the file names stores by the id of your own system.' },
  replaceInvalidStoreWith: { label: 'When a store is unknown', help: 'Rows whose store matches nothing are rejected, unless you choose a store to use instead.' },
  userGroup2Enabled: {
    label: 'Rows are for user groups (User Group2, fleets), not single customers',
    help: 'Each row then needs a group column; a customer column becomes optional.',
  },
  userGroup2IdentifierType: { label: 'User groups are identified by', help: 'What the group column of the file holds.' },
  billIdentification: { label: 'How rows name their bill', help: 'By its bill number, date and store, or by the loyalty log id of the transaction.' },
  tracker: { label: 'Tracker', help: 'The tracker that receives the values.' },
  promotionName: { label: 'Promotion name', help: 'Stored exactly as you type it; at most 100 characters.' },
  program: { label: 'Program', help: 'The program the points belong to.' },
  expiryStrategy: { label: 'Points expire', help: 'An expiry strategy of the chosen program.' },
  promotionIdentifier: { label: 'Promotion identifier (optional)', help: 'Leave empty to get a new identifier when you save. Use an existing one to add points to that promotion.' },
};

const VALUE_WORDS: Record<string, string> = {
  MOBILE: 'Mobile number',
  EMAIL: 'Email address',
  EXTERNAL_ID: 'External ID',
  USER_ID: 'User ID',
  CARD_NUMBER: 'Card number',
  CARD_EXTERNAL_ID: 'Card external ID',
  GROUP_ID: 'Group ID',
  PRIMARY_USER_ID: "Primary member's user ID",
  PRIMARY_USER_MOBILE: "Primary member's mobile",
  PRIMARY_USER_EMAIL: "Primary member's email",
  PRIMARY_USER_EXTERNAL_ID: "Primary member's external ID",
  PRIMARY_USER_CARD_NO: "Primary member's card number",
  STANDARD_FIELDS: 'Bill number, date and store',
  LOYALTY_LOG_ID: 'Loyalty log id',
};

/** Keys shown only when another key has a value. */
const SHOWN_WHEN: Record<string, (config: Record<string, unknown>) => boolean> = {
  userGroup2IdentifierType: (c) => c.userGroup2Enabled === true,
  appendCountryCode: (c) => c.customerIdentifier === undefined || c.customerIdentifier === 'MOBILE',
};

/** "SOME_VALUE" or "someKey" in words. */
export function humanise(text: string): string {
  if (VALUE_WORDS[text]) return VALUE_WORDS[text]!;
  const words = text.includes('_') ? text.toLowerCase().split('_') : text.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(' ');
  const s = words.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function types(schema: JsonSchema): string[] {
  const own = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const nested = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].flatMap(types);
  return [...own, ...nested];
}

function enumOf(schema: JsonSchema): unknown[] | null {
  if (schema.enum) return schema.enum.filter((v) => v !== null);
  for (const s of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) {
    const e = enumOf(s);
    if (e) return e;
  }
  return null;
}

function nullable(schema: JsonSchema): boolean {
  return types(schema).includes('null') || (schema.enum ?? []).includes(null);
}

/** The program a configuration points at (by id or name), else the org's default. */
export function programOf(org: OrgDocument, config: Record<string, unknown>) {
  const p = config.program;
  return org.programs.find((x) => p != null && p !== '' && (String(x.id) === String(p) || x.name === p)) ?? org.programs.find((x) => x.default) ?? org.programs[0] ?? null;
}

/** The form's controls for a configuration schema, the org's lists and the values so far. */
export function controlsOf(schema: JsonSchema, org: OrgDocument, config: Record<string, unknown>): Control[] {
  const required = new Set(schema.required ?? []);
  const out: Control[] = [];
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    if (SHOWN_WHEN[key] && !SHOWN_WHEN[key]!(config)) continue;
    const words = KEY_WORDS[key];
    const label = words?.label ?? prop.title ?? humanise(key);
    const help = words?.help ?? prop.description ?? '';
    // a key is required in the form when the schema requires it and gives no default
    const must = required.has(key) && prop.default === undefined && !nullable(prop);
    const orgOptions = orgListOf(key, org, config);
    if (orgOptions) {
      out.push({ kind: 'select', key, label, help, options: orgOptions, required: must });
      continue;
    }
    const e = enumOf(prop);
    if (e) {
      const options = e.map((v) => ({ value: String(v), label: humanise(String(v)) }));
      out.push({ kind: 'select', key, label, help, options: must || prop.default !== undefined ? options : [{ value: '', label: 'None' }, ...options], required: must });
      continue;
    }
    const t = types(prop);
    if (t.includes('boolean')) out.push({ kind: 'checkbox', key, label, help });
    else if (t.includes('string')) out.push({ kind: 'text', key, label, help, required: must, maxLength: prop.maxLength ?? [...(prop.anyOf ?? [])].find((s) => s.maxLength)?.maxLength });
    else if (t.includes('number') || t.includes('integer')) out.push({ kind: 'number', key, label, help, required: must });
  }
  return out;
}

/** The tracker types an import can write values for; the others are not offered. */
const IMPORTABLE_TRACKERS = new Set(['BILL', 'LINEITEM']);

/** An expiry strategy's kind in words. */
const EXPIRY_WORDS: Record<string, string> = {
  AFTER_DAYS: 'expires some days after it is issued',
  END_OF_MONTH_AFTER: 'expires at the end of a later month',
  FIXED_DATE: 'expires on a set date',
  NEVER: 'never expires',
};

/** The org's list a key names, as options; null for a key that names no list. */
function orgListOf(key: string, org: OrgDocument, config: Record<string, unknown>): Option[] | null {
  switch (key) {
    case 'tracker':
      // Only bill and line-item trackers take imported values (spec: profiles.md, Trackers).
      return [{ value: '', label: 'Choose a tracker…' }, ...org.trackers.filter((t) => IMPORTABLE_TRACKERS.has(t.type)).map((t) => ({ value: t.name, label: `${t.name} (${t.type.toLowerCase()} tracker)` }))];
    case 'program': {
      const def = org.programs.find((p) => p.default);
      return [{ value: '', label: def ? `The default program (${def.name})` : 'The default program' }, ...org.programs.map((p) => ({ value: p.name, label: p.name }))];
    }
    case 'expiryStrategy': {
      const program = programOf(org, config);
      return [{ value: '', label: 'No expiry (the default)' }, ...(program?.expiryStrategies ?? []).map((s) => ({ value: s.name, label: `${s.name} (${EXPIRY_WORDS[s.kind] ?? humanise(s.kind).toLowerCase()})` }))];
    }
    case 'replaceInvalidStoreWith':
      return [{ value: '', label: 'Reject the row' }, ...org.stores.map((s) => ({ value: s.code, label: `Use store ${s.code}${s.name ? ` – ${s.name}` : ''}` }))];
    default:
      return null;
  }
}

/** The configuration a new template starts with: each key's schema default. */
export function initialConfig(schema: JsonSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    if (prop.default !== undefined) out[key] = prop.default;
  }
  return out;
}

/**
 * The configuration to send: empty optional values left out (the schema's default applies),
 * nullable empties sent as null, the rest as typed.
 */
export function configToSend(schema: JsonSchema, config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    if (SHOWN_WHEN[key] && !SHOWN_WHEN[key]!(config)) continue;
    const v = config[key];
    if (v === undefined || v === '') {
      if (v === '' && nullable(prop) && prop.default !== undefined) out[key] = null;
      continue;
    }
    out[key] = v;
  }
  return out;
}

/** Required keys of the form that are still empty, by their label. */
export function missingRequired(controls: readonly Control[], config: Record<string, unknown>): Control[] {
  return controls.filter((c) => c.kind !== 'checkbox' && c.required && (config[c.key] === undefined || config[c.key] === ''));
}
