import fs from 'node:fs';
import { once } from 'node:events';
import type { ReferenceDataFile } from '../org/reference-data.js';

/**
 * Synthetic data for the demo, the tests and the benchmark: an org of N customers, each with a
 * card and one transaction (with one line item), and Trackers files that reference them.
 * Deterministic: the same arguments give the same data.
 */

export const STORE_COUNT = 20;

export function storeCode(i: number): string {
  return `S${String((i % STORE_COUNT) + 1).padStart(3, '0')}`;
}

export function mobileOf(userId: number): string {
  return `91${9_000_000_000 + userId}`;
}

export function loyaltyLogIdOf(userId: number): number {
  return 100_000 + userId;
}

export function itemIdOf(userId: number): number {
  return 5_000_000 + userId;
}

/** The local date-time of customer `userId`'s transaction, in 2025. */
export function transactionDateOf(userId: number): { iso: string; day: number; month: number; hour: number; minute: number } {
  const month = (userId % 12) + 1;
  const day = (userId % 28) + 1;
  const hour = 9 + (userId % 12);
  const minute = userId % 60;
  const iso = `2025-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:00`;
  return { iso, day, month, hour, minute };
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** An org with `customers` customers, as a reference-data file. Every 50th customer is in a group of 5. */
export function generateOrg(orgId: string, customers: number): ReferenceDataFile {
  const stores = Array.from({ length: STORE_COUNT }, (_, i) => ({
    code: storeCode(i),
    externalId: `EXT-${storeCode(i)}`,
    name: `Store ${i + 1}`,
    tills: [`${storeCode(i)}-T1`, `${storeCode(i)}-T2`],
  }));
  const customerList: NonNullable<ReferenceDataFile['customers']> = new Array(customers);
  const transactions: NonNullable<ReferenceDataFile['transactions']> = new Array(customers);
  const userGroups: NonNullable<ReferenceDataFile['userGroups']> = [];
  for (let u = 1; u <= customers; u++) {
    customerList[u - 1] = {
      userId: u,
      mobile: mobileOf(u),
      email: `customer${u}@example.com`,
      externalId: `CUST-${u}`,
      cards: [{ number: `4000${String(u).padStart(12, '0')}`, externalId: `CARD-${u}` }],
    };
  }
  // Groups: customers 50k+1 … 50k+5 form group 900000+k, the first of them its primary.
  const groupOf = new Map<number, number>();
  for (let first = 1; first + 4 <= customers; first += 50) {
    const groupId = 900_000 + first;
    const members = [first + 1, first + 2, first + 3, first + 4];
    userGroups.push({ groupId, externalId: `FLEET-${groupId}`, primaryUserId: first, memberUserIds: members });
    for (const m of [first, ...members]) groupOf.set(m, groupId);
  }
  for (let u = 1; u <= customers; u++) {
    transactions[u - 1] = {
      loyaltyLogId: loyaltyLogIdOf(u),
      billNumber: `B-${u}`,
      date: transactionDateOf(u).iso,
      storeCode: storeCode(u),
      userId: u,
      groupId: groupOf.get(u) ?? null,
      amount: `${(u % 500) + 100}.50`,
      lineItems: [{ itemId: itemIdOf(u), sku: `SKU-${u % 100}`, amount: '100.00', qty: 1 }],
    };
  }
  return {
    org: { id: orgId, name: 'Demo Retail', baseCountry: 'IN', timezone: 'Asia/Kolkata' },
    stores,
    customers: customerList,
    userGroups,
    transactions,
    trackers: [
      { id: 11, name: 'Spend 2025', type: 'BILL', windowStart: '2025-01-01', windowEnd: '2025-12-31' },
      { id: 12, name: 'Items 2025', type: 'LINEITEM', windowStart: '2025-01-01', windowEnd: '2025-12-31' },
      { id: 13, name: 'Visits', type: 'VISITS', windowStart: '2025-01-01', windowEnd: '2025-12-31' },
    ],
    programs: [
      {
        id: 1,
        name: 'Demo Rewards',
        default: true,
        expiryStrategies: [
          { id: 1, name: '365 days', kind: 'AFTER_DAYS', days: 365 },
          { id: 2, name: 'End of 6th month', kind: 'END_OF_MONTH_AFTER', months: 6 },
          { id: 3, name: 'March 2026', kind: 'FIXED_DATE', date: '2026-03-31' },
          { id: 4, name: 'Never', kind: 'NEVER' },
        ],
      },
    ],
    promotions: [{ identifier: 'SUMMER-25', name: 'Summer bonus', programId: 1 }],
  };
}

/** Writes lines to a file through a 1 MiB buffer; `close` flushes and waits for the file. */
function lineWriter(file: string) {
  const out = fs.createWriteStream(file);
  let buffer = '';
  return {
    async line(text: string) {
      buffer += `${text}\n`;
      if (buffer.length > 1 << 20) {
        if (!out.write(buffer)) await once(out, 'drain');
        buffer = '';
      }
    },
    close() {
      out.write(buffer);
      return new Promise<void>((resolve, reject) => {
        out.on('error', reject);
        out.end(() => resolve());
      });
    },
  };
}

/** The kinds of invalid row a generated Trackers file mixes in, in turn. */
export const GENERATED_INVALID_KINDS = ['CUSTOMER_NOT_FOUND', 'INVALID_NUMBER', 'STORE_NOT_FOUND', 'TRANSACTION_NOT_FOUND', 'INVALID_DATE', 'MISSING_VALUE'] as const;

/**
 * Writes a Trackers file (header: Mobile, Bill No, Date, Store, Value; dates as dd/MM/yyyy HH:mm)
 * of `rows` rows for customers 1…`customers`; one row in `invalidEvery` is invalid. Returns the
 * expected count of rejections per code.
 */
export async function writeTrackersFile(file: string, rows: number, customers: number, invalidEvery = 33): Promise<Record<string, number>> {
  const out = lineWriter(file);
  await out.line('Mobile,Bill No,Date,Store,Value');
  const expected: Record<string, number> = {};
  let invalid = 0;
  const accepted = new Uint8Array(customers + 1);
  for (let r = 0; r < rows; r++) {
    const u = (r % customers) + 1;
    const t = transactionDateOf(u);
    let mobile = mobileOf(u);
    let bill = `B-${u}`;
    let date = `${pad(t.day)}/${pad(t.month)}/2025 ${pad(t.hour)}:${pad(t.minute)}`;
    let store = storeCode(u);
    let value = `${(r % 900) + 10}.25`;
    if (r % invalidEvery === invalidEvery - 1) {
      const kind = GENERATED_INVALID_KINDS[invalid++ % GENERATED_INVALID_KINDS.length]!;
      expected[kind] = (expected[kind] ?? 0) + 1;
      if (kind === 'CUSTOMER_NOT_FOUND') mobile = `91${8_000_000_000 + u}`;
      else if (kind === 'INVALID_NUMBER') value = '"12,5"';
      else if (kind === 'STORE_NOT_FOUND') store = 'S999';
      else if (kind === 'TRANSACTION_NOT_FOUND') bill = `X-${u}`;
      else if (kind === 'INVALID_DATE') date = '31/02/2025 10:00';
      else mobile = '';
    } else if (accepted[u]) {
      expected.DUPLICATE_IN_FILE = (expected.DUPLICATE_IN_FILE ?? 0) + 1;
    } else {
      accepted[u] = 1;
    }
    await out.line(`${mobile},${bill},${date},${store},${value}`);
  }
  await out.close();
  return expected;
}

/** The template the generated Trackers files are made for. */
export function generatedTrackersTemplate(orgId: string, name = 'Spend tracker, daily POS export') {
  return {
    org: orgId,
    name,
    profile: 'TRACKERS',
    csv: { dateFormat: 'dd/MM/yyyy HH:mm' },
    mapping: { customer: 'Mobile', trackedValue: 'Value' },
    config: { customerIdentifier: 'MOBILE', appendCountryCode: true, billIdentification: 'STANDARD_FIELDS', tracker: 'Spend 2025' },
  };
}

/**
 * A deterministic pseudo-random sequence in [0, 1) (mulberry32): the same seed gives the same
 * file, so that a benchmark's runs and a test's expectations agree.
 */
export function randomSequence(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Customers 1…`customers` in a random order, again and again: the customer of each row of a file. */
function* shuffledCustomers(customers: number, random: () => number): Generator<number> {
  const order = new Int32Array(customers);
  for (;;) {
    for (let i = 0; i < customers; i++) order[i] = i + 1;
    for (let i = customers - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    yield* order;
  }
}

/** A customer's mobile as a point-of-sale export writes it: ten national digits, no country code. */
export function nationalMobileOf(userId: number): string {
  return String(9_000_000_000 + userId);
}

/**
 * Writes a Trackers file shaped like a point-of-sale export (header: Mobile, Bill No, Date, Store,
 * Value): each row is a random customer's transaction, mobiles are national, half the dates have
 * no time (ISO 8601, `2025-03-04` or `2025-03-04 10:15:00`), and about one row in `invalidEvery`,
 * at random places, is invalid. Returns the expected count of rejections per code.
 */
export async function writeRealTrackersFile(file: string, rows: number, customers: number, invalidEvery = 33, seed = 1): Promise<Record<string, number>> {
  const out = lineWriter(file);
  await out.line('Mobile,Bill No,Date,Store,Value');
  const random = randomSequence(seed);
  const customersInOrder = shuffledCustomers(customers, random);
  const expected: Record<string, number> = {};
  let invalid = 0;
  const accepted = new Uint8Array(customers + 1);
  for (let r = 0; r < rows; r++) {
    const u = customersInOrder.next().value as number;
    const t = transactionDateOf(u);
    let mobile = nationalMobileOf(u);
    let bill = `B-${u}`;
    let date = r % 2 === 0 ? t.iso.slice(0, 10) : t.iso.replace('T', ' ');
    let store = storeCode(u);
    let value = `${(r % 900) + 10}.25`;
    if (random() * invalidEvery < 1) {
      const kind = GENERATED_INVALID_KINDS[invalid++ % GENERATED_INVALID_KINDS.length]!;
      expected[kind] = (expected[kind] ?? 0) + 1;
      if (kind === 'CUSTOMER_NOT_FOUND') mobile = String(8_000_000_000 + u);
      else if (kind === 'INVALID_NUMBER') value = '"12,5"';
      else if (kind === 'STORE_NOT_FOUND') store = 'S999';
      else if (kind === 'TRANSACTION_NOT_FOUND') bill = `X-${u}`;
      else if (kind === 'INVALID_DATE') date = '2025-02-31';
      else mobile = '';
    } else if (accepted[u]) {
      expected.DUPLICATE_IN_FILE = (expected.DUPLICATE_IN_FILE ?? 0) + 1;
    } else {
      accepted[u] = 1;
    }
    await out.line(`${mobile},${bill},${date},${store},${value}`);
  }
  await out.close();
  return expected;
}

/** The template point-of-sale shaped Trackers files are made for: national mobiles, ISO dates. */
export function realTrackersTemplate(orgId: string, name = 'Spend tracker, POS export') {
  return {
    org: orgId,
    name,
    profile: 'TRACKERS',
    mapping: { customer: 'Mobile', trackedValue: 'Value' },
    config: { customerIdentifier: 'MOBILE', appendCountryCode: true, billIdentification: 'STANDARD_FIELDS', tracker: 'Spend 2025' },
  };
}

/**
 * Writes a Customer Promotion file shaped like a real export (header: Mobile, Till, Points):
 * random customers, national mobiles, about one row in `invalidEvery` invalid at random places.
 * Returns the expected count of rejections per code.
 */
export async function writeRealPromotionFile(file: string, rows: number, customers: number, invalidEvery = 33, seed = 1): Promise<Record<string, number>> {
  const out = lineWriter(file);
  await out.line('Mobile,Till,Points');
  const random = randomSequence(seed);
  const customersInOrder = shuffledCustomers(customers, random);
  const expected: Record<string, number> = {};
  let invalid = 0;
  for (let r = 0; r < rows; r++) {
    const u = customersInOrder.next().value as number;
    let mobile = nationalMobileOf(u);
    let till = r % 2 === 0 ? `${storeCode(u)}-T1` : storeCode(u);
    let points = `${(r % 500) + 1}.${r % 10}`;
    if (random() * invalidEvery < 1) {
      const kind = GENERATED_PROMOTION_INVALID_KINDS[invalid++ % GENERATED_PROMOTION_INVALID_KINDS.length]!;
      expected[kind] = (expected[kind] ?? 0) + 1;
      if (kind === 'CUSTOMER_NOT_FOUND') mobile = String(8_000_000_000 + u);
      else if (kind === 'INVALID_POINTS') points = r % 2 === 0 ? '0' : '-5';
      else if (kind === 'STORE_NOT_FOUND') till = 'T-UNKNOWN';
      else points = '';
    }
    await out.line(`${mobile},${till},${points}`);
  }
  await out.close();
  return expected;
}

/** The kinds of invalid row a generated Customer Promotion file mixes in, in turn. */
export const GENERATED_PROMOTION_INVALID_KINDS = ['CUSTOMER_NOT_FOUND', 'INVALID_POINTS', 'STORE_NOT_FOUND', 'MISSING_VALUE'] as const;

/**
 * Writes a Customer Promotion file (header: Mobile, Till, Points) of `rows` rows for customers
 * 1…`customers`, the till column naming a till, a store code or (invalid) nothing known; one row
 * in `invalidEvery` is invalid. Returns the expected count of rejections per code.
 */
export async function writePromotionFile(file: string, rows: number, customers: number, invalidEvery = 33): Promise<Record<string, number>> {
  const out = lineWriter(file);
  await out.line('Mobile,Till,Points');
  const expected: Record<string, number> = {};
  let invalid = 0;
  for (let r = 0; r < rows; r++) {
    const u = (r % customers) + 1;
    let mobile = mobileOf(u);
    let till = r % 2 === 0 ? `${storeCode(u)}-T1` : storeCode(u);
    let points = `${(r % 500) + 1}.${r % 10}`;
    if (r % invalidEvery === invalidEvery - 1) {
      const kind = GENERATED_PROMOTION_INVALID_KINDS[invalid++ % GENERATED_PROMOTION_INVALID_KINDS.length]!;
      expected[kind] = (expected[kind] ?? 0) + 1;
      if (kind === 'CUSTOMER_NOT_FOUND') mobile = `91${8_000_000_000 + u}`;
      else if (kind === 'INVALID_POINTS') points = r % 2 === 0 ? '0' : '-5';
      else if (kind === 'STORE_NOT_FOUND') till = 'T-UNKNOWN';
      else points = '';
    }
    await out.line(`${mobile},${till},${points}`);
  }
  await out.close();
  return expected;
}

/** The template the generated Customer Promotion files are made for. */
export function generatedPromotionTemplate(orgId: string, name = 'Festive bonus points') {
  return {
    org: orgId,
    name,
    profile: 'CUSTOMER_PROMOTION',
    mapping: { customer: 'Mobile', storeCode: 'Till' },
    config: { customerIdentifier: 'MOBILE', promotionName: 'Festive bonus', expiryStrategy: '365 days' },
  };
}

/** The template real-shaped Customer Promotion files are made for: national mobiles. */
export function realPromotionTemplate(orgId: string, name = 'Festive bonus points, CRM export') {
  const template = generatedPromotionTemplate(orgId, name);
  return { ...template, config: { ...template.config, appendCountryCode: true } };
}
