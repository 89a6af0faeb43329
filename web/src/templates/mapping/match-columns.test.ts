import { describe, expect, it } from 'vitest';
import type { ProfileField } from '../../api/types';
import { choicesOfMapping, foldName, isMandatory, mappingOf, proposeMatches, setColumn, unmappedMandatory } from './match-columns';

/** Header names of the customer column by identifier, as GET /api/profiles lists them (`aliasesWhen`). */
const CUSTOMER_COLUMN_NAMES: Record<string, readonly string[]> = {
  MOBILE: ['Mobile', 'Mobile Number', 'Mobile No', 'Phone', 'Phone Number'],
  EMAIL: ['Email', 'E-mail', 'Email Address'],
};

const field = (key: string, label: string, aliases: string[] = [], mandatory: ProfileField['mandatory'] = { kind: 'always' }): ProfileField => ({ key, label, type: 'string', aliases, mandatory });

const trackerFields: ProfileField[] = [
  field('customer', 'Mobile/Email/External ID/User ID', ['Customer'], { kind: 'when', when: {}, unless: { userGroup2Enabled: [true] }, text: '' }),
  field('group', 'User Group2 Identifier', ['Group ID'], { kind: 'when', when: { userGroup2Enabled: [true] }, unless: {}, text: '' }),
  field('billNumber', 'Bill Number', ['Bill No']),
  field('transactionDate', 'Transaction Date', ['Date']),
  field('storeCode', 'Store Code', ['Store']),
  field('trackedValue', 'Tracked Value', ['Value']),
];

describe('foldName', () => {
  it('ignores case, spaces, underscores and punctuation', () => {
    expect(foldName('Bill No.')).toBe('billno');
    expect(foldName('bill_no')).toBe('billno');
    expect(foldName('  BillNo ')).toBe('billno');
  });
});

describe('proposeMatches', () => {
  it('matches headers by label, key and alias whatever their case, spaces and underscores', () => {
    const m = proposeMatches(['MOBILE', 'bill_number', 'transaction date', 'store', 'TrackedValue'], trackerFields, (f) => (f.key === 'customer' ? CUSTOMER_COLUMN_NAMES.MOBILE : []));
    expect(m.customer).toEqual({ column: 0, source: 'auto' });
    expect(m.billNumber?.column).toBe(1);
    expect(m.transactionDate?.column).toBe(2);
    expect(m.storeCode?.column).toBe(3);
    expect(m.trackedValue?.column).toBe(4);
    expect(m.group?.column).toBeNull();
  });

  it('matches the customer column by the configured identifier only', () => {
    const header = ['Email', 'Value'];
    expect(proposeMatches(header, trackerFields, (f) => (f.key === 'customer' ? CUSTOMER_COLUMN_NAMES.MOBILE : [])).customer?.column).toBeNull();
    expect(proposeMatches(header, trackerFields, (f) => (f.key === 'customer' ? CUSTOMER_COLUMN_NAMES.EMAIL : [])).customer?.column).toBe(0);
  });

  it('gives a header to one field only, the first declared', () => {
    const fields = [field('a', 'Store'), field('b', 'Store Code', ['Store'])];
    const m = proposeMatches(['Store'], fields);
    expect(m.a?.column).toBe(0);
    expect(m.b?.column).toBeNull();
  });

  it('never matches an empty header', () => {
    expect(proposeMatches(['', '  '], [field('x', '')]).x?.column).toBeNull();
  });
});

describe('setColumn', () => {
  it('moves a column from the field that had it to the one the operator chose', () => {
    const m = setColumn({ a: { column: 0, source: 'auto' }, b: { column: null, source: 'auto' } }, 'b', 0);
    expect(m.a).toEqual({ column: null, source: 'operator' });
    expect(m.b).toEqual({ column: 0, source: 'operator' });
  });
});

describe('isMandatory and unmappedMandatory', () => {
  it('follows when and unless conditions of the configuration', () => {
    const customer = trackerFields[0]!.mandatory;
    expect(isMandatory(customer, { userGroup2Enabled: false })).toBe(true);
    expect(isMandatory(customer, { userGroup2Enabled: true })).toBe(false);
    expect(isMandatory(trackerFields[1]!.mandatory, {})).toBe(false);
    expect(isMandatory({ kind: 'when', when: { trackerType: ['LINEITEM'] }, unless: {}, text: '' }, {}, { trackerType: 'LINEITEM' })).toBe(true);
  });

  it('lists the mandatory fields without a column or a default', () => {
    const choices = proposeMatches(['Mobile', 'Bill No', 'Date'], trackerFields, () => ['Mobile']);
    const missing = unmappedMandatory(trackerFields, choices, { userGroup2Enabled: false }, { storeCode: 'S001' });
    expect(missing.map((f) => f.key)).toEqual(['trackedValue']);
  });
});

describe('mappingOf and choicesOfMapping', () => {
  it('writes header texts when the file has a header, column numbers when it has none or a header repeats', () => {
    const choices = { a: { column: 0, source: 'auto' as const }, b: { column: 2, source: 'operator' as const }, c: { column: null, source: 'auto' as const } };
    expect(mappingOf(choices, ['Mobile', 'X', 'Value'])).toEqual({ a: 'Mobile', b: 'Value' });
    expect(mappingOf(choices, null)).toEqual({ a: 1, b: 3 });
    expect(mappingOf(choices, ['Mobile', 'Value', 'value'])).toEqual({ a: 'Mobile', b: 3 });
  });

  it('reads a saved mapping back against a sample header', () => {
    expect(choicesOfMapping({ a: 'mobile', b: 3, c: 'Gone' }, ['Mobile', 'x', 'y'])).toEqual({
      a: { column: 0, source: 'template' },
      b: { column: 2, source: 'template' },
      c: { column: null, source: 'template' },
    });
  });
});
