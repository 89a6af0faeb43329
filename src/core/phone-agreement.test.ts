import { randomSequence } from '../demo/generate.js';
import { type CountryCode, getCountries, getCountryCallingCode, getExampleNumber, Metadata, parsePhoneNumberFromString } from 'libphonenumber-js/mobile';
import examples from 'libphonenumber-js/mobile/examples';
import mobileMetadata from 'libphonenumber-js/mobile/metadata';
import { describe, expect, it } from 'vitest';
import { nationalMobileByPlan, normaliseMobile, normaliseMobileWithLibrary } from './phone.js';

/**
 * normaliseMobile reads national numbers by compiled plans, and must answer exactly what the
 * libphonenumber-js reading (normaliseMobileWithLibrary) answers. The sample is generated, the same
 * on every run, for every country the library knows: mobiles drawn from the country's own mobile
 * pattern (so that many are valid) and from its other number patterns, the same cut, lengthened or
 * with a digit changed, random digits of every length from 1 to 17, each with and without the
 * trunk prefix, the calling code or an international dialling prefix in front, and numbers of the
 * other countries of a shared calling code.
 */

interface PlanAccessors {
  nationalNumberPattern(): string;
  nationalPrefix(): string | undefined;
  IDDPrefix(): string | undefined;
  nationalPrefixTransformRule(): string | undefined;
  type(name: 'MOBILE'): { pattern(): string } | undefined;
}

const plans = new Map<CountryCode, PlanAccessors>();

function accessors(country: CountryCode): PlanAccessors {
  let plan = plans.get(country);
  if (!plan) {
    const metadata = new Metadata();
    metadata.selectNumberingPlan(country);
    plan = metadata.numberingPlan as unknown as PlanAccessors;
    plans.set(country, plan);
  }
  return plan;
}

const random = randomSequence(20_240_611);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const digit = (): string => String(Math.floor(random() * 10));
const randomDigits = (length: number): string => Array.from({ length }, digit).join('');

// Strings matching a metadata pattern: the patterns use digits, \d, [classes], (?:groups), |, ?
// and {n} or {n,m} only.
type Node = { alternatives: Item[][] };
type Item = { atom: string[] | Node; min: number; max: number };

function parsePattern(source: string): Node {
  let at = 0;
  const alternation = (): Node => {
    const alternatives: Item[][] = [[]];
    while (at < source.length && source[at] !== ')') {
      if (source[at] === '|') {
        at++;
        alternatives.push([]);
        continue;
      }
      let atom: string[] | Node;
      if (source.startsWith('(?:', at)) {
        at += 3;
        atom = alternation();
        at++;
      } else if (source.startsWith('\\d', at)) {
        at += 2;
        atom = [...'0123456789'];
      } else if (source[at] === '[') {
        const end = source.indexOf(']', at);
        const set: string[] = [];
        for (let i = at + 1; i < end; i++) {
          if (source[i + 1] === '-' && i + 2 < end) {
            for (let d = Number(source[i]); d <= Number(source[i + 2]); d++) set.push(String(d));
            i += 2;
          } else if (source.startsWith('\\d', i)) {
            set.push(...'0123456789');
            i++;
          } else set.push(source[i]);
        }
        atom = set;
        at = end + 1;
      } else if (/\d/.test(source[at])) {
        atom = [source[at++]];
      } else throw new Error(`unexpected ${source[at]} at ${at} in ${source}`);
      let min = 1;
      let max = 1;
      if (source[at] === '?') {
        min = 0;
        at++;
      } else if (source[at] === '{') {
        const end = source.indexOf('}', at);
        const [low, high] = source.slice(at + 1, end).split(',');
        min = Number(low);
        max = high === undefined ? min : Number(high);
        at = end + 1;
      }
      alternatives[alternatives.length - 1].push({ atom, min, max });
    }
    return { alternatives };
  };
  const node = alternation();
  if (at !== source.length) throw new Error(`unbalanced ${source}`);
  return node;
}

function generate(node: Node): string {
  let out = '';
  for (const item of pick(node.alternatives)) {
    const times = item.min + Math.floor(random() * (item.max - item.min + 1));
    for (let i = 0; i < times; i++) out += Array.isArray(item.atom) ? pick(item.atom) : generate(item.atom);
  }
  return out;
}

/** A number changed a little: cut, lengthened, or with one digit changed. */
function mutate(national: string): string {
  const at = Math.floor(random() * national.length);
  switch (Math.floor(random() * 3)) {
    case 0:
      return national.slice(0, -1);
    case 1:
      return national + digit();
    default:
      return national.slice(0, at) + digit() + national.slice(at + 1);
  }
}

/** A number of a given length that starts like a mobile of the country. */
function withLength(national: string, length: number): string {
  return national.length >= length ? national.slice(0, length) : national + randomDigits(length - national.length);
}

/** Separators as people type them between groups of digits. */
function spaced(number: string): string {
  const separator = pick([' ', '-', '.', ' - ', '(', ')']);
  const cut = 1 + Math.floor(random() * Math.max(1, number.length - 1));
  return number.slice(0, cut) + separator + number.slice(cut);
}

