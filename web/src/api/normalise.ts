import type {
  JsonSchema,
  MandatoryRule,
  OrgDocument,
  Preview,
  PreviewRow,
  Profile,
  ProfileField,
  RowOutcome,
  TemplateDocument,
} from './types';

/**
 * Readers of the API's documents into the app's types. They accept the small variations a JSON
 * document of the contract may have (a list bare or under a key, a till as a code or an object),
 * so that a page never breaks on a shape it could still understand.
 */

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback;
}
function strOrNull(v: unknown): string | null {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
}
function num(v: unknown, fallback = 0): number {
  return typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : fallback;
}
function list(v: unknown, key?: string): unknown[] {
  if (Array.isArray(v)) return v;
  if (key && isObj(v) && Array.isArray(v[key])) return v[key] as unknown[];
  return [];
}

/** The org document of `GET /api/orgs/{org}`. */
export function readOrg(doc: unknown): OrgDocument {
  const root = isObj(doc) ? doc : {};
  const org = isObj(root.org) ? root.org : root;
  const pick = (key: string) => (root[key] !== undefined ? root[key] : org[key]);
  return {
    id: str(org.id),
    name: str(org.name, str(org.id)),
    timezone: strOrNull(org.timezone),
    baseCountry: strOrNull(org.baseCountry),
    stores: list(pick('stores')).filter(isObj).map((s) => ({
      code: str(s.code),
      externalId: strOrNull(s.externalId),
      name: strOrNull(s.name),
      tills: list(s.tills).map((t) => (isObj(t) ? str(t.code) : str(t))),
    })),
    trackers: list(pick('trackers')).filter(isObj).map((t) => ({
      id: num(t.id),
      name: str(t.name),
      type: str(t.type),
      windowStart: strOrNull(t.windowStart) ?? undefined,
      windowEnd: strOrNull(t.windowEnd) ?? undefined,
    })),
    programs: list(pick('programs')).filter(isObj).map((p) => ({
      id: num(p.id),
      name: str(p.name),
      default: p.default === true,
      expiryStrategies: list(p.expiryStrategies).filter(isObj).map((e) => ({ id: num(e.id), name: str(e.name), kind: str(e.kind) })),
    })),
    promotions: list(pick('promotions')).filter(isObj).map((p) => ({
      identifier: str(p.identifier),
      name: str(p.name),
      programId: p.programId == null ? null : num(p.programId),
    })),
    userGroupIdentifierTypes: list(pick('userGroupIdentifierTypes') ?? pick('groupIdentifierTypes')).map((t) => str(t)),
  };
}

/** Values of a condition: `{ billIdentification: "STANDARD_FIELDS" }` or `{ x: ["A", "B"] }`. */
function conditions(v: unknown): Record<string, unknown[]> {
  if (!isObj(v)) return {};
  const out: Record<string, unknown[]> = {};
  for (const [k, val] of Object.entries(v)) out[k] = Array.isArray(val) ? val : [val];
  return out;
}

/** A field's "when mandatory", in any of the forms a profile document may give it. */
export function readMandatory(field: Obj): MandatoryRule {
  const m = field.mandatory ?? field.required ?? field.mandatoryWhen;
  if (m === true || m === 'always' || m === 'yes') return { kind: 'always' };
  if (m === false || m === 'never' || m === 'no' || m === undefined || m === null) return { kind: 'never' };
  if (isObj(m)) {
    const text = str(m.text ?? m.description ?? field.mandatoryText);
    if (m.always === true) return { kind: 'always' };
    const when = conditions(m.when ?? m.if);
    const unless = conditions(m.unless);
    if (Object.keys(when).length || Object.keys(unless).length) return { kind: 'when', when, unless, text };
    return text ? { kind: 'text', text } : { kind: 'never' };
  }
  return { kind: 'text', text: str(m) };
}

function readField(f: Obj): ProfileField {
  const key = str(f.key);
  return {
    key,
    label: str(f.label, key),
    type: str(f.type, 'string'),
    aliases: list(f.aliases).map((a) => str(a)),
    mandatory: readMandatory(f),
  };
}

/**
 * The header names of the customer column by the identifier it holds, from the field's
 * `aliasesWhen` (`{when: {customerIdentifier: ["MOBILE"]}, aliases: […]}`): the names the
 * server's matching uses. Null when the server lists none.
 */
function customerColumnNamesOf(field: Obj | undefined): Record<string, string[]> | null {
  const out: Record<string, string[]> = {};
  for (const entry of list(field?.aliasesWhen).filter(isObj)) {
    const when = isObj(entry.when) ? entry.when : {};
    for (const kind of list(when.customerIdentifier)) out[str(kind)] = [...(out[str(kind)] ?? []), ...list(entry.aliases).map((a) => str(a))];
  }
  return Object.keys(out).length > 0 ? out : null;
}

