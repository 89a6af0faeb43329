import Papa from 'papaparse';
import { FileError } from './error-codes.js';

/**
 * The streaming CSV reader: bytes in, trimmed records with their spreadsheet row numbers out.
 * Parsing is papaparse's core `Parser` (quotes, escapes, cells over several lines); this module
 * adds what an uploaded file needs around it: encodings and byte-order marks, row numbers as a
 * spreadsheet shows them, skipTop/skipBottom, blank rows, and a hard stop on a quote that never
 * closes. Memory holds one read chunk plus at most one unfinished record.
 */

export const CSV_ENCODINGS = ['utf-8', 'latin1', 'utf-16le', 'utf-16be'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

export interface CsvOptions {
  delimiter: string;
  quote: string;
  escape: string;
  header: boolean;
  skipTop: number;
  skipBottom: number;
  encoding: CsvEncoding;
}

export const DEFAULT_CSV_OPTIONS: CsvOptions = {
  delimiter: ',',
  quote: '"',
  escape: '"',
  header: true,
  skipTop: 0,
  skipBottom: 0,
  encoding: 'utf-8',
};

export interface CsvRecord {
  /**
   * 1-based: the row a spreadsheet shows this record on. Every record is one row, a blank line
   * included and a record whose quoted cell spans several lines too.
   */
  rowNumber: number;
  cells: string[];
}

/** A record still open after this many characters means a quote that never closes. */
const MAX_OPEN_RECORD_CHARS = 8 * 1024 * 1024;

/**
 * Reads a CSV byte stream. `header()` resolves to the header record (null when the template
 * says the file has none); `records()` then yields the data records in batches.
 */
export class CsvReader {
  private readonly iterator: AsyncIterator<CsvRecord[]>;
  private pending: CsvRecord[] = [];
  private headerRecord: CsvRecord | null | undefined;

  constructor(
    source: AsyncIterable<Uint8Array>,
    private readonly options: CsvOptions,
  ) {
    this.iterator = withoutBottom(nonBlank(skipTop(parseRecords(decode(source, options.encoding), options), options.skipTop)), options.skipBottom)[Symbol.asyncIterator]();
  }

  /** The header record, read once; null when `header` is false. */
  async header(): Promise<CsvRecord | null> {
    if (this.headerRecord !== undefined) return this.headerRecord;
    if (!this.options.header) {
      this.headerRecord = null;
      return null;
    }
    while (this.pending.length === 0) {
      const next = await this.iterator.next();
      if (next.done) {
        this.headerRecord = null;
        return null;
      }
      this.pending = next.value;
    }
    this.headerRecord = this.pending.shift()!;
    return this.headerRecord;
  }

  /** The data records, in batches as they are read. Call `header()` first. */
  async *records(): AsyncGenerator<CsvRecord[]> {
    await this.header();
    if (this.pending.length > 0) {
      yield this.pending;
      this.pending = [];
    }
    for (;;) {
      const next = await this.iterator.next();
      if (next.done) return;
      if (next.value.length > 0) yield next.value;
    }
  }
}

/** Decodes bytes to text: a byte-order mark wins over the configured encoding and is dropped. */
async function* decode(source: AsyncIterable<Uint8Array>, encoding: CsvEncoding): AsyncGenerator<string> {
  let decoder: ((bytes: Uint8Array, end: boolean) => string) | null = null;
  let head: Uint8Array = new Uint8Array(0);
  let offset = 0;
  for await (const chunk of source) {
    let bytes: Uint8Array = chunk;
    if (!decoder) {
      head = concat(head, bytes);
      if (head.length < 3) continue;
      const picked = pickDecoder(head, encoding);
      decoder = picked.decode;
      bytes = head.subarray(picked.bomLength);
      offset = picked.bomLength;
    }
    yield decodeOrFail(decoder, bytes, false, offset);
    offset += bytes.length;
  }
  if (!decoder) {
    const picked = pickDecoder(head, encoding);
    decoder = picked.decode;
    yield decodeOrFail(decoder, head.subarray(picked.bomLength), false, 0);
  }
  yield decodeOrFail(decoder, new Uint8Array(0), true, offset);
}

function pickDecoder(head: Uint8Array, encoding: CsvEncoding): { decode: (b: Uint8Array, end: boolean) => string; bomLength: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { decode: textDecoder('utf-8'), bomLength: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { decode: textDecoder('utf-16le'), bomLength: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { decode: textDecoder('utf-16be'), bomLength: 2 };
  if (encoding === 'latin1') return { decode: (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1'), bomLength: 0 };
  return { decode: textDecoder(encoding), bomLength: 0 };
}

function textDecoder(encoding: 'utf-8' | 'utf-16le' | 'utf-16be'): (b: Uint8Array, end: boolean) => string {
  const decoder = new TextDecoder(encoding, { fatal: true });
  return (bytes, end) => decoder.decode(bytes, { stream: !end });
}

function decodeOrFail(decode: (b: Uint8Array, end: boolean) => string, bytes: Uint8Array, end: boolean, offset: number): string {
  try {
    return decode(bytes, end);
  } catch {
    throw new FileError(
      'MALFORMED_CSV',
      `The file has bytes that are not valid text in its encoding (in the ${ordinalKb(offset)} of the file); save it as UTF-8, or set csv.encoding to "latin1" in the template`,
    );
  }
}

function ordinalKb(offset: number): string {
  return offset < 1024 ? 'first kilobyte' : `kilobyte ${Math.floor(offset / 1024) + 1}`;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

interface PapaParser {
  parse(input: string, baseIndex: number, ignoreLastRow: boolean): Papa.ParseResult<string[]>;
}

/** Every record of the text, blank ones included, numbered by the line it starts on. */
async function* parseRecords(text: AsyncIterable<string>, options: CsvOptions): AsyncGenerator<CsvRecord[]> {
  const ParserClass = (Papa as unknown as { Parser: new (config: object) => PapaParser }).Parser;
  // Lines end in \n; a \r before it is trimmed with the cell (papaparse allows white space
  // between a closing quote and the line end), so \r\n and \n files read the same.
  const parser = new ParserClass({ delimiter: options.delimiter, newline: '\n', quoteChar: options.quote, escapeChar: options.escape });
  let buffer = '';
  // Rows count records (what a spreadsheet shows); lines count line breaks (what an editor shows,
  // and what a message about an unclosed quote names).
  let row = 1;
  let line = 1;
  const emit = (result: Papa.ParseResult<string[]>, final: boolean): CsvRecord[] => {
    const rows = result.data;
    for (const error of result.errors) {
      // Outside the last read, an error in the record still being read may vanish once the rest
      // of that record arrives; only errors in finished records count.
      if (!final && (error.row ?? 0) >= rows.length) continue;
      const at = line + countNewlines(buffer, 0, error.index ?? 0);
      throw new FileError(
        'MALFORMED_CSV',
        error.code === 'MissingQuotes'
          ? `A quote opened on line ${at} is never closed, so the rest of the file cannot be read; close the quote or remove it`
          : `A quoted cell on line ${at} has text after its closing quote; double the quote inside the cell ("") or remove it`,
      );
    }
    const consumed = final ? buffer.length : result.meta.cursor;
    const records: CsvRecord[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) records[i] = { rowNumber: row++, cells: rows[i]! };
    line += countNewlines(buffer, 0, consumed);
    buffer = buffer.slice(consumed);
    return records;
  };
  for await (const piece of text) {
    buffer = buffer.length === 0 ? piece : buffer + piece;
    const records = emit(parser.parse(buffer, 0, true), false);
    if (records.length > 0) yield records;
    if (buffer.length > MAX_OPEN_RECORD_CHARS) {
      throw new FileError(
        'MALFORMED_CSV',
        `A quoted cell that starts on line ${line} is still open after ${MAX_OPEN_RECORD_CHARS / 1024 / 1024} MB of text: a closing quote is probably missing`,
      );
    }
  }
  if (buffer.length > 0) {
    const records = emit(parser.parse(buffer, 0, false), true);
    if (records.length > 0) yield records;
  }
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  let i = s.indexOf('\n', from);
  while (i !== -1 && i < to) {
    n++;
    i = s.indexOf('\n', i + 1);
  }
  return n;
}

/** Drops the first `count` rows of the file (blank ones count: they are rows of a spreadsheet). */
async function* skipTop(records: AsyncIterable<CsvRecord[]>, count: number): AsyncGenerator<CsvRecord[]> {
  for await (const batch of records) {
    yield count === 0 ? batch : batch.filter((r) => r.rowNumber > count);
  }
}

/** Trims cells and drops blank records (an empty line, or a line of empty cells). */
async function* nonBlank(records: AsyncIterable<CsvRecord[]>): AsyncGenerator<CsvRecord[]> {
  for await (const batch of records) {
    const out: CsvRecord[] = [];
    for (const record of batch) {
      const cells = record.cells;
      let blank = true;
      for (let i = 0; i < cells.length; i++) {
        const cell = cells[i]!;
        const trimmed = cell.length > 0 && (cell.charCodeAt(0) <= 32 || cell.charCodeAt(cell.length - 1) <= 32) ? cell.trim() : cell;
        cells[i] = trimmed;
        if (trimmed !== '') blank = false;
      }
      if (!blank) out.push(record);
    }
    yield out;
  }
}

/** Holds back the last `count` non-blank records, which the template says to ignore. */
async function* withoutBottom(records: AsyncIterable<CsvRecord[]>, count: number): AsyncGenerator<CsvRecord[]> {
  if (count === 0) {
    yield* records;
    return;
  }
  let held: CsvRecord[] = [];
  for await (const batch of records) {
    held = held.length === 0 ? batch : held.concat(batch);
    if (held.length > count) {
      yield held.slice(0, held.length - count);
      held = held.slice(held.length - count);
    }
  }
}