interface Tally {
  comparisons: number;
  disagreements: string[];
  /**
   * National numbers the library reads as a valid mobile of the base country, by country: those it
   * answers other than with their digits, fewer than all when the calling code leads the digits.
   */
  valid: Map<CountryCode, number>;
  nationals: number;
  /** National numbers the plan leaves to the library, and those of them it has no reason to. */
  undecided: number;
  unexplained: string[];
  /** National numbers the plan alone is compared on with the library (one in four). */
  readByPlan: number;
}

function libraryReading(digits: string, country: CountryCode): string | null {
  const parsed = parsePhoneNumberFromString(digits, country);
  return parsed?.isValid() && parsed.country === country ? parsed.number.slice(1) : null;
}

function disagree(tally: Tally, message: string): void {
  if (tally.disagreements.length < 20) tally.disagreements.push(message);
}

function compare(raw: string, country: CountryCode, tally: Tally): string | null {
  const options = { appendCountryCode: true, baseCountry: country };
  const expected = normaliseMobileWithLibrary(raw, options);
  const actual = normaliseMobile(raw, options);
  tally.comparisons++;
  if (actual !== expected) disagree(tally, `${country} ${raw}: ${actual}, the library ${expected}`);
  return expected;
}

/**
 * Compares a national number as normaliseMobile reads it and, one in four, as the plan alone
 * reads it; the plan may leave a number to the library only when it starts with an international
 * dialling prefix or a national prefix transform rule may apply.
 */
function compareNational(digits: string, country: CountryCode, tally: Tally): void {
  const expected = compare(digits, country, tally);
  // An answer other than the digits themselves (after a leading 00) is the library's valid
  // national reading.
  if (expected && expected !== digits.replace(/^00/, '')) tally.valid.set(country, (tally.valid.get(country) ?? 0) + 1);
  const plan = nationalMobileByPlan(digits, country);
  if (plan === undefined) {
    tally.undecided++;
    if (!mayBeLeftToLibrary(digits, country) && tally.unexplained.length < 20) tally.unexplained.push(`${country} ${digits}`);
  } else if (tally.nationals % 4 === 0) {
    tally.readByPlan++;
    const library = libraryReading(digits, country);
    if (plan !== library) disagree(tally, `plan ${country} ${digits}: ${plan}, the library ${library}`);
  }
  tally.nationals++;
}

function mayBeLeftToLibrary(digits: string, country: CountryCode): boolean {
  const plan = accessors(country);
  const idd = plan.IDDPrefix() ? new RegExp(`^(?:${plan.IDDPrefix()})`).exec(digits) : null;
  const main = sharing(country)[0];
  return Boolean(idd?.[0]) || Boolean(plan.nationalPrefixTransformRule()) || Boolean(accessors(main).nationalPrefixTransformRule());
}

const countries = getCountries();
/** The countries of a calling code, in the library's order: the main one first. */
const sharing = (country: CountryCode): CountryCode[] => mobileMetadata.country_calling_codes[getCountryCallingCode(country)];

function sampleCountry(country: CountryCode, tally: Tally): void {
  const plan = accessors(country);
  const cc = getCountryCallingCode(country);
  const trunk = plan.nationalPrefix() || '';
  const idd = plan.IDDPrefix() ?? '';
  const mobilePattern = plan.type('MOBILE')?.pattern();
  const mobile = parsePattern(mobilePattern || plan.nationalNumberPattern());
  const anyNumber = parsePattern(plan.nationalNumberPattern());
  const neighbours = sharing(country).filter((c) => c !== country).map((c) => accessors(c).type('MOBILE')?.pattern());
  const example = getExampleNumber(country, examples)?.nationalNumber;

  const variants = (national: string) => {
    compareNational(national, country, tally);
    if (trunk) compareNational(trunk + national, country, tally);
    compareNational(cc + national, country, tally);
    if (trunk) compareNational(cc + trunk + national, country, tally);
    if (/^\d+$/.test(idd)) compareNational(idd + cc + national, country, tally);
  };

  for (let i = 0; i < 150; i++) {
    const national = generate(mobile);
    variants(national);
    variants(mutate(national));
    compare(spaced(trunk + national), country, tally);
    compare(`+${cc} ${national}`, country, tally);
    compare(`00${cc}${national}`, country, tally);
  }
  for (let i = 0; i < 30; i++) variants(generate(anyNumber));
  for (const pattern of neighbours) {
    if (!pattern) continue;
    const node = parsePattern(pattern);
    for (let i = 0; i < Math.max(5, 120 / neighbours.length); i++) variants(generate(node));
  }
  if (example) for (let i = 0; i < 10; i++) variants(i === 0 ? example : mutate(example));
  for (let length = 1; length <= 17; length++) {
    for (let i = 0; i < 3; i++) {
      const noise = randomDigits(length);
      const likeMobile = withLength(generate(mobile), length);
      compareNational(noise, country, tally);
      compareNational(likeMobile, country, tally);
      if (trunk) {
        compareNational(withLength(trunk + noise, length), country, tally);
        compareNational(withLength(trunk + likeMobile, length), country, tally);
      }
    }
  }
}

