import { assertNever } from './assert-never.js';
import { instantOfLocal, localDateOf } from './timezone.js';

/**
 * Dates in cells. A template's `dateFormat` (Unicode tokens, `dd/MM/yyyy HH:mm` style) is compiled
 * once into a regular expression; parsing a cell is then one `exec` and a range check, which is
 * what a million rows need (a general date library costs 25–50 s per million rows here).
 */

export interface ParsedDate {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** The offset written in the cell, in minutes, or null for a local (zone-less) time. */
  offsetMinutes: number | null;
}

export type DateParser = (text: string) => ParsedDate | null;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

type Slot = 'year' | 'year2' | 'month' | 'monthName' | 'day' | 'hour' | 'hour12' | 'minute' | 'second' | 'fraction' | 'ampm' | 'offset';

const TOKENS: Array<[string, string, Slot]> = [
  ['yyyy', '(\\d{4})', 'year'],
  ['yy', '(\\d{2})', 'year2'],
  ['MMMM', '([A-Za-z]+)', 'monthName'],
  ['MMM', '([A-Za-z]{3})', 'monthName'],
  ['MM', '(\\d{2})', 'month'],
  ['M', '(\\d{1,2})', 'month'],
  ['dd', '(\\d{2})', 'day'],
  ['d', '(\\d{1,2})', 'day'],
  ['HH', '(\\d{2})', 'hour'],
  ['H', '(\\d{1,2})', 'hour'],
  ['hh', '(\\d{2})', 'hour12'],
  ['h', '(\\d{1,2})', 'hour12'],
  ['mm', '(\\d{2})', 'minute'],
  ['m', '(\\d{1,2})', 'minute'],
  ['ss', '(\\d{2})', 'second'],
  ['s', '(\\d{1,2})', 'second'],
  ['SSS', '(\\d{3})', 'fraction'],
  ['a', '([AaPp][Mm])', 'ampm'],
  ['XXX', '(Z|[+-]\\d{2}:\\d{2})', 'offset'],
  ['xxx', '([+-]\\d{2}:\\d{2})', 'offset'],
  ['Z', '([+-]\\d{4})', 'offset'],
];

const LETTER = /[A-Za-z]/;

/** Compiles a date pattern; throws an Error naming the unsupported part. */
export function compileDateFormat(pattern: string): DateParser {
  let source = '^';
  const slots: Slot[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) throw new Error(`dateFormat "${pattern}": a quote opened at position ${i + 1} is never closed`);
      source += escapeRegExp(pattern.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    if (LETTER.test(ch)) {
      const token = TOKENS.find(([t]) => pattern.startsWith(t, i));
      if (!token) {
        let run = ch;
        while (pattern[i + run.length] === ch) run += ch;
        throw new Error(
          `dateFormat "${pattern}": "${run}" is not a supported token; use yyyy, yy, MMM, MM, M, dd, d, HH, H, hh, h, mm, m, ss, s, SSS, a, XXX, xxx or Z, and quote literal letters ('T')`,
        );
      }
      source += token[1];
      slots.push(token[2]);
      i += token[0].length;
      continue;
    }
    source += escapeRegExp(ch);
    i++;
  }
  if (!slots.includes('year') && !slots.includes('year2')) throw new Error(`dateFormat "${pattern}" has no year (yyyy or yy)`);
  if (!slots.includes('month') && !slots.includes('monthName')) throw new Error(`dateFormat "${pattern}" has no month (MM, M or MMM)`);
  if (!slots.includes('day')) throw new Error(`dateFormat "${pattern}" has no day (dd or d)`);
  const regex = new RegExp(`${source}$`);

  return (text) => {
    const m = regex.exec(text);
    if (!m) return null;
    const d: ParsedDate = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millisecond: 0, offsetMinutes: null };
    let pm: boolean | null = null;
    let hour12: number | null = null;
    for (let s = 0; s < slots.length; s++) {
      const v = m[s + 1]!;
      const slot = slots[s]!;
      switch (slot) {
        case 'year':
          d.year = Number(v);
          break;
        case 'year2': {
          const yy = Number(v);
          d.year = yy >= 70 ? 1900 + yy : 2000 + yy;
          break;
        }
        case 'month':
          d.month = Number(v);
          break;
        case 'monthName': {
          const idx = MONTHS.indexOf(v.slice(0, 3).toLowerCase());
          if (idx < 0) return null;
          d.month = idx + 1;
          break;
        }
        case 'day':
          d.day = Number(v);
          break;
        case 'hour':
          d.hour = Number(v);
          break;
        case 'hour12':
          hour12 = Number(v);
          break;
        case 'minute':
          d.minute = Number(v);
          break;
        case 'second':
          d.second = Number(v);
          break;
        case 'fraction':
          d.millisecond = Number(v);
          break;
        case 'ampm':
          pm = v.toLowerCase() === 'pm';
          break;
        case 'offset':
          d.offsetMinutes = parseOffset(v);
          break;
        default:
          return assertNever(slot);
      }
    }
    if (hour12 !== null) {
      if (hour12 < 1 || hour12 > 12) return null;
      d.hour = (hour12 % 12) + (pm ? 12 : 0);
    }
    return valid(d) ? d : null;
  };
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Reads ISO 8601 dates and date-times, with `T` or a space between date and time. */
export const parseIsoDate: DateParser = (text) => {
  const m = ISO.exec(text);
  if (!m) return null;
  const d: ParsedDate = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: m[4] ? Number(m[4]) : 0,
    minute: m[5] ? Number(m[5]) : 0,
    second: m[6] ? Number(m[6]) : 0,
    millisecond: m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0,
    offsetMinutes: m[8] ? parseOffset(m[8]) : null,
  };
  return valid(d) ? d : null;
};

/** The parser for a template's date format, or ISO 8601 when it has none. */
export function dateParserFor(pattern: string | undefined | null): DateParser {
  return pattern ? compileDateFormat(pattern) : parseIsoDate;
}

/** The org-local calendar date of a parsed date: its own date when it has no offset. */
export function localDate(d: ParsedDate, zone: string): string {
  if (d.offsetMinutes === null) return ymd(d.year, d.month, d.day);
  return localDateOf(zone, toEpochMs(d, zone));
}

/** The instant a parsed date names; a zone-less one is read in `zone`. */
export function toEpochMs(d: ParsedDate, zone: string): number {
  const wall = Date.UTC(d.year, d.month - 1, d.day, d.hour, d.minute, d.second, d.millisecond);
  return d.offsetMinutes === null ? instantOfLocal(zone, wall) : wall - d.offsetMinutes * 60_000;
}

/** Formats a calendar date as `yyyy-MM-dd`. */
export function ymd(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/** Days in a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1]!;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function valid(d: ParsedDate): boolean {
  return (
    d.month >= 1 &&
    d.month <= 12 &&
    d.day >= 1 &&
    d.day <= daysInMonth(d.year, d.month) &&
    d.hour < 24 &&
    d.minute < 60 &&
    d.second < 60 &&
    (d.offsetMinutes === null || Math.abs(d.offsetMinutes) <= 14 * 60)
  );
}

function parseOffset(v: string): number {
  if (v === 'Z') return 0;
  const sign = v[0] === '-' ? -1 : 1;
  const digits = v.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
