import type { Org, StoreRecord } from './org.js';
import type { Program, Promotion } from './programs.js';
import type { Tracker } from './trackers.js';

/** The reference-data file, checked and normalised (see org/reference-data.ts). */
export interface ReferenceData {
  org: Org;
  stores: Array<StoreRecord & { tills: string[] }>;
  customers: Array<{
    userId: number;
    mobile: string | null;
    email: string | null;
    externalId: string | null;
    cards: Array<{ number: string; externalId: string | null }>;
  }>;
  userGroups: Array<{ groupId: number; externalId: string | null; primaryUserId: number; memberUserIds: number[] }>;
  transactions: Array<{
    loyaltyLogId: number;
    billNumber: string;
    date: string;
    localDate: string;
    storeCode: string;
    userId: number;
    groupId: number | null;
    amount: string;
    lineItems: Array<{ itemId: number; sku: string | null; amount: string | null; qty: number | null }>;
  }>;
  trackers: Tracker[];
  programs: Program[];
  promotions: Promotion[];
}

/** Entities that a reference-data file names but does not contain, found in the store. */
export interface ExistingReferences {
  customers: Map<number, { groupId: number | null }>;
  stores: Set<string>;
  programs: Set<number>;
  groups: Set<number>;
}

