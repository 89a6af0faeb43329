import { z } from 'zod';
import { parseDecimal } from '../core/decimal.js';
import { localDate, parseIsoDate } from '../core/date-format.js';
import { isKnownCountry } from '../core/phone.js';
import { isValidZone } from '../core/timezone.js';
import { EXPIRY_KINDS, type ReferenceData, type Store, TRACKER_TYPES } from '../store/port.js';
import { ReferenceDataError } from '../store/reference-data-error.js';

/**
 * The reference-data file (`org load`): its schema, its rules, and the load. A file that breaks a
 * rule is refused whole, before anything is written, with a message that names the entry.
 */

const id = z.number().int().positive();
const text = z.string().trim().min(1);
const decimal = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const parsed = parseDecimal(String(v));
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a decimal with at most 6 decimals` });
    return z.NEVER;
  }
  return parsed.value;
});
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as yyyy-MM-dd').refine((d) => parseIsoDate(d) !== null, 'a real calendar date');

const fileSchema = z
  .object({
    org: z
      .object({
        id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'a slug of letters, digits, - and _'),
        name: text,
        baseCountry: z.string().refine(isKnownCountry, 'an ISO 3166 alpha-2 country code, such as "IN"'),
        timezone: z.string().refine(isValidZone, 'an IANA time zone, such as "Asia/Kolkata"'),
      })
      .strict(),
    stores: z
      .array(z.object({ code: text, externalId: text.nullish(), name: z.string().nullish(), tills: z.array(text).default([]) }).strict())
      .default([]),
    customers: z
      .array(
        z
          .object({
            userId: id,
            mobile: z.string().regex(/^[1-9]\d{6,14}$/, 'digits with the country code first, no "+"').nullish(),
            email: z.string().trim().toLowerCase().email().nullish(),
            externalId: text.nullish(),
            cards: z.array(z.object({ number: text, externalId: text.nullish() }).strict()).default([]),
          })
          .strict(),
      )
      .default([]),
    userGroups: z
      .array(z.object({ groupId: id, externalId: text.nullish(), primaryUserId: id, memberUserIds: z.array(id).default([]) }).strict())
      .default([]),
    transactions: z
      .array(
        z
          .object({
            loyaltyLogId: id,
            billNumber: text,
            date: z.string().refine((d) => parseIsoDate(d) !== null, 'an ISO 8601 date-time'),
            storeCode: text,
            userId: id,
            groupId: id.nullish(),
            amount: decimal,
            lineItems: z
              .array(z.object({ itemId: id, sku: z.string().nullish(), amount: decimal.nullish(), qty: z.number().int().nullish() }).strict())
              .default([]),
          })
          .strict(),
      )
      .default([]),
    trackers: z
      .array(z.object({ id, name: text, type: z.enum(TRACKER_TYPES), windowStart: isoDate, windowEnd: isoDate }).strict())
      .default([]),
    programs: z
      .array(
        z
          .object({
            id,
            name: text,
            default: z.boolean().default(false),
            expiryStrategies: z
              .array(
                z
                  .object({
                    id,
                    name: text,
                    kind: z.enum(EXPIRY_KINDS),
                    days: z.number().int().nonnegative().nullish(),
                    months: z.number().int().nonnegative().nullish(),
                    date: isoDate.nullish(),
                  })
                  .strict(),
              )
              .default([]),
          })
          .strict(),
      )
      .default([]),
    promotions: z.array(z.object({ identifier: text, name: text, programId: id }).strict()).default([]),
  })
  .strict();

export type ReferenceDataFile = z.input<typeof fileSchema>;

/** Checks a parsed reference-data file and returns it normalised; throws ReferenceDataError. */
export async function checkReferenceData(input: unknown, store: Store): Promise<ReferenceData> {
  const parsed = fileSchema.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new ReferenceDataError(`${describePath(first.path, input)}: ${first.message}`);
  }
  const f = parsed.data;
  const zone = f.org.timezone;

  const unique = (what: string) => {
    const seen = new Set<string | number>();
    return (value: string | number | null | undefined, entry: string) => {
      if (value === null || value === undefined) return;
      if (seen.has(value)) throw new ReferenceDataError(`${entry}: ${what} "${value}" appears twice in the file`);
      seen.add(value);
    };
  };
  const storeCode = unique('store code');
  const storeExt = unique('store external id');
  const tillCode = unique('till code');
  for (const s of f.stores) {
    storeCode(s.code, `store "${s.code}"`);
    storeExt(s.externalId, `store "${s.code}"`);
    for (const t of s.tills) tillCode(t, `store "${s.code}"`);
  }
  const userId = unique('userId');
  const mobile = unique('mobile');
  const email = unique('email');
  const custExt = unique('externalId');
  const cardNo = unique('card number');
  const cardExt = unique('card externalId');
  for (const c of f.customers) {
    const entry = `customer ${c.userId}`;
    userId(c.userId, entry);
    mobile(c.mobile, entry);
    email(c.email, entry);
    custExt(c.externalId, entry);
    for (const k of c.cards) {
      cardNo(k.number, entry);
      cardExt(k.externalId, entry);
    }
  }
  const programIds = unique('program id');
  for (const p of f.programs) {
    programIds(p.id, `program ${p.id}`);
    const strategyIds = unique('expiry strategy id');
    for (const s of p.expiryStrategies) {
      const entry = `expiry strategy ${s.id} of program ${p.id}`;
      strategyIds(s.id, entry);
      if (s.kind === 'AFTER_DAYS' && s.days == null) throw new ReferenceDataError(`${entry}: AFTER_DAYS needs "days"`);
      if (s.kind === 'END_OF_MONTH_AFTER' && s.months == null) throw new ReferenceDataError(`${entry}: END_OF_MONTH_AFTER needs "months"`);
      if (s.kind === 'FIXED_DATE' && s.date == null) throw new ReferenceDataError(`${entry}: FIXED_DATE needs "date"`);
    }
  }
  if (f.programs.filter((p) => p.default).length > 1) throw new ReferenceDataError('programs: more than one program is marked "default"');
  const trackerIds = unique('tracker id');
  const trackerNames = unique('tracker name');
  for (const t of f.trackers) {
    trackerIds(t.id, `tracker ${t.id}`);
    trackerNames(t.name, `tracker ${t.id}`);
    if (t.windowStart > t.windowEnd) throw new ReferenceDataError(`tracker ${t.id}: windowStart ${t.windowStart} is after windowEnd ${t.windowEnd}`);
  }
  const promotionIds = unique('promotion identifier');
  for (const p of f.promotions) promotionIds(p.identifier, `promotion "${p.identifier}"`);

  // References may point into the file or at what the org already has.
  const fileUsers = new Set(f.customers.map((c) => c.userId));
  const fileStores = new Set(f.stores.map((s) => s.code));
  const filePrograms = new Set(f.programs.map((p) => p.id));
  const fileGroups = new Set(f.userGroups.map((g) => g.groupId));
  const named = {
    users: new Set<number>(),
    stores: new Set<string>(),
    programs: new Set<number>(),
    groups: new Set<number>(),
  };
  // Every member's stored group matters (a customer belongs to at most one group), in the file or not.
  for (const g of f.userGroups) for (const u of [g.primaryUserId, ...g.memberUserIds]) named.users.add(u);
  for (const t of f.transactions) {
    // A group transaction's customer: their stored group tells whether they belong to it.
    if (!fileUsers.has(t.userId) || t.groupId != null) named.users.add(t.userId);
    if (!fileStores.has(t.storeCode)) named.stores.add(t.storeCode);
    if (t.groupId != null && !fileGroups.has(t.groupId)) named.groups.add(t.groupId);
  }
  for (const p of f.promotions) if (!filePrograms.has(p.programId)) named.programs.add(p.programId);
  const existing = await store.findExisting(f.org.id, {
    userIds: [...named.users],
    storeCodes: [...named.stores],
    programIds: [...named.programs],
    groupIds: [...named.groups],
  });
  const hasUser = (u: number) => fileUsers.has(u) || existing.customers.has(u);

  const groupIds = unique('groupId');
  const groupExt = unique('group externalId');
  const groupOf = new Map<number, number>();
  for (const g of f.userGroups) {
    const entry = `user group ${g.groupId}`;
    groupIds(g.groupId, entry);
    groupExt(g.externalId, entry);
    for (const u of new Set([g.primaryUserId, ...g.memberUserIds])) {
      if (!hasUser(u)) throw new ReferenceDataError(`${entry}: member ${u} is not a customer of the org`);
      const other = groupOf.get(u);
      if (other !== undefined) throw new ReferenceDataError(`${entry}: customer ${u} is already a member of user group ${other}; a customer belongs to at most one group`);
      const stored = existing.customers.get(u)?.groupId ?? null;
      if (stored !== null && stored !== g.groupId && !fileGroups.has(stored)) {
        throw new ReferenceDataError(`${entry}: customer ${u} is already a member of user group ${stored}; a customer belongs to at most one group`);
      }
      groupOf.set(u, g.groupId);
    }
  }
  const loyaltyLogIds = unique('loyaltyLogId');
  const itemIds = unique('itemId');
  const transactions = f.transactions.map((t) => {
    const entry = `transaction ${t.loyaltyLogId}`;
    loyaltyLogIds(t.loyaltyLogId, entry);
    if (!hasUser(t.userId)) throw new ReferenceDataError(`${entry}: userId ${t.userId} is not a customer of the org`);
    if (!fileStores.has(t.storeCode) && !existing.stores.has(t.storeCode)) throw new ReferenceDataError(`${entry}: storeCode "${t.storeCode}" is not a store of the org`);
    if (t.groupId != null) {
      if (!fileGroups.has(t.groupId) && !existing.groups.has(t.groupId)) throw new ReferenceDataError(`${entry}: groupId ${t.groupId} is not a user group of the org`);
      // The customer's group after this load: as the file states it, else as stored.
      const stored = existing.customers.get(t.userId)?.groupId ?? null;
      const group = groupOf.get(t.userId) ?? (stored !== null && fileGroups.has(stored) ? null : stored);
      if (group !== t.groupId) throw new ReferenceDataError(`${entry}: customer ${t.userId} is not a member of user group ${t.groupId}`);
    }
    for (const li of t.lineItems) itemIds(li.itemId, entry);
    return {
      loyaltyLogId: t.loyaltyLogId,
      billNumber: t.billNumber,
      date: t.date,
      localDate: localDate(parseIsoDate(t.date)!, zone),
      storeCode: t.storeCode,
      userId: t.userId,
      groupId: t.groupId ?? null,
      amount: t.amount,
      lineItems: t.lineItems.map((li) => ({ itemId: li.itemId, sku: li.sku ?? null, amount: li.amount ?? null, qty: li.qty ?? null })),
    };
  });
  for (const p of f.promotions) {
    if (!filePrograms.has(p.programId) && !existing.programs.has(p.programId)) {
      throw new ReferenceDataError(`promotion "${p.identifier}": programId ${p.programId} is not a program of the org`);
    }
  }

  return {
    org: f.org,
    stores: f.stores.map((s) => ({ code: s.code, externalId: s.externalId ?? null, name: s.name ?? null, tills: s.tills })),
    customers: f.customers.map((c) => ({
      userId: c.userId,
      mobile: c.mobile ?? null,
      email: c.email ?? null,
      externalId: c.externalId ?? null,
      cards: c.cards.map((k) => ({ number: k.number, externalId: k.externalId ?? null })),
    })),
    userGroups: f.userGroups.map((g) => ({ groupId: g.groupId, externalId: g.externalId ?? null, primaryUserId: g.primaryUserId, memberUserIds: g.memberUserIds })),
    transactions,
    trackers: f.trackers,
    programs: f.programs.map((p) => ({
      id: p.id,
      name: p.name,
      isDefault: p.default,
      expiryStrategies: p.expiryStrategies.map((s) => ({ id: s.id, name: s.name, kind: s.kind, days: s.days ?? null, months: s.months ?? null, date: s.date ?? null })),
    })),
    promotions: f.promotions,
  };
}

/** Checks and loads a reference-data file; returns what it holds, by kind. */
export async function loadReferenceData(input: unknown, store: Store): Promise<Record<string, number | string>> {
  const data = await checkReferenceData(input, store);
  await store.loadReferenceData(data);
  return {
    org: data.org.id,
    stores: data.stores.length,
    customers: data.customers.length,
    userGroups: data.userGroups.length,
    transactions: data.transactions.length,
    trackers: data.trackers.length,
    programs: data.programs.length,
    promotions: data.promotions.length,
  };
}

/** Names the entry a schema issue is about: `customers[3] (userId 1004).mobile`. */
function describePath(path: PropertyKey[], input: unknown): string {
  let out = '';
  let node: unknown = input;
  for (const part of path) {
    node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[part] : undefined;
    if (typeof part === 'number') {
      out += `[${part}]`;
      const obj = node as Record<string, unknown> | undefined;
      const key = obj && ['userId', 'code', 'loyaltyLogId', 'groupId', 'id', 'identifier', 'itemId', 'number'].find((k) => obj[k] !== undefined);
      if (key) out += ` (${key} ${JSON.stringify(obj[key])})`;
    } else {
      out += out ? `.${String(part)}` : String(part);
    }
  }
  return out || 'the file';
}
