import { parsePhoneNumberFromString as parseWithFullMetadata } from 'libphonenumber-js/max';
import { isPossiblePhoneNumber } from 'libphonenumber-js/min';
import { describe, expect, it } from 'vitest';
import { isKnownCountry, normaliseMobile } from './phone.js';

const plain = { appendCountryCode: false, baseCountry: 'IN' };
const appendIN = { appendCountryCode: true, baseCountry: 'IN' };

describe('normaliseMobile', () => {
  it('drops spaces, dashes, dots and brackets', () => {
    expect(normaliseMobile('91 98765-43210', plain)).toBe('919876543210');
    expect(normaliseMobile('(91) 98765.43210', plain)).toBe('919876543210');
    expect(normaliseMobile(' 91-98765-43210 ', plain)).toBe('919876543210');
  });

  it('drops a leading + or 00', () => {
    expect(normaliseMobile('+91 98765 43210', plain)).toBe('919876543210');
    expect(normaliseMobile('0091 (98765) 43210', plain)).toBe('919876543210');
    expect(normaliseMobile('+1 (212) 555-0123', plain)).toBe('12125550123');
  });

  it('with appendCountryCode and base country IN, gives a 10-digit Indian mobile the code 91', () => {
    expect(normaliseMobile('9876543210', appendIN)).toBe('919876543210');
    expect(normaliseMobile('98765 43210', appendIN)).toBe('919876543210');
    expect(normaliseMobile('98.765.43210', appendIN)).toBe('919876543210');
  });

  it('with appendCountryCode, drops the national trunk prefix 0 before adding 91', () => {
    expect(normaliseMobile('09876543210', appendIN)).toBe('919876543210');
  });

  it('with appendCountryCode, keeps a number that already starts with a country code', () => {
    expect(normaliseMobile('919876543210', appendIN)).toBe('919876543210');
    expect(normaliseMobile('+919876543210', appendIN)).toBe('919876543210');
    expect(normaliseMobile('00919876543210', appendIN)).toBe('919876543210');
  });

  it('with appendCountryCode, keeps a foreign number that is not a valid Indian national number', () => {
    // libphonenumber-js with its full metadata says 12125550123 is not a valid number of IN.
    expect(parseWithFullMetadata('12125550123', 'IN')?.isValid()).toBe(false);
    expect(normaliseMobile('+1 212 555 0123', appendIN)).toBe('12125550123');
    expect(normaliseMobile('12125550123', appendIN)).toBe('12125550123');
  });

  it('without appendCountryCode, reads 9876543210 as +9876543210, as libphonenumber-js does', () => {
    // +98 is Iran; libphonenumber-js says whether 76543210 is a possible number there.
    const possible = isPossiblePhoneNumber('+9876543210');
    expect(possible).toBe(false);
    expect(normaliseMobile('9876543210', plain)).toBe(possible ? '9876543210' : null);
    expect(normaliseMobile('09876543210', plain)).toBeNull();
  });

  it('returns null for a number with letters', () => {
    expect(normaliseMobile('98765abc10', plain)).toBeNull();
    expect(normaliseMobile('98765abc10', appendIN)).toBeNull();
    expect(normaliseMobile('+91 98765 4321O', appendIN)).toBeNull();
    expect(normaliseMobile('asha@example.com', appendIN)).toBeNull();
  });

  it('returns null for a number that is too short or empty', () => {
    expect(normaliseMobile('12345', plain)).toBeNull();
    expect(normaliseMobile('12345', appendIN)).toBeNull();
    expect(normaliseMobile('+91 98765', appendIN)).toBeNull();
    expect(normaliseMobile('', appendIN)).toBeNull();
    expect(normaliseMobile('+', appendIN)).toBeNull();
  });

  it('returns null for a number that is too long', () => {
    expect(normaliseMobile('91987654321012345', appendIN)).toBeNull();
  });

  it('ignores appendCountryCode for a base country the library does not know', () => {
    expect(isKnownCountry('XX')).toBe(false);
    expect(isKnownCountry('IN')).toBe(true);
    expect(normaliseMobile('9876543210', { appendCountryCode: true, baseCountry: 'XX' })).toBeNull();
    expect(normaliseMobile('919876543210', { appendCountryCode: true, baseCountry: 'XX' })).toBe('919876543210');
  });
});