/** The profiles of `GET /api/profiles`. */
export function readProfiles(doc: unknown): Profile[] {
  return list(doc, 'profiles')
    .filter(isObj)
    .map((p) => {
      const schema = (p.configSchema ?? p.config ?? p.configuration ?? p.schema) as JsonSchema | undefined;
      const fields = list(p.fields).filter(isObj);
      return {
        key: str(p.key),
        label: str(p.label, str(p.key)),
        fields: fields.map(readField),
        configSchema: isObj(schema) ? schema : { type: 'object', properties: {} },
        customerColumnNames: customerColumnNamesOf(fields.find((f) => f.key === 'customer')),
      };
    });
}

/** A template of `GET …/templates/{id}` (or an item of the list). */
export function readTemplate(doc: unknown): TemplateDocument {
  const outer = isObj(doc) ? (isObj(doc.template) ? doc.template : doc) : {};
  // the API answers a template's JSON form under `body`, beside its id, version and dates
  const t: Obj = isObj(outer.body) ? { ...outer.body, ...outer, body: undefined } : outer;
  const csv = isObj(t.csv) ? t.csv : {};
  return {
    id: str(t.id),
    name: str(t.name),
    profile: str(t.profile),
    version: num(t.version, 1),
    csv: {
      delimiter: str(csv.delimiter, ','),
      quote: str(csv.quote, '"'),
      escape: str(csv.escape, '"'),
      header: csv.header !== false,
      skipTop: num(csv.skipTop),
      skipBottom: num(csv.skipBottom),
      encoding: str(csv.encoding, 'utf-8'),
      dateFormat: strOrNull(csv.dateFormat),
    },
    mapping: isObj(t.mapping) ? (t.mapping as Record<string, string | number>) : {},
    defaults: isObj(t.defaults) ? (t.defaults as Record<string, string>) : {},
    config: isObj(t.config) ? t.config : {},
    rowLimit: typeof t.rowLimit === 'number' ? t.rowLimit : undefined,
    promotionIdentifier: strOrNull(t.promotionIdentifier),
    updatedAt: strOrNull(t.updatedAt ?? t.createdAt ?? t.savedAt),
  };
}

function readOutcome(r: Obj): RowOutcome {
  const o = r.outcome ?? r.result ?? r.status;
  if (o === 'valid' || o === 'VALID' || r.valid === true) return { valid: true };
  const src = isObj(o) ? o : isObj(r.error) ? r.error : isObj(r.issue) ? r.issue : r;
  if (isObj(o) && (o.valid === true || o.status === 'valid')) return { valid: true };
  const code = str(src.code);
  if (!code) return { valid: true };
  return { valid: false, code, message: str(src.message), field: strOrNull(src.field) };
}

/** The preview of `POST …/previews`. */
export function readPreview(doc: unknown): Preview {
  const d = isObj(doc) ? doc : {};
  const header = Array.isArray(d.header) ? d.header.map((h) => str(h)) : null;
  const mapping: Preview['mapping'] = {};
  const m = d.mapping;
  const entries: Array<[string, unknown]> = Array.isArray(m) ? m.filter(isObj).map((e) => [str(e.field ?? e.key), e]) : isObj(m) ? Object.entries(m) : [];
  for (const [field, v] of entries) {
    if (typeof v === 'number') mapping[field] = { column: v, header: header?.[v] ?? null, auto: false };
    else if (isObj(v)) {
      // `columnNumber` is 1-based, with `column` the header's text; else `column`/`index` 0-based
      const col = typeof v.columnNumber === 'number' ? v.columnNumber - 1 : typeof v.column === 'number' ? v.column : v.index;
      const column = typeof col === 'number' ? col : null;
      mapping[field] = {
        column,
        header: strOrNull(v.header) ?? (typeof v.column === 'string' ? v.column : null) ?? (column != null ? (header?.[column] ?? null) : null),
        auto: v.auto === true || v.automatic === true || v.autoMapped === true,
      };
    }
  }
  const rows: PreviewRow[] = list(d.rows)
    .filter(isObj)
    .map((r, i) => ({
      rowNumber: num(r.rowNumber ?? r.row, i + 2),
      cells: list(r.cells ?? r.values).map((c) => str(c)),
      outcome: readOutcome(r),
    }));
  const fe = d.fileError;
  return { header, mapping, rows, fileError: isObj(fe) ? { code: str(fe.code), message: str(fe.message) } : null };
}
