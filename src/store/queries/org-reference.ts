import type { ExistingReferences } from '../../domain/reference-data.js';
import type { Org, StoreRecord, TillRecord } from '../../domain/org.js';
import type { ExpiryKind, Program, Promotion } from '../../domain/programs.js';
import type { Tracker, TrackerType } from '../../domain/trackers.js';
import type { LookupStore, ReferenceStore } from '../port.js';
import { nullableNumber, type Queries, slices } from './queries.js';

/** An org and the reference data a job prepares with: its stores, tills, trackers, programs and promotions. */
export class OrgReference
  implements Pick<LookupStore, 'getOrg' | 'listStores' | 'listTills' | 'listTrackers' | 'listPrograms' | 'findPromotion' | 'listPromotions'>, Pick<ReferenceStore, 'findExisting'>
{
  constructor(private readonly q: Queries) {}

  async getOrg(orgId: string): Promise<Org | null> {
    const row = await this.q.db.selectFrom('orgs').selectAll().where('id', '=', orgId).executeTakeFirst();
    return row ? { id: row.id, name: row.name, baseCountry: row.base_country, timezone: row.timezone } : null;
  }

  async listStores(orgId: string): Promise<StoreRecord[]> {
    const rows = await this.q.db.selectFrom('stores').select(['code', 'external_id', 'name']).where('org_id', '=', orgId).orderBy('code').execute();
    return rows.map((r) => ({ code: r.code, externalId: r.external_id, name: r.name }));
  }

  async listTills(orgId: string): Promise<TillRecord[]> {
    const rows = await this.q.db.selectFrom('tills').select(['code', 'store_code']).where('org_id', '=', orgId).orderBy('code').execute();
    return rows.map((r) => ({ code: r.code, storeCode: r.store_code }));
  }

  async listTrackers(orgId: string): Promise<Tracker[]> {
    const rows = await this.q.db.selectFrom('trackers').selectAll().where('org_id', '=', orgId).orderBy('id').execute();
    return rows.map((r) => ({
      id: Number(r.id),
      name: r.name,
      type: r.type as TrackerType,
      windowStart: r.window_start,
      windowEnd: r.window_end,
    }));
  }

  async listPrograms(orgId: string): Promise<Program[]> {
    const programs = await this.q.db.selectFrom('programs').selectAll().where('org_id', '=', orgId).orderBy('id').execute();
    const strategies = await this.q.db.selectFrom('expiry_strategies').selectAll().where('org_id', '=', orgId).orderBy('id').execute();
    return programs.map((p) => ({
      id: Number(p.id),
      name: p.name,
      isDefault: Number(p.is_default) === 1,
      expiryStrategies: strategies
        .filter((s) => Number(s.program_id) === Number(p.id))
        .map((s) => ({
          id: Number(s.id),
          name: s.name,
          kind: s.kind as ExpiryKind,
          days: s.days,
          months: s.months,
          date: s.date,
        })),
    }));
  }

  async findPromotion(orgId: string, identifier: string): Promise<Promotion | null> {
    const row = await this.q.db
      .selectFrom('promotions')
      .select(['identifier', 'name', 'program_id'])
      .where('org_id', '=', orgId)
      .where('identifier', '=', identifier)
      .executeTakeFirst();
    return row ? { identifier: row.identifier, name: row.name, programId: Number(row.program_id) } : null;
  }


  async listPromotions(orgId: string): Promise<Promotion[]> {
    const rows = await this.q.db.selectFrom('promotions').select(['identifier', 'name', 'program_id']).where('org_id', '=', orgId).orderBy('identifier').execute();
    return rows.map((r) => ({ identifier: r.identifier, name: r.name, programId: Number(r.program_id) }));
  }


  async findExisting(
    orgId: string,
    named: { userIds: number[]; storeCodes: string[]; programIds: number[]; groupIds: number[] },
  ): Promise<ExistingReferences> {
    const existing: ExistingReferences = { customers: new Map(), stores: new Set(), programs: new Set(), groups: new Set() };
    for (const slice of slices(named.userIds)) {
      const rows = await this.q.db.selectFrom('customers').select(['user_id', 'group_id']).where('org_id', '=', orgId).where('user_id', 'in', this.q.inList(slice)).execute();
      for (const r of rows) existing.customers.set(Number(r.user_id), { groupId: nullableNumber(r.group_id) });
    }
    for (const slice of slices(named.storeCodes)) {
      const rows = await this.q.db.selectFrom('stores').select('code').where('org_id', '=', orgId).where('code', 'in', this.q.inList(slice)).execute();
      for (const r of rows) existing.stores.add(r.code);
    }
    for (const slice of slices(named.programIds)) {
      const rows = await this.q.db.selectFrom('programs').select('id').where('org_id', '=', orgId).where('id', 'in', this.q.inList(slice)).execute();
      for (const r of rows) existing.programs.add(Number(r.id));
    }
    for (const slice of slices(named.groupIds)) {
      const rows = await this.q.db.selectFrom('user_groups').select('group_id').where('org_id', '=', orgId).where('group_id', 'in', this.q.inList(slice)).execute();
      for (const r of rows) existing.groups.add(Number(r.group_id));
    }
    return existing;
  }
}