describe('normaliseMobile by compiled plans', () => {
  it('answers as libphonenumber-js on a large sample of every country', () => {
    const tally: Tally = { comparisons: 0, disagreements: [], valid: new Map(), nationals: 0, undecided: 0, unexplained: [], readByPlan: 0 };
    for (const country of countries) sampleCountry(country, tally);
    const valid = [...tally.valid.values()].reduce((a, b) => a + b, 0);
    const percent = (n: number) => `${((100 * n) / tally.nationals).toFixed(1)}%`;
    console.info(
      `${tally.comparisons} comparisons with the library, ${tally.nationals} national numbers: ${valid} valid (${percent(valid)}), ` +
        `${tally.undecided} left to the library (${percent(tally.undecided)}), ${tally.readByPlan} also compared as the plan alone reads them`,
    );
    expect(tally.disagreements).toEqual([]);
    expect(tally.unexplained).toEqual([]);
    expect(tally.comparisons).toBeGreaterThanOrEqual(500_000);
    expect(valid).toBeGreaterThanOrEqual(60_000);
    // Every country has valid mobiles in the sample, but for a few whose mobiles the library gives
    // to the main country of their calling code (Cocos Island mobiles are Australian to it).
    const lacking = countries.filter((c) => (tally.valid.get(c) ?? 0) < 50);
    expect(lacking.filter((c) => sharing(c)[0] === c)).toEqual([]);
    expect(lacking.length).toBeLessThanOrEqual(10);
  });

  it('reads the mobiles of the common base countries without the library', () => {
    const common: CountryCode[] = ['IN', 'GB', 'AE', 'SA', 'SG', 'MY', 'ID', 'PH', 'AU', 'DE', 'FR', 'BR', 'MX', 'US'];
    for (const country of common) {
      const plan = accessors(country);
      const trunk = plan.nationalPrefix() || '';
      const mobile = parsePattern(plan.type('MOBILE')!.pattern());
      let valid = 0;
      for (let i = 0; i < 400; i++) {
        const national = generate(mobile);
        for (const digits of trunk ? [national, trunk + national] : [national]) {
          const read = nationalMobileByPlan(digits, country);
          expect(read, `${country} ${digits}`).not.toBeUndefined();
          expect(read).toBe(libraryReading(digits, country));
          if (read) valid++;
        }
      }
      expect(valid, country).toBeGreaterThan(200);
    }
  });

  it('reads the listed numbers as the library does', () => {
    const cases: [string, CountryCode, string | null][] = [
      ['9876543210', 'IN', '919876543210'],
      ['09876543210', 'IN', '919876543210'],
      ['919876543210', 'IN', '919876543210'],
      ['9123456789', 'IN', '919123456789'],
      ['98765 43210', 'IN', '919876543210'],
      ['098-7654-3210', 'IN', '919876543210'],
      ['(0) 98765.43210', 'IN', '919876543210'],
      ['+91 98765 43210', 'IN', '919876543210'],
      ['0091 98765 43210', 'IN', '919876543210'],
      ['07400 123456', 'GB', '447400123456'],
      ['07700900123', 'GB', null], // Ofcom's drama range is no mobile of the metadata
      ['07911 123456', 'GB', null], // a Guernsey mobile to the library
      ['07911 123456', 'GG', '447911123456'],
      ['07624 123456', 'IM', '447624123456'],
      ['(201) 555-0123', 'US', '12015550123'],
      ['1 201 555 0123', 'US', '12015550123'],
      ['201.555.0123', 'CA', '2015550123'], // a US number: kept as +20 (Egypt) 15550123
      ['(613) 555-0123', 'CA', '16135550123'],
      ['1-613-555-0123', 'CA', '16135550123'],
      ['613 555 0123', 'US', '6135550123'], // a Canadian number: kept as +61 (Australia) 35550123
      ['8 916 123-45-67', 'RU', '79161234567'],
      ['916 123 45 67', 'KZ', '9161234567'], // a Russian number: kept as +91 (India) 61234567
      ['8 701 123 45 67', 'KZ', '77011234567'],
      ['701 123 45 67', 'RU', null],
      ['0412 345 678', 'AU', '61412345678'],
      ['(11) 98765-4321', 'BR', '5511987654321'],
      ['0 11 98765-4321', 'BR', '5511987654321'],
      ['050 123 4567', 'AE', '971501234567'],
      ['0512345678', 'SA', '966512345678'],
      ['8123 4567', 'SG', '6581234567'],
      ['012-345 6789', 'MY', '60123456789'],
      ['0812-3456-7890', 'ID', '6281234567890'],
      ['0917 123 4567', 'PH', '639171234567'],
      ['01511 2345678', 'DE', '4915112345678'],
      ['06 12 34 56 78', 'FR', '33612345678'],
      ['55 1234 5678', 'MX', '525512345678'],
    ];
    for (const [raw, country, expected] of cases) {
      const options = { appendCountryCode: true, baseCountry: country };
      expect(normaliseMobileWithLibrary(raw, options), `${country} ${raw}`).toBe(expected);
      expect(normaliseMobile(raw, options), `${country} ${raw}`).toBe(expected);
    }
  });
});
