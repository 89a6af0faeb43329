import { describe, expect, it } from 'vitest';
import type { JsonSchema, OrgDocument } from '../../api/types';
import { configToSend, controlsOf, humanise, initialConfig, missingRequired } from './schema-form';

const org: OrgDocument = {
  id: 'demo',
  name: 'Demo',
  timezone: 'Asia/Kolkata',
  baseCountry: 'IN',
  stores: [{ code: 'S001', externalId: 'EXT-S001', name: 'Store 1', tills: ['S001-T1'] }],
  trackers: [{ id: 11, name: 'Spend 2025', type: 'BILL' }],
  programs: [
    { id: 1, name: 'Rewards', default: true, expiryStrategies: [{ id: 1, name: '365 days', kind: 'AFTER_DAYS' }] },
    { id: 2, name: 'Other', default: false, expiryStrategies: [{ id: 9, name: 'Soon', kind: 'FIXED_DATE' }] },
  ],
  promotions: [],
  userGroupIdentifierTypes: [],
};

// as zod 4's toJSONSchema writes the Customer Promotion configuration
const schema: JsonSchema = {
  type: 'object',
  properties: {
    customerIdentifier: { default: 'MOBILE', type: 'string', enum: ['MOBILE', 'EMAIL'] },
    appendCountryCode: { default: false, type: 'boolean' },
    replaceInvalidStoreWith: { default: null, anyOf: [{ type: 'string', minLength: 1 }, { type: 'null' }] },
    userGroup2Enabled: { default: false, type: 'boolean' },
    userGroup2IdentifierType: { default: 'GROUP_ID', type: 'string', enum: ['GROUP_ID', 'EXTERNAL_ID'] },
    promotionName: { type: 'string', minLength: 1, maxLength: 100 },
    program: { anyOf: [{ anyOf: [{ type: 'integer', exclusiveMinimum: 0 }, { type: 'string', minLength: 1 }] }, { type: 'null' }] },
    expiryStrategy: { anyOf: [{ anyOf: [{ type: 'integer' }, { type: 'string' }] }, { type: 'null' }] },
  },
  required: ['customerIdentifier', 'appendCountryCode', 'replaceInvalidStoreWith', 'userGroup2Enabled', 'userGroup2IdentifierType', 'promotionName'],
};

describe('controlsOf', () => {
  it('makes selects of enums and of the org lists, checkboxes of booleans, text boxes of strings', () => {
    const controls = controlsOf(schema, org, initialConfig(schema));
    const byKey = Object.fromEntries(controls.map((c) => [c.key, c]));
    expect(byKey.customerIdentifier).toMatchObject({ kind: 'select', options: [{ value: 'MOBILE', label: 'Mobile number' }, { value: 'EMAIL', label: 'Email address' }] });
    expect(byKey.appendCountryCode?.kind).toBe('checkbox');
    expect(byKey.promotionName).toMatchObject({ kind: 'text', required: true, maxLength: 100 });
    expect(byKey.replaceInvalidStoreWith).toMatchObject({ kind: 'select', options: [{ value: '' }, { value: 'S001' }] });
    expect(byKey.program).toMatchObject({ kind: 'select', required: false });
    expect(byKey.expiryStrategy).toMatchObject({ options: [{ value: '' }, { value: '365 days' }] });
  });

  it('offers the expiry strategies of the chosen program', () => {
    const controls = controlsOf(schema, org, { program: 'Other' });
    expect(controls.find((c) => c.key === 'expiryStrategy')).toMatchObject({ options: [{ value: '' }, { value: 'Soon' }] });
  });

  it('shows the group identifier type only when groups are enabled', () => {
    expect(controlsOf(schema, org, { userGroup2Enabled: false }).some((c) => c.key === 'userGroup2IdentifierType')).toBe(false);
    expect(controlsOf(schema, org, { userGroup2Enabled: true }).some((c) => c.key === 'userGroup2IdentifierType')).toBe(true);
  });
});

describe('initialConfig, configToSend and missingRequired', () => {
  it('starts from the defaults and sends empties as null or not at all', () => {
    const config = { ...initialConfig(schema), promotionName: 'Festive', program: '', replaceInvalidStoreWith: '' };
    expect(configToSend(schema, config)).toEqual({ customerIdentifier: 'MOBILE', appendCountryCode: false, replaceInvalidStoreWith: null, userGroup2Enabled: false, promotionName: 'Festive' });
  });

  it('names the required keys still empty', () => {
    const controls = controlsOf(schema, org, initialConfig(schema));
    expect(missingRequired(controls, initialConfig(schema)).map((c) => c.key)).toEqual(['promotionName']);
  });

  it('puts codes into words', () => {
    expect(humanise('PRIMARY_USER_MOBILE')).toBe("Primary member's mobile");
    expect(humanise('END_OF_MONTH_AFTER')).toBe('End of month after');
    expect(humanise('billIdentification')).toBe('Bill identification');
  });
});
