import { describe, expect, it } from 'vitest';
import { normaliseCustomerKey } from './identifiers.js';

const ctx = { appendCountryCode: true, baseCountry: 'IN' };

describe('normaliseCustomerKey', () => {
  it('EMAIL: trims and lower-cases an address', () => {
    expect(normaliseCustomerKey('EMAIL', ' Asha@Example.COM ', ctx)).toBe('asha@example.com');
    expect(normaliseCustomerKey('EMAIL', 'ravi.k+loyalty@mail.example.co.in', ctx)).toBe('ravi.k+loyalty@mail.example.co.in');
  });

  it('EMAIL: refuses something that is not an address', () => {
    for (const text of ['asha', 'asha@', '@example.com', 'asha@example', 'asha example@example.com', 'asha@@example.com', 'asha@example.c', '', '9876543210']) {
      expect(normaliseCustomerKey('EMAIL', text, ctx), text).toBeNull();
    }
  });

  it('USER_ID: reads a positive integer', () => {
    expect(normaliseCustomerKey('USER_ID', '1001', ctx)).toBe(1001);
    expect(normaliseCustomerKey('USER_ID', ' 1002 ', ctx)).toBe(1002);
  });

  it('USER_ID: refuses zero, negatives, fractions and words', () => {
    for (const text of ['0', '-1001', '1001.5', '1.0', '1e3', 'abc', 'U1001', '']) {
      expect(normaliseCustomerKey('USER_ID', text, ctx), text).toBeNull();
    }
  });

  it('EXTERNAL_ID, CARD_NUMBER and CARD_EXTERNAL_ID: trimmed and kept exactly, case included', () => {
    expect(normaliseCustomerKey('EXTERNAL_ID', ' cust-1001 ', ctx)).toBe('cust-1001');
    expect(normaliseCustomerKey('CARD_NUMBER', '4000123412341234', ctx)).toBe('4000123412341234');
    expect(normaliseCustomerKey('CARD_EXTERNAL_ID', 'CARD-1001', ctx)).toBe('CARD-1001');
    expect(normaliseCustomerKey('EXTERNAL_ID', '   ', ctx)).toBeNull();
  });

  it('MOBILE: normalised as a mobile number', () => {
    expect(normaliseCustomerKey('MOBILE', '098765-43210', ctx)).toBe('919876543210');
    expect(normaliseCustomerKey('MOBILE', '98765abc10', ctx)).toBeNull();
  });
});
