import { z } from 'zod';
import { issueMessage } from '../core/schema-issue.js';
import { parseDecimal } from '../core/decimal.js';
import { localDate, parseIsoDate } from '../core/date-format.js';
import { isKnownCountry } from '../core/phone.js';
import { isValidZone } from '../core/timezone.js';
import { EXPIRY_KINDS } from '../domain/programs.js';
import type { ReferenceData } from '../domain/reference-data.js';
import { TRACKER_TYPES } from '../domain/trackers.js';
import type { Store } from '../store/port.js';
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

/** The reference-data file's schema; every key carries its description for the docs and the API. */
export const referenceDataSchema = z
  .object({
    org: z
      .object({
        id: z
          .string()
          .regex(/^[a-z0-9][a-z0-9_-]*$/i, 'a slug of letters, digits, - and _')
          .meta({ description: 'The org\'s id: letters, digits, `-` and `_`, starting with a letter or digit. Every command names the org by it.' }),
        name: text.meta({ description: 'The org\'s name, for people.' }),
        baseCountry: z
          .string()
          .refine(isKnownCountry, 'an ISO 3166 alpha-2 country code, such as "IN"')
          .meta({ description: 'ISO 3166 alpha-2 country code (`IN`); its calling code is added to national mobiles when a template sets `appendCountryCode`.' }),
        timezone: z
          .string()
          .refine(isValidZone, 'an IANA time zone, such as "Asia/Kolkata"')
          .meta({ description: 'IANA time zone (`Asia/Kolkata`): local dates, tracker windows, issue and expiry times are in it.' }),
      })
      .strict()
      .meta({ description: 'The org the file creates or updates. The only key that must be present.' }),
    stores: z
      .array(
        z
          .object({
            code: text.meta({ description: 'The store code, unique in the org; what a store column holds by default.' }),
            externalId: text.nullish().meta({ description: 'The store\'s external id, unique in the org; matched when a template sets `storesByExternalId`.' }),
            name: z.string().nullish().meta({ description: 'The store\'s name, for people.' }),
            tills: z.array(text).default([]).meta({ description: 'The codes of the store\'s tills (point-of-sale terminals, "till IUN"), each unique in the org.' }),
          })
          .strict(),
      )
      .default([])
      .meta({ description: 'Stores, by `code`.' }),
    customers: z
      .array(
        z
          .object({
            userId: id.meta({ description: 'The customer\'s id: a positive integer, unique in the org.' }),
            mobile: z
              .string()
              .regex(/^[1-9]\d{6,14}$/, 'digits with the country code first, no "+"')
              .nullish()
              .meta({ description: 'Digits with the country code first, no `+` (`919876543210`); unique in the org.' }),
            email: z.string().trim().toLowerCase().email().nullish().meta({ description: 'An email address, stored in lower case; unique in the org.' }),
            externalId: text.nullish().meta({ description: 'The customer\'s external id, unique in the org.' }),
            cards: z
              .array(
                z
                  .object({
                    number: text.meta({ description: 'The card number, unique in the org.' }),
                    externalId: text.nullish().meta({ description: 'The card\'s external id, unique in the org.' }),
                  })
                  .strict(),
              )
              .default([])
              .meta({ description: 'The customer\'s loyalty cards.' }),
          })
          .strict(),
      )
      .default([])
      .meta({ description: 'Customers, by `userId`.' }),
    userGroups: z
      .array(
        z
          .object({
            groupId: id.meta({ description: 'The group\'s id: a positive integer, unique in the org.' }),
            externalId: text.nullish().meta({ description: 'The group\'s external id, unique in the org.' }),
            primaryUserId: id.meta({ description: 'The user id of the group\'s primary member.' }),
            memberUserIds: z.array(id).default([]).meta({ description: 'The user ids of the other members. A customer belongs to at most one group.' }),
          })
          .strict(),
      )
      .default([])
      .meta({ description: 'User groups ("User Group2", fleets), by `groupId`; an entry states the group\'s whole membership.' }),
    transactions: z
      .array(
        z
          .object({
            loyaltyLogId: id.meta({ description: 'The transaction\'s id: a positive integer, unique in the org.' }),
            billNumber: text.meta({ description: 'The bill number printed on the receipt.' }),
            date: z
              .string()
              .refine((d) => parseIsoDate(d) !== null, 'an ISO 8601 date-time')
              .meta({ description: 'ISO 8601 date-time; without an offset it is local to the org.' }),
            storeCode: text.meta({ description: 'The store it was made at: a store code of the org or of this file.' }),
            userId: id.meta({ description: 'The customer who made it.' }),
            groupId: id.nullish().meta({ description: 'Set for a group transaction: a group that the customer belongs to.' }),
            amount: decimal.meta({ description: 'The bill amount: a decimal (string or number), at most 6 decimals.' }),
            lineItems: z
              .array(
                z
                  .object({
                    itemId: id.meta({ description: 'The line item\'s id: a positive integer, unique in the org.' }),
                    sku: z.string().nullish().meta({ description: 'The product\'s SKU.' }),
                    amount: decimal.nullish().meta({ description: 'The line\'s amount: a decimal.' }),
                    qty: z.number().int().nullish().meta({ description: 'The quantity.' }),
                  })
                  .strict(),
              )
              .default([])
              .meta({ description: 'The bill\'s line items, needed by `LINEITEM` trackers.' }),
          })
          .strict(),
      )
      .default([])
      .meta({ description: 'Transactions (bills), by `loyaltyLogId`.' }),
    trackers: z
      .array(
        z
          .object({
            id: id.meta({ description: 'The tracker\'s id: a positive integer.' }),
            name: text.meta({ description: 'The tracker\'s name, unique in the org.' }),
            type: z.enum(TRACKER_TYPES).meta({ description: 'What it tracks; only `BILL` and `LINEITEM` trackers can be imported into.' }),
            windowStart: isoDate.meta({ description: 'The first local date of its window (`yyyy-MM-dd`), inclusive.' }),
            windowEnd: isoDate.meta({ description: 'The last local date of its window, inclusive; not before `windowStart`.' }),
          })
          .strict(),
      )
      .default([])
      .meta({ description: 'Trackers, by `id`.' }),
    programs: z
      .array(
        z
          .object({
            id: id.meta({ description: 'The program\'s id: a positive integer.' }),
            name: text.meta({ description: 'The program\'s name.' }),
            default: z.boolean().default(false).meta({ description: 'Whether it is the org\'s default program; at most one is.' }),
            expiryStrategies: z
              .array(
                z
                  .object({
                    id: id.meta({ description: 'The strategy\'s id, unique in its program.' }),
                    name: text.meta({ description: 'The strategy\'s name.' }),
                    kind: z.enum(EXPIRY_KINDS).meta({
                      description:
                        '`AFTER_DAYS`: `days` after the local issue date; `END_OF_MONTH_AFTER`: the last day of the month `months` after the issue month; `FIXED_DATE`: on `date`; `NEVER`.',
                    }),
                    days: z.number().int().nonnegative().nullish().meta({ description: 'For `AFTER_DAYS`: the number of days.' }),
                    months: z.number().int().nonnegative().nullish().meta({ description: 'For `END_OF_MONTH_AFTER`: the number of months.' }),
                    date: isoDate.nullish().meta({ description: 'For `FIXED_DATE`: the expiry date (`yyyy-MM-dd`).' }),
                  })
                  .strict(),
              )
              .default([])
              .meta({ description: 'How points awarded in the program may expire.' }),
          })
          .strict(),
      )
      .default([])
      .meta({ description: 'Loyalty programs, by `id`.' }),
    promotions: z
      .array(
        z
          .object({
            identifier: text.meta({ description: 'The promotion identifier, unique in the org.' }),
            name: text.meta({ description: 'The promotion\'s name.' }),
            programId: id.meta({ description: 'The program the promotion belongs to.' }),
          })
          .strict(),
      )
      .default([])
      .meta({ description: 'Promotions, by `identifier`.' }),
  })
  .strict();

