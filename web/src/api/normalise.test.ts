import { describe, expect, it } from 'vitest';
import { readOrg, readPreview, readProfiles, readTemplate } from './normalise';

describe('readProfiles', () => {
  it('reads fields, the configuration schema under "config", and mandatory rules', () => {
    const [p] = readProfiles([
      {
        key: 'CUSTOMER_PROMOTION',
        label: 'Customer Promotion',
        fields: [{ key: 'points', label: 'Points', type: 'points', aliases: ['Point'], mandatory: true }, { key: 'group', label: 'Group', type: 'string', aliases: [], mandatory: { when: { userGroup2Enabled: true } } }],
        config: { type: 'object', properties: { promotionName: { type: 'string' } } },
      },
    ]);
    expect(p?.fields[0]).toEqual({ key: 'points', label: 'Points', type: 'points', aliases: ['Point'], mandatory: { kind: 'always' } });
    expect(p?.fields[1]?.mandatory).toEqual({ kind: 'when', when: { userGroup2Enabled: [true] }, unless: {}, text: '' });
    expect(p?.configSchema.properties?.promotionName).toEqual({ type: 'string' });
  });

  it("reads the customer column's header names by identifier from its aliasesWhen", () => {
    const customer = {
      key: 'customer',
      label: 'Customer',
      type: 'string',
      aliases: ['Customer'],
      aliasesWhen: [
        { when: { customerIdentifier: ['MOBILE'] }, aliases: ['Mobile', 'Phone'] },
        { when: { customerIdentifier: ['EMAIL'] }, aliases: ['Email'] },
      ],
      mandatory: 'always',
    };
    const [p] = readProfiles({ profiles: [{ key: 'TRACKERS', label: 'Trackers', fields: [customer] }] });
    expect(p?.customerColumnNames).toEqual({ MOBILE: ['Mobile', 'Phone'], EMAIL: ['Email'] });
    const [none] = readProfiles({ profiles: [{ key: 'X', label: 'X', fields: [{ ...customer, aliasesWhen: [] }] }] });
    expect(none?.customerColumnNames).toBeNull();
  });

  it('reads the "when mandatory" GET /api/profiles gives', () => {
    const [p] = readProfiles({
      profiles: [
        {
          key: 'TRACKERS',
          label: 'Trackers',
          fields: [
            { key: 'trackedValue', label: 'Tracked Value', type: 'decimal', aliases: [], mandatory: 'always' },
            { key: 'itemId', label: 'Item Id', type: 'integer', aliases: [], mandatory: { when: { trackerType: ['LINEITEM'] }, unless: {}, text: "when the tracker's type is `LINEITEM`" } },
          ],
        },
      ],
    });
    expect(p?.fields[0]?.mandatory).toEqual({ kind: 'always' });
    expect(p?.fields[1]?.mandatory).toEqual({ kind: 'when', when: { trackerType: ['LINEITEM'] }, unless: {}, text: "when the tracker's type is `LINEITEM`" });
  });
});

describe('readOrg', () => {
  it('reads the lists of the org document, tills as codes', () => {
    const org = readOrg({ id: 'demo', name: 'Demo', stores: [{ code: 'S001', externalId: 'E', name: 'One', tills: ['S001-T1'] }], trackers: [{ id: 11, name: 'Spend', type: 'BILL' }], programs: [{ id: 1, name: 'R', default: true, expiryStrategies: [{ id: 4, name: 'Never', kind: 'NEVER' }] }], promotions: [], userGroupIdentifierTypes: ['GROUP_ID'] });
    expect(org.stores[0]?.tills).toEqual(['S001-T1']);
    expect(org.programs[0]?.expiryStrategies[0]?.name).toBe('Never');
    expect(org.userGroupIdentifierTypes).toEqual(['GROUP_ID']);
  });
});

describe('readTemplate', () => {
  it('reads the JSON form under "body" beside the id and version', () => {
    const t = readTemplate({ id: 't1', name: 'Spend', profile: 'TRACKERS', version: 3, promotionIdentifier: null, savedAt: '2026-01-01T00:00:00Z', body: { name: 'Spend', profile: 'TRACKERS', csv: { delimiter: ';', header: true }, mapping: { customer: 'Mobile' }, config: { tracker: 'Spend 2025' } } });
    expect(t).toMatchObject({ id: 't1', version: 3, csv: { delimiter: ';', skipTop: 0 }, mapping: { customer: 'Mobile' }, config: { tracker: 'Spend 2025' }, updatedAt: '2026-01-01T00:00:00Z' });
  });
});

describe('readPreview', () => {
  it('reads the mapping list (header text and 1-based column number) and each row outcome', () => {
    const p = readPreview({
      header: ['Mobile', 'Points'],
      mapping: [{ field: 'points', label: 'Points', mandatory: true, column: 'Points', columnNumber: 2, auto: true, default: null }],
      rows: [
        { rowNumber: 2, cells: ['9190', '5'], outcome: 'valid' },
        { rowNumber: 3, cells: ['9191', '0'], outcome: 'rejected', code: 'INVALID_POINTS', field: 'points', value: '0', message: 'Points "0" is not greater than zero' },
      ],
      fileError: null,
    });
    expect(p.mapping.points).toEqual({ column: 1, header: 'Points', auto: true });
    expect(p.rows[0]?.outcome).toEqual({ valid: true });
    expect(p.rows[1]?.outcome).toEqual({ valid: false, code: 'INVALID_POINTS', message: 'Points "0" is not greater than zero', field: 'points' });
  });
});
