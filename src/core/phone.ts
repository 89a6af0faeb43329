import { type CountryCode, getCountries, getCountryCallingCode, isPossiblePhoneNumber, Metadata as MinMetadata } from 'libphonenumber-js/min';
import { Metadata, parsePhoneNumberFromString as parseMobile } from 'libphonenumber-js/mobile';

/**
 * Mobile numbers, normalised to digits with the country code first (no `+`), as libphonenumber-js
 * reads them. The library costs ~10 µs a call, seconds over a column of a million distinct
 * numbers, so it is kept off the hot path.
 *
 * "Possible" (a number that keeps its country code) depends only on the calling code and the
 * national number's length (the library checks lengths only) and is memoised per pair.
 *
 * A national number (appendCountryCode) is refused cheaply when it fits no number pattern of the
 * base country, with or without its trunk prefix. A candidate is then read by the country's plan:
 * the steps of the library's parse and isValid with its mobile metadata (the column holds
 * mobiles), compiled once per country: a calling code written without `+`, the national prefix
 * for parsing, the possible lengths, the number type patterns, and which country of a shared
 * calling code (+1, +7, +44…) claims the number. Digits the plan does not follow, those that start
 * with an international dialling prefix or that a national prefix transform rule rewrites
 * (seven-digit numbers of the NANPA territories, Argentine and Brazilian carrier codes…), are
 * parsed by the library, memoised by their digits.
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
  return normalise(raw, options, true);
}

/**
 * The same answer with every national number parsed by libphonenumber-js: the reference the
 * compiled plans are tested and benchmarked against.
 */
export function normaliseMobileWithLibrary(raw: string, options: MobileOptions): string | null {
  return normalise(raw, options, false);
}

function normalise(raw: string, options: MobileOptions, byPlan: boolean): string | null {
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
    const national = nationalToInternational(digits, options.baseCountry, byPlan);
    if (national) return national;
  }
  return isPossibleInternational(digits) ? digits : null;
}

