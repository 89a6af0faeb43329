import { type CountryCode, getCountries, getCountryCallingCode, isPossiblePhoneNumber, Metadata } from 'libphonenumber-js/min';
import { parsePhoneNumberFromString as parseMobile } from 'libphonenumber-js/mobile';

/**
 * Mobile numbers, normalised to digits with the country code first (no `+`), through
 * libphonenumber-js. The library costs ~6 µs a call, so it is kept off the hot path: "possible"
 * depends only on the calling code and the national number's length (the library checks lengths
 * only) and is memoised per pair; a national number is checked against the base country's
 * number pattern first, and only a candidate is parsed (with mobile metadata: the column holds
 * mobiles), memoised by its digits.
 */

const SEPARATORS = /[\s\-.()]/g;
const DIGITS = /^\d+$/;

const countries = new Set<string>(getCountries());
const callingCodes = new Set<string>(getCountries().map((c) => getCountryCallingCode(c)));
const possibleMemo = new Map<string, Map<number, boolean>>();
const nationalPatterns = new Map<CountryCode, { pattern: RegExp; prefix: string }>();
const nationalMemo = new Map<string, string | null>();

/** True when `country` is an ISO 3166 alpha-2 code the phone library knows. */
export function isKnownCountry(country: string): country is CountryCode {
  return countries.has(country);
}

export interface MobileOptions {
  appendCountryCode: boolean;
  baseCountry: string;
}

/** Normalises a mobile cell to international digits, or null when it cannot be a phone number. */
export function normaliseMobile(raw: string, options: MobileOptions): string | null {
  let digits = raw.replace(SEPARATORS, '');
  // A leading + or 00 says the number is written internationally: it keeps its country code.
  let international = false;
  if (digits.startsWith('+')) {
    digits = digits.slice(1);
    international = true;
  } else if (digits.startsWith('00')) {
    digits = digits.slice(2);
    international = true;
  }
  if (!DIGITS.test(digits)) return null;
  if (options.appendCountryCode && !international && isKnownCountry(options.baseCountry)) {
    const national = nationalToInternational(digits, options.baseCountry);
    if (national) return national;
  }
  return isPossibleInternational(digits) ? digits : null;
}

function nationalToInternational(digits: string, country: CountryCode): string | null {
  // Cheap refusal first, from the library's own metadata: digits that fit no national number
  // pattern of the country (with or without its trunk prefix) cannot be a valid national number.
  const { pattern, prefix } = nationalPattern(country);
  if (!pattern.test(digits) && !(prefix && digits.startsWith(prefix) && pattern.test(digits.slice(prefix.length)))) return null;
  const key = `${country}|${digits}`;
  let result = nationalMemo.get(key);
  if (result === undefined) {
    const parsed = parseMobile(digits, country);
    result = parsed?.isValid() && parsed.country === country ? parsed.number.slice(1) : null;
    if (nationalMemo.size > 200_000) nationalMemo.clear();
    nationalMemo.set(key, result);
  }
  return result;
}

function nationalPattern(country: CountryCode): { pattern: RegExp; prefix: string } {
  let entry = nationalPatterns.get(country);
  if (!entry) {
    const metadata = new Metadata();
    metadata.selectNumberingPlan(country);
    // The typings omit these two accessors of the numbering plan; they are stable since v1.
    const plan = metadata.numberingPlan as unknown as { nationalNumberPattern(): string; nationalPrefix(): string | undefined };
    entry = { pattern: new RegExp(`^(?:${plan.nationalNumberPattern()})$`), prefix: plan.nationalPrefix() ?? '' };
    nationalPatterns.set(country, entry);
  }
  return entry;
}

function isPossibleInternational(digits: string): boolean {
  let cc = '';
  for (let len = 1; len <= 3 && len < digits.length; len++) {
    if (callingCodes.has(digits.slice(0, len))) {
      cc = digits.slice(0, len);
      break;
    }
  }
  if (!cc) return false;
  let byLength = possibleMemo.get(cc);
  if (!byLength) {
    byLength = new Map();
    possibleMemo.set(cc, byLength);
  }
  let possible = byLength.get(digits.length);
  if (possible === undefined) {
    possible = isPossiblePhoneNumber(`+${digits}`);
    byLength.set(digits.length, possible);
  }
  return possible;
}