export type ReferenceDataFile = z.input<typeof referenceDataSchema>;

/** Checks a parsed reference-data file and returns it normalised; throws ReferenceDataError. */
export async function checkReferenceData(input: unknown, store: Store): Promise<ReferenceData> {
  const parsed = referenceDataSchema.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new ReferenceDataError(`${describePath(first.path, input)}: ${issueMessage(first)}`);
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
  let parent: PropertyKey | undefined;
  for (const part of path) {
    node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[part] : undefined;
    if (typeof part === 'number') {
      out += `[${part}]`;
      const obj = node as Record<string, unknown> | undefined;
      // An entry is named by its own id (a transaction by its loyaltyLogId, not its customer's).
      const key = ENTRY_IDS[String(parent)];
      if (obj && key && obj[key] !== undefined) out += ` (${key} ${JSON.stringify(obj[key])})`;
    } else {
      out += out ? `.${String(part)}` : String(part);
    }
    parent = part;
  }
  return out || 'the file';
}

/** The key that names an entry of each list of the file. */
const ENTRY_IDS: Record<string, string> = {
  customers: 'userId',
  transactions: 'loyaltyLogId',
  lineItems: 'itemId',
  userGroups: 'groupId',
  stores: 'code',
  cards: 'number',
  trackers: 'id',
  programs: 'id',
  expiryStrategies: 'id',
  promotions: 'identifier',
};