function nationalToInternational(digits: string, country: CountryCode, byPlan: boolean): string | null {
  // Cheap refusal first, from the library's own metadata: digits that fit no national number
  // pattern of the country (with or without its trunk prefix) cannot be a valid national number.
  const { pattern, prefix } = nationalPattern(country);
  if (!pattern.test(digits) && !(prefix && digits.startsWith(prefix) && pattern.test(digits.slice(prefix.length)))) return null;
  if (byPlan) {
    const read = nationalMobileByPlan(digits, country);
    if (read !== undefined) return read;
  }
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
    const metadata = new MinMetadata();
    metadata.selectNumberingPlan(country);
    const plan = metadata.numberingPlan as unknown as NumberingPlan;
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

// The numbering plan's accessors, as libphonenumber-js has them since metadata v4; the typings
// declare only a few of them.
interface NumberingPlan {
  callingCode(): string;
  IDDPrefix(): string | undefined;
  nationalNumberPattern(): string;
  possibleLengths(): number[] | undefined;
  nationalPrefix(): string | undefined;
  nationalPrefixForParsing(): string | undefined;
  nationalPrefixTransformRule(): string | undefined;
  leadingDigits(): string | undefined;
  hasTypes(): boolean;
  type(name: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
}

/** A country's mobile numbering plan, compiled: what the library's parse and isValid consult. */
interface Plan {
  country: CountryCode;
  callingCode: string;
  /** The countries of the calling code, in the library's order (the main one first). */
  sharedWith: CountryCode[];
  idd: RegExp | null;
  nationalNumber: RegExp;
  lengths: number[] | undefined;
  /**
   * By the length of what a national prefix leaves: whether the prefix stays, that length not
   * being possible, alike for every country of the calling code; undefined where they differ, and
   * the country the rest belongs to decides.
   */
  keepsPrefix: (boolean | undefined)[];
  prefixForParsing: RegExp | null;
  transforms: boolean;
  leadingDigits: RegExp | null;
  /**
   * The number types of the metadata (MOBILE alone in the mobile metadata); null when it has none
   * (TA), and isValid checks the national number pattern alone.
   */
  types: { pattern: RegExp; lengths: number[] | undefined }[] | null;
}

const TYPES = ['FIXED_LINE', 'MOBILE', 'TOLL_FREE', 'PREMIUM_RATE', 'PERSONAL_NUMBER', 'VOICEMAIL', 'UAN', 'PAGER', 'VOIP', 'SHARED_COST'];
const MIN_NATIONAL = 2;
const MAX_NATIONAL = 17;
const plans = new Map<CountryCode, Plan>();

function planOf(country: CountryCode): Plan {
  let plan = plans.get(country);
  if (!plan) {
    const numbering = numberingPlan(country);
    const callingCode = numbering.callingCode();
    const idd = numbering.IDDPrefix();
    const prefix = numbering.nationalPrefixForParsing();
    const leading = numbering.leadingDigits();
    const metadata = new Metadata() as unknown as { getCountryCodesForCallingCode(cc: string): CountryCode[] };
    const sharedWith = metadata.getCountryCodesForCallingCode(callingCode);
    const lengths = numbering.possibleLengths() || undefined;
    // The lengths a national number may be checked against: the plan's, when no country of the
    // calling code claims it, or its claimant's.
    const checkedLengths = [lengths, ...sharedWith.map((c) => numberingPlan(c).possibleLengths() || undefined)];
    plan = {
      country,
      callingCode,
      sharedWith,
      idd: idd ? new RegExp(`^(?:${idd})`) : null,
      nationalNumber: new RegExp(`^(?:${numbering.nationalNumberPattern()})$`),
      lengths,
      keepsPrefix: Array.from({ length: MAX_NATIONAL + 2 }, (_, length) => {
        const keeps = new Set(checkedLengths.map((l) => keepsPrefix(length, l)));
        return keeps.size === 1 ? keeps.has(true) : undefined;
      }),
      prefixForParsing: prefix ? new RegExp(`^(?:${prefix})`) : null,
      transforms: Boolean(numbering.nationalPrefixTransformRule()),
      leadingDigits: leading ? new RegExp(`^(?:${leading})`) : null,
      types: numbering.hasTypes()
        ? TYPES.flatMap((t) => {
            const type = numbering.type(t);
            const pattern = type?.pattern();
            return type && pattern ? [{ pattern: new RegExp(`^(?:${pattern})$`), lengths: type.possibleLengths() || undefined }] : [];
          })
        : null,
    };
    plans.set(country, plan);
  }
  return plan;
}

function numberingPlan(country: CountryCode): NumberingPlan {
  const metadata = new Metadata();
  metadata.selectNumberingPlan(country);
  return metadata.numberingPlan as unknown as NumberingPlan;
}

/**
 * What `parsePhoneNumberFromString(digits, country)` of libphonenumber-js/mobile, then `isValid()`
 * and `country === country`, make of national digits: the international digits, null, or
 * undefined when the plan cannot tell (the library must parse them).
 */
export function nationalMobileByPlan(digits: string, country: CountryCode): string | null | undefined {
  if (digits.length < MIN_NATIONAL || digits.length > 250) return null;
  const plan = planOf(country);
  // Digits after the country's international dialling prefix are read as an international number.
  const idd = plan.idd?.exec(digits);
  if (idd?.[0]) return undefined;
  let number = digits;
  let readBy = plan;
  // The country a number no country of the calling code claims is given.
  let unclaimed: CountryCode | undefined = country;
  // The country's calling code written without + is dropped when the digits are too long with it,
  // or fit the national pattern only without it; the rest is then read with the main country's plan.
  if (digits.startsWith(plan.callingCode)) {
    const shorter = digits.slice(plan.callingCode.length);
    const whole = nationalSignificant(digits, plan);
    const rest = nationalSignificant(shorter, plan);
    if (whole === undefined || rest === undefined) return undefined;
    if ((!plan.nationalNumber.test(whole) && plan.nationalNumber.test(rest)) || lengthFit(whole.length, plan.lengths) === 'TOO_LONG') {
      if (!shorter) return null;
      number = shorter;
      readBy = planOf(plan.sharedWith[0]);
      unclaimed = undefined;
    }
  }
  const national = nationalSignificant(number, readBy);
  if (national === undefined) return undefined;
  if (national.length < MIN_NATIONAL || national.length > MAX_NATIONAL) return null;
  const claimant = countryOf(national, plan);
  if ((claimant ?? unclaimed) !== country) return null;
  // A country without leading digits that shares its calling code claims by its types: the
  // number is valid there already.
  const claimedByType = claimant === country && plan.sharedWith.length > 1 && !plan.leadingDigits;
  return claimedByType || isValidIn(national, plan) ? plan.callingCode + national : null;
}

/** The national significant number: the digits without a national (trunk) prefix the plan strips. */
function nationalSignificant(number: string, plan: Plan): string | undefined {
  if (!number || !plan.prefixForParsing) return number;
  const match = plan.prefixForParsing.exec(number);
  if (!match) return number;
  const last = match.length - 1;
  if (plan.transforms && last > 0 && match[last]) return undefined;
  const national = number.slice(match[0].length);
  if (national === number) return number;
  // The prefix stays when it makes a valid-looking number invalid, or leaves too few digits for
  // the country the rest belongs to.
  if (plan.nationalNumber.test(number) && !plan.nationalNumber.test(national)) return number;
  if (plan.lengths) {
    let keep = national.length < plan.keepsPrefix.length ? plan.keepsPrefix[national.length] : undefined;
    if (keep === undefined) {
      const owner = countryOf(national, plan);
      keep = keepsPrefix(national.length, owner ? planOf(owner).lengths : plan.lengths);
    }
    if (keep) return number;
  }
  return national;
}

/**
 * The country of a national number among those of the plan's calling code: the first whose leading
 * digits it starts with or, for a country without leading digits, whose number types it fits.
 */
function countryOf(national: string, plan: Plan): CountryCode | undefined {
  if (plan.sharedWith.length === 1) return plan.sharedWith[0];
  for (const country of plan.sharedWith) {
    const candidate = planOf(country);
    if (candidate.leadingDigits ? candidate.leadingDigits.test(national) : hasType(national, candidate)) return country;
  }
  return undefined;
}

function isValidIn(national: string, plan: Plan): boolean {
  return plan.types ? hasType(national, plan) : plan.nationalNumber.test(national);
}

function hasType(national: string, plan: Plan): boolean {
  if (!plan.types || !plan.nationalNumber.test(national)) return false;
  for (const type of plan.types) {
    if ((!type.lengths || type.lengths.includes(national.length)) && type.pattern.test(national)) return true;
  }
  return false;
}

/** A national prefix stays when what it leaves is too short, or of a length between possible ones. */
function keepsPrefix(length: number, lengths: number[] | undefined): boolean {
  const fit = lengthFit(length, lengths);
  return fit === 'TOO_SHORT' || fit === 'INVALID_LENGTH';
}

type LengthFit = 'IS_POSSIBLE' | 'TOO_SHORT' | 'TOO_LONG' | 'INVALID_LENGTH';

function lengthFit(length: number, lengths: number[] | undefined): LengthFit {
  if (!lengths) return 'IS_POSSIBLE';
  if (lengths[0] === length) return 'IS_POSSIBLE';
  if (lengths[0] > length) return 'TOO_SHORT';
  if (lengths[lengths.length - 1] < length) return 'TOO_LONG';
  return lengths.indexOf(length, 1) >= 0 ? 'IS_POSSIBLE' : 'INVALID_LENGTH';
}
